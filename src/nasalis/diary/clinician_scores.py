"""Clinician-rated scores, kept as written: a scale's name, its value, the date and who rated it.

nasalis never computes, converts or compares these scores; it stores what a clinician wrote
(in clinic, or in a letter the person copies) and shows it on the report's timeline.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import journal
from nasalis.diary.entries import NotFoundError
from nasalis.diary.models import ClinicianScore
from nasalis.diary.records import FieldError, RecordError, control_problem

SOURCES = ("clinic", "letter")
"""How a score came: a clinician entered it (`clinic`), or the person copied it from a letter."""

SCALE_MAX = 120
VALUE_MAX = 60
RATED_BY_MAX = 200
NOTE_MAX = 2000
"""The longest texts the store keeps (the form, the API and the import read these)."""

SCALE_SUGGESTIONS = (
    "Jankovic Rating Scale (blepharospasm)",
    "Blepharospasm Disability Index",
    "Yale Global Tic Severity Scale (YGTSS)",
    "Hemifacial spasm grade",
    "Clinical Global Impression (CGI)",
)
"""Scale names people are likely to type (only names: nasalis knows nothing of their ranges)."""

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class ScoreRecord:
    """A checked score, ready to store or compare (the CLI, the pages, the API and import build one)."""

    scale: str
    value: str
    """As written: "2", "Grade II", "14/30"."""
    rated_on: dt.date
    rated_by: str | None = None
    source: str = "letter"
    note: str | None = None

    @property
    def value_number(self) -> float | None:
        """The value as a number when it is one plainly ("2", "3.5"); "Grade II" or "14/30" are not."""
        text = self.value.strip()
        if _NUMBER.fullmatch(text):
            return float(text.replace(",", "."))
        return None


def _text(errors: dict[str, str], name: str, raw: object, most: int, required: bool) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors[name] = "is required"
        return None
    if not isinstance(raw, str):
        errors[name] = "must be text"
        return None
    value = raw.strip()
    if len(value) > most:
        errors[name] = f"must be at most {most} characters"
        return None
    problem = control_problem(value)
    if problem:
        errors[name] = problem
        return None
    return value


def build_score(
    scale: object,
    value: object,
    rated_on: object,
    rated_by: object = None,
    source: object = "letter",
    note: object = None,
) -> ScoreRecord:
    """A ScoreRecord from typed or imported values; raises FieldError naming every bad field."""
    errors: dict[str, str] = {}
    scale_text = _text(errors, "scale", scale, SCALE_MAX, required=True)
    value_text = _text(errors, "value", value, VALUE_MAX, required=True)
    by = _text(errors, "rated_by", rated_by, RATED_BY_MAX, required=False)
    note_text = _text(errors, "note", note, NOTE_MAX, required=False)
    day: dt.date | None = None
    if isinstance(rated_on, dt.date) and not isinstance(rated_on, dt.datetime):
        day = rated_on
    elif isinstance(rated_on, str):
        try:
            day = dt.date.fromisoformat(rated_on.strip())
        except ValueError:
            errors["rated_on"] = f"must be a date YYYY-MM-DD (got {rated_on[:20]!r})"
    else:
        errors["rated_on"] = "is required (a date YYYY-MM-DD)"
    # A day of slack: the person's "today" may be a day ahead of this machine's (time zones).
    if day is not None and day > dt.date.today() + dt.timedelta(days=1):
        errors["rated_on"] = f"is in the future ({day.isoformat()}): give the date it was rated"
    if source not in SOURCES:
        errors["source"] = f"must be one of {', '.join(SOURCES)}"
    if errors:
        if len(errors) == 1:
            name, message = next(iter(errors.items()))
            raise FieldError(name, message)
        raise RecordError(errors)
    assert scale_text is not None
    assert value_text is not None
    assert day is not None
    return ScoreRecord(scale_text, value_text, day, by, str(source), note_text)


BUNDLE_KEYS = frozenset({"scale", "value", "value_number", "rated_on", "rated_by", "source", "note"})
"""The keys of a score in the JSON bundle (`value_number` is read again from `value`, never trusted)."""


def score_from_json(item: dict[str, Any]) -> ScoreRecord:
    """A score of the JSON bundle's `clinician_scores` list; FieldError names an unknown or bad key."""
    unknown = sorted(set(item) - BUNDLE_KEYS)
    if unknown:
        raise FieldError(
            unknown[0], f"is not a field of a clinician score ({', '.join(sorted(BUNDLE_KEYS))})"
        )
    return build_score(
        item.get("scale"),
        item.get("value"),
        item.get("rated_on"),
        item.get("rated_by"),
        # Whatever the file says: only a clinician's own entry is "clinic", and an import has no
        # clinician behind it (a bundle must not make a score look entered in clinic).
        "letter",
        item.get("note"),
    )


def new_rows(session: Session, person_id: int, records: list[ScoreRecord]) -> list[dict[str, Any]]:
    """Columns of the imported scores the diary does not have yet (matched on scale, date and value)."""
    have: set[tuple[str, dt.date, str]] = {
        (scale, day, value)
        for scale, day, value in session.execute(
            select(ClinicianScore.scale, ClinicianScore.rated_on, ClinicianScore.value_text).where(
                ClinicianScore.person_id == person_id
            )
        )
    }
    rows = []
    for r in records:
        key = (r.scale, r.rated_on, r.value)
        if key in have:
            continue
        have.add(key)  # the same score twice in one file is one score
        rows.append(
            {
                "scale": r.scale,
                "value_text": r.value,
                "value_number": r.value_number,
                "rated_on": r.rated_on,
                "rated_by": r.rated_by,
                "source": r.source,
                "note": r.note,
            }
        )
    return rows


def score_row(person_id: int, record: ScoreRecord, entered_by_account: int | None = None) -> ClinicianScore:
    """The row a record becomes (not yet added to a session)."""
    return ClinicianScore(
        person_id=person_id,
        scale=record.scale,
        value_text=record.value,
        value_number=record.value_number,
        rated_on=record.rated_on,
        rated_by=record.rated_by,
        source=record.source,
        note=record.note,
        entered_by_account=entered_by_account,
    )


def label(score: ClinicianScore) -> str:
    """How a score is named in undo messages (scale, value, date)."""
    return f"score {score.scale[:40]} {score.value_text[:20]} on {score.rated_on.isoformat()}"


def find_same(session: Session, person_id: int, record: ScoreRecord) -> ClinicianScore | None:
    """The person's score with this scale, date and value, if there is one (a retry or a re-import)."""
    return session.scalars(
        select(ClinicianScore).where(
            ClinicianScore.person_id == person_id,
            ClinicianScore.scale == record.scale,
            ClinicianScore.rated_on == record.rated_on,
            ClinicianScore.value_text == record.value,
        )
    ).first()


def record_score(
    session: Session,
    person_id: int,
    record: ScoreRecord,
    entered_by_account: int | None = None,
) -> ClinicianScore:
    """Store a score in the caller's transaction; the same score again adds nothing.

    The person's own entry goes in their undo journal; a clinician's does not.

    `entered_by_account` is the clinician's account when a clinician entered it (then `record`
    says `source="clinic"`); None when the person did.
    """
    same = find_same(session, person_id, record)
    if same is not None:
        return same
    row = score_row(person_id, record, entered_by_account)
    if entered_by_account is not None:
        # Not in the person's undo journal: their Undo would silently remove the clinician's
        # score instead of their own last entry. They can still delete it on /scores.
        session.add(row)
        session.flush()
        return row
    return journal.add(session, person_id, row, label(row))


def scores_of(session: Session, person_id: int) -> list[ClinicianScore]:
    """A person's scores, oldest rating first."""
    return list(
        session.scalars(
            select(ClinicianScore)
            .where(ClinicianScore.person_id == person_id)
            .order_by(ClinicianScore.rated_on, ClinicianScore.id)
        )
    )


def delete_score(session: Session, person_id: int, score_id: int) -> ClinicianScore:
    """Delete one of the person's scores (undo puts it back); another person's is NotFoundError."""
    score = session.get(ClinicianScore, score_id)
    if score is None or score.person_id != person_id:
        raise NotFoundError(f"no score {score_id}")
    before = journal.snapshot(score)
    what = label(score)
    session.delete(score)
    session.flush()
    journal.record(
        session, person_id, "delete", ClinicianScore.__tablename__, [score_id], f"{what} deleted", [before]
    )
    return score


def score_json(score: ClinicianScore) -> dict[str, object]:
    """A score as the CLI's --json, the API and the JSON bundle give it (import reads the same keys)."""
    return {
        "scale": score.scale,
        "value": score.value_text,
        "value_number": score.value_number,
        "rated_on": score.rated_on.isoformat(),
        "rated_by": score.rated_by,
        "source": score.source,
        "note": score.note,
    }
