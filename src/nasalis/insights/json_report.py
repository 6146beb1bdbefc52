"""What every diary analysis offers its callers: its contract's JSON, and how it is loaded.

The CLI (`commands.common.print_analysis`) and the API (`web.analysis_json.analysis_json`) both
read these, so the shape of an analysis is declared once, here in the domain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session


class JsonReport(Protocol):
    """An analysis that has a contract's JSON."""

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON of the analysis."""
        ...


ReportT = TypeVar("ReportT", bound=JsonReport)

Loader = Callable[[Session, int, dt.date | None], ReportT]
"""How an analysis is loaded: (session, person id, first day or None) -> its report."""
