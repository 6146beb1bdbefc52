"""Where nasalis keeps its files: the user's data folder and the default diary in it.

Apart from `nasalis.config` (whose settings load pydantic) so that a command that only opens the
diary need not load pydantic to find it.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "nasalis"


def data_folder() -> Path:
    """The user's data folder for nasalis."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    """A SQLite file in the user's data folder: health data stays on this machine."""
    return f"sqlite:///{data_folder() / 'nasalis.db'}"
