"""The change journal: every write records enough to be undone."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import Date, DateTime, delete, select
from sqlalchemy.orm import Session

from nasalis.diary.models import Assessment, Base, Change, Day, Episode, Experiment, Medication, Note

TABLES: dict[str, type[Base]] = {
    m.__tablename__: m for m in (Episode, Day, Medication, Note, Experiment, Assessment)
}


def snapshot(row: Base) -> dict[str, Any]:
    """A row's columns as JSON-safe values."""
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _restore_values(model: type[Base], data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in model.__table__.columns:
        value = data.get(column.key)
        if value is not None and isinstance(column.type, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = dt.date.fromisoformat(value)
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
    if change.action == "import":
        for table, span in (change.before or [{}])[0].items():
            imported: Any = TABLES[table]
            session.execute(
                delete(imported).where(
                    imported.person_id == person_id,
                    imported.id.between(span["from"], span["to"]),
                    imported.created_at == dt.datetime.fromisoformat(span["created_at"]),
                )
            )
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
            values = _restore_values(model, data)
            row = session.get(model, values["id"])
            if row is None:
                session.add(model(**values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)
    change.undone = True
    return f"undid: {change.summary}"
