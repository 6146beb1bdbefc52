"""The shape every analysis route of the API shares: a `since` query, one read, the contract's JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Protocol

from fastapi import Query
from sqlalchemy.orm import Session

from nasalis.diary.store import Store
from nasalis.web.deps import Viewer
from nasalis.web.schemas import date_param

SinceQuery = Annotated[str | None, Query(description="Only days from YYYY-MM-DD.")]


class JsonReport(Protocol):
    """An analysis that has a contract's JSON."""

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON of the analysis."""
        ...


def analysis_json(
    store: Store,
    viewer: Viewer,
    since: str | None,
    load: Callable[[Session, int, dt.date | None], JsonReport],
) -> dict[str, Any]:
    """The viewer's analysis from `since` (a 422 naming it when it is no date) as its JSON."""
    start = date_param("since", since)
    with store.read() as session:
        return load(session, viewer.person_id, start).to_json()
