"""What a person decided about the events they were asked to check, kept with the clip.

Decisions are stored on the clip's own row (`Video.review_decisions`), so they belong to the
person whose clip it is (videos.get refuses anyone else's). They can be changed or taken back
until the twitches are added to the diary; then the diary's Undo takes the twitches out, and
the decisions can be changed again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from nasalis.diary import videos
from nasalis.diary.models import Video
from nasalis.diary.records import FieldError
from nasalis.video.review import DECISIONS, asked, kept

UNDECIDED = ""
"""The decision sent to take a decision back."""


def decisions(row: Video) -> dict[str, str]:
    """The clip's decisions (event index -> keep or drop)."""
    return dict(row.review_decisions or {})


def decide(session: Session, row: Video, event: int, decision: str) -> dict[str, str]:
    """Keep, drop or (UNDECIDED) take back the decision on one event asked about; the decisions after.

    FieldError naming the field when the clip is not measured, the event was not asked about,
    or the decision is not one of keep, drop or nothing; then nothing is changed.
    """
    events = (row.result or {}).get("events", []) if row.status == "done" else []
    if row.status != "done":
        raise FieldError("event", "the clip is not measured yet")
    if event not in asked(events):
        raise FieldError("event", f"event {event} is not one this clip asks you to check")
    if decision not in (*DECISIONS, UNDECIDED):
        raise FieldError("decision", "the decision must be keep or drop (or empty, to take it back)")
    chosen = decisions(row)
    if decision == UNDECIDED:
        chosen.pop(str(event), None)
    else:
        chosen[str(event)] = decision
    row.review_decisions = chosen  # a new dict: SQLAlchemy sees a JSON column change only on assignment
    session.flush()
    return chosen


def to_add(row: Video) -> list[Mapping[str, Any]]:
    """The events that go into the diary now: the confident ones, and those checked and kept."""
    return kept((row.result or {}).get("events", []), decisions(row))


def attach_reviewed(session: Session, row: Video) -> list[int]:
    """Add the confident and the kept events to the diary as one change (new episode ids)."""
    return videos.attach(session, row, to_add(row))
