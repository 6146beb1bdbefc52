"""How much one import may read: bytes, rows, columns, line length, number size and depth."""

from __future__ import annotations

import lzma
import zipfile
import zlib
from dataclasses import dataclass

from nasalis.diary.bundle import InterchangeError

MAX_FILE_BYTES = 50_000_000
"""The most text one import reads: a file, or a zip's CSV files once unzipped (5 years of a heavy
diary are about 1.3 MB of CSV)."""
MAX_ROWS = 100_000
"""The most rows (and bundle entries) one import reads: 20 years of a heavy diary, 4,400 a year."""
MAX_COLUMNS = 200
"""The most columns a CSV file may have (days.csv: the contract's and your own factors)."""
MAX_LINE = 100_000
"""The longest line of a CSV file, in characters (a note may have 5,000)."""
MAX_NUMBER_CHARS = 32
"""The longest number in a bundle, in characters (any float's shortest form is at most 24)."""
MAX_DEPTH = 20
"""How deep a bundle's answers and results may nest (an assessment's nest 4 levels)."""


@dataclass
class Budget:
    """What one import may still read: rows over all its files, and bytes of text."""

    bytes_left: int
    limit_said: str
    """The byte limit in words, for the message that refuses more."""
    rows_left: int = MAX_ROWS

    def spend(self, name: str, count: int) -> None:
        """Count `count` more bytes read from `name`; InterchangeError past the limit."""
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise InterchangeError(f"{name}: too large ({self.limit_said})")

    def row(self, where: str) -> None:
        """Count one more row (or bundle entry); InterchangeError past MAX_ROWS."""
        self.rows_left -= 1
        if self.rows_left < 0:
            raise InterchangeError(
                f"{where}: too many rows (an import reads at most {MAX_ROWS:,} rows; split the diary)"
            )


def file_budget() -> Budget:
    """The budget for reading a file on disk or an uploaded file as it is (not a zip)."""
    return Budget(MAX_FILE_BYTES, f"a file may have at most {MAX_FILE_BYTES // 1_000_000} MB")


READ_ERRORS = (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error, lzma.LZMAError)
"""What a damaged (compressed) stream raises while it is read: a bad CRC, truncated data."""
