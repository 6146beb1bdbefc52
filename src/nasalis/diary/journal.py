"""The change journal: every write records enough to be undone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Date, DateTime, Time, delete, select
from sqlalchemy.orm import Session

from nasalis.diary.models import (
    Assessment,
    Base,
    Change,
    ClinicianScore,
    Day,
    Episode,
    Experiment,
    Medication,
    Note,
    Treatment,
)

TABLES: dict[str, type[Base]] = {
    m.__tablename__: m
    for m in (Episode, Day, Medication, Note, Experiment, Assessment, ClinicianScore, Treatment)
}


def snapshot(row: Base) -> dict[str, Any]:
    """A row's columns as JSON-safe values."""
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, dt.date | dt.time) else value
    return out


def _restore_values(model: type[Base], data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in model.__table__.columns:
        value = data.get(column.key)
        if value is not None and isinstance(column.type, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = dt.date.fromisoformat(value)
        elif value is not None and isinstance(column.type, Time):
            value = dt.time.fromisoformat(value)
        values[column.key] = value
    return values


def record(
    session: Session,
    person_id: int,
    action: str,
    table: str,
    row_ids: list[int],
    summary: str,
    before: list[dict[str, Any]] | None = None,
) -> None:
    """Add a journal entry in the caller's transaction."""
    session.add(
        Change(
            person_id=person_id,
            action=action,
            table_name=table,
            row_ids=row_ids,
            before=before,
            summary=summary[:300],
        )
    )


_Added = TypeVar("_Added", bound=Base)


def add(session: Session, person_id: int, row: _Added, summary: str) -> _Added:
    """Insert a new row and journal it, so that undo removes it again."""
    session.add(row)
    session.flush()
    record(session, person_id, "add", row.__tablename__, [row.id], summary)  # type: ignore[attr-defined]
    return row


def latest_change_id(session: Session, person_id: int) -> int | None:
    """The id of this person's newest journal entry (after a write: the one it just made)."""
    session.flush()
    return session.scalars(
        select(Change.id).where(Change.person_id == person_id).order_by(Change.id.desc()).limit(1)
    ).first()


def undoable(session: Session, person_id: int, change_id: int) -> Change | None:
    """This person's change `change_id` if undo can take it back: not undone, no later change on its rows."""
    change = session.get(Change, change_id)
    if change is None or change.person_id != person_id or change.undone:
        return None
    later = session.scalars(
        select(Change).where(
            Change.person_id == person_id,
            Change.undone.is_(False),
            Change.id > change_id,
        )
    ).all()
    # A later change to the same rows (or any import, which spans rows) would be overwritten.
    mine = set(change.row_ids or [])
    for other in later:
        if other.action == "import" or change.action == "import":
            return None
        if other.table_name == change.table_name and mine & set(other.row_ids or []):
            return None
    return change


def undo_change(session: Session, person_id: int, change_id: int) -> str | None:
    """Revert exactly the change `change_id` (the one a message named); its summary, or None."""
    change = undoable(session, person_id, change_id)
    if change is None:
        return None
    _revert(session, person_id, change)
    return change.summary


def undo_last(session: Session, person_id: int) -> str | None:
    """Revert this person's latest change that is not yet undone; its summary, or None."""
    change = session.scalars(
        select(Change)
        .where(Change.person_id == person_id, Change.undone.is_(False))
        .order_by(Change.id.desc())
        .limit(1)
    ).first()
    if change is None:
        return None
    _revert(session, person_id, change)
    return f"undid: {change.summary}"


def _revert(session: Session, person_id: int, change: Change) -> None:
    if change.action == "import":
        for table, span in (change.before or [{}])[0].items():
            imported: Any = TABLES[table]
            query = delete(imported).where(
                imported.person_id == person_id, imported.id.between(span["from"], span["to"])
            )
            if getattr(imported, "created_at", None) is not None and span.get("created_at"):
                # Rows made later in that id range (ids can be reused) are not the import's.
                query = query.where(imported.created_at == dt.datetime.fromisoformat(span["created_at"]))
            session.execute(query)
    else:
        model = TABLES[change.table_name]
        if change.action == "add":
            session.execute(
                delete(model).where(
                    model.id.in_(change.row_ids),  # type: ignore[attr-defined]
                    model.person_id == person_id,  # type: ignore[attr-defined]
                )
            )
        for data in change.before or []:
            _restore(session, person_id, model, _restore_values(model, data))
    change.undone = True


def _restore(session: Session, person_id: int, model: type[Base], values: dict[str, Any]) -> None:
    """Put a row back as the journal kept it, only ever as this person's row.

    A journal entry's values are trusted only for its own person: a row that now holds
    another person's data under that id is never touched (the kept row comes back under a
    fresh id instead), and the kept person_id is replaced by the journal's person.
    """
    values = {**values, "person_id": person_id}
    row: Any = session.get(model, values["id"])
    if row is None:
        session.add(model(**values))
    elif row.person_id == person_id:
        for key, value in values.items():
            setattr(row, key, value)
    else:
        session.add(model(**{k: v for k, v in values.items() if k != "id"}))


@dataclass(frozen=True)
class NamedChange:
    """What a message about one change needs: what it was, and whether undo can still take it back."""

    id: int
    action: str
    summary: str
    undone: bool
    can_undo: bool


def named(session: Session, person_id: int, change_id: int) -> NamedChange | None:
    """This person's change `change_id` as a message names it; None when it is not theirs."""
    change = session.get(Change, change_id)
    if change is None or change.person_id != person_id:
        return None
    can_undo = undoable(session, person_id, change_id) is not None
    return NamedChange(change.id, change.action, change.summary, change.undone, can_undo)
