"""The shape every analysis route of the API shares: a `since` query, one read, the contract's JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from nasalis.diary.store import Store
from nasalis.insights.json_report import JsonReport, Loader
from nasalis.web.deps import Viewer
from nasalis.web.schemas import date_param

SinceQuery = Annotated[str | None, Query(description="Only days from YYYY-MM-DD.")]


def analysis_json(
    store: Store,
    viewer: Viewer,
    since: str | None,
    load: Loader[JsonReport],
) -> dict[str, Any]:
    """The viewer's analysis from `since` (a 422 naming it when it is no date) as its JSON."""
    start = date_param("since", since)
    with store.read() as session:
        return load(session, viewer.person_id, start).to_json()
