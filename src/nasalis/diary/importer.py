"""Put a parsed bundle into the store in one transaction, skipping what is already there (episodes:
nasalis.diary.episode_writer's policy)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from nasalis.diary import clinician_scores, journal, preferences
from nasalis.diary.bulk_insert import insert_many
from nasalis.diary.bundle import Bundle, Extras, MedicineRecord
from nasalis.diary.entries import day_row
from nasalis.diary.episode_writer import write_episodes
from nasalis.diary.local_dates import EpisodeFilter, count_episodes
from nasalis.diary.models import (
    Assessment,
    Base,
    ClinicianScore,
    Day,
    Episode,
    Experiment,
    Medication,
    Note,
    Preferences,
    Treatment,
    utcnow,
)
from nasalis.diary.store import Store
from nasalis.diary.treatments import existing_keys, treatment_row
from nasalis.knowledge import match_medication
from nasalis.wording import plural


@dataclass(frozen=True)
class ImportResult:
    """What an import added, and what it found already there."""

    episodes_added: int
    days_added: int
    episodes_skipped: int
    days_skipped: int
    medications_added: int = 0
    notes_added: int = 0
    assessments_added: int = 0
    experiments_added: int = 0
    treatments_added: int = 0
    clinician_scores_added: int = 0
    extras_skipped: int = 0
    """Medicines, notes, assessments, experiments and treatments that were already in the diary."""
    settings_added: bool = False
    """Whether the bundle's settings were taken (only when the diary had none of its own)."""

    @property
    def anything_added(self) -> bool:
        """Whether the import changed the diary at all (else there is nothing to undo)."""
        return bool(self.episodes_added or self.days_added or self.extras_added or self.settings_added)

    @property
    def extras_added(self) -> list[tuple[int, str, str]]:
        """(count, noun, plural noun) of each kind of extra the import added, those it added only."""
        counts = [(getattr(self, f"{key}_added"), *nouns) for key, nouns in EXTRA_NOUNS.items()]
        return [(n, one, many) for n, one, many in counts if n]


EXTRA_NOUNS = {
    "medications": ("medicine", "medicines"),
    "notes": ("note", "notes"),
    "assessments": ("assessment", "assessments"),
    "experiments": ("experiment", "experiments"),
    "treatments": ("treatment", "treatments"),
    "clinician_scores": ("clinician score", "clinician scores"),
}
"""How a message names each kind of extra, one and many."""


def import_bundle(store: Store, person_id: int, bundle: Bundle, label: str = "import") -> ImportResult:
    """Add every episode, day and extra not yet in the diary; all or nothing."""
    with store.write() as session:
        have_days = set(session.scalars(select(Day.date).where(Day.person_id == person_id)))
        now = utcnow()  # one timestamp for the whole import, not a call per row
        day_rows = [day_row(person_id, d) for d in bundle.days if d.date not in have_days]
        _drop_contradicted_no_twitches(session, person_id, bundle, day_rows)
        extra_rows = _new_extras(session, person_id, bundle.extras)
        tables: list[tuple[type[Base], list[dict[str, Any]]]] = [(Day, day_rows), *extra_rows.items()]
        for model, rows in tables:
            if "created_at" in model.__table__.columns:  # an assessment has only its own time
                for row in rows:
                    row["created_at"] = now
        # Undo finds an import's rows by person, id range and the import's own created_at
        # stamp, so the journal need not list (or re-read) every id.
        added: dict[str, dict[str, object]] = {}
        first = (session.scalar(select(func.max(Episode.id))) or 0) + 1
        episode_rows = write_episodes(session, person_id, bundle.episodes, "import", now).added
        if episode_rows:
            last = session.scalar(select(func.max(Episode.id)))
            added[Episode.__tablename__] = {"from": first, "to": last, "created_at": now.isoformat()}
        connection = session.connection()
        for model, rows in tables:
            if rows:
                first = (session.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]
                insert_many(connection, cast(Table, model.__table__), rows)
                last = session.scalar(select(func.max(model.id)))  # type: ignore[attr-defined]
                added[model.__tablename__] = {"from": first, "to": last, "created_at": now.isoformat()}
        extras = bundle.extras
        offered = sum(len(getattr(extras, key)) for key in EXTRA_NOUNS)
        result = ImportResult(
            episodes_added=len(episode_rows),
            days_added=len(day_rows),
            episodes_skipped=len(bundle.episodes) - len(episode_rows),
            days_skipped=len(bundle.days) - len(day_rows),
            medications_added=len(extra_rows[Medication]),
            notes_added=len(extra_rows[Note]),
            assessments_added=len(extra_rows[Assessment]),
            experiments_added=len(extra_rows[Experiment]),
            treatments_added=len(extra_rows[Treatment]),
            clinician_scores_added=len(extra_rows[ClinicianScore]),
            extras_skipped=offered - sum(len(rows) for rows in extra_rows.values()),
        )
        if added:
            # the undo message names everything the import brought, its treatments and medicines too
            named = "".join(f", {plural(n, one, many)}" for n, one, many in result.extras_added)
            journal.record(
                session,
                person_id,
                "import",
                "episodes",
                [],
                f"{label}: {len(episode_rows)} episodes, {len(day_rows)} days{named}",
                [added],
            )
        settings_added = _take_settings(session, person_id, bundle.extras.settings)
    return replace(result, settings_added=settings_added)


def _drop_contradicted_no_twitches(
    session: Session, person_id: int, bundle: Bundle, day_rows: list[dict[str, Any]]
) -> None:
    """Drop "no twitches" from an imported day with twitches (in the file or the diary)."""
    marked = [row for row in day_rows if row.get("no_twitches")]
    if not marked:
        return
    offered = {e.started_at.date() for e in bundle.episodes}
    for row in marked:
        day: dt.date = row["date"]
        if day in offered or count_episodes(session, person_id, EpisodeFilter(day, day)):
            row["no_twitches"] = None


def _new_extras(session: Session, person_id: int, extras: Extras) -> dict[type[Base], list[dict[str, Any]]]:
    """Rows for the medicines, notes, assessments and experiments the diary does not have yet.

    Each is matched on what names it: a medicine on its name and start, a note on its time
    and text, an assessment on its time, an experiment on its title and start.
    """
    mine = {"person_id": person_id}
    have_meds = set(session.execute(select(Medication.name, Medication.started_on).filter_by(**mine)))
    have_notes = set(session.execute(select(Note.written_at, Note.text).filter_by(**mine)))
    have_assessments = set(session.scalars(select(Assessment.at).filter_by(**mine)))
    have_experiments = set(session.execute(select(Experiment.title, Experiment.start_date).filter_by(**mine)))
    medicines = [_medicine_row(m) for m in extras.medications if (m.name, m.started_on) not in have_meds]
    notes = [
        {"written_at": _utc(n.written_at), "text": n.text}
        for n in extras.notes
        if (_utc(n.written_at), n.text) not in have_notes
    ]
    assessments = [
        {"at": _utc(a.at), "level": a.level, "intake": a.intake, "result": a.result}
        for a in extras.assessments
        if _utc(a.at) not in have_assessments
    ]
    experiments = [
        {**vars(e), "schedule": list(e.schedule)}
        for e in extras.experiments
        if (e.title, e.start_date) not in have_experiments
    ]
    rows = {
        Medication: medicines,
        Note: notes,
        Assessment: assessments,
        Experiment: experiments,
        Treatment: _new_treatments(session, person_id, extras),
        ClinicianScore: clinician_scores.new_rows(session, person_id, extras.clinician_scores),
    }
    return {model: [{**mine, **row} for row in found] for model, found in rows.items()}


def _new_treatments(session: Session, person_id: int, extras: Extras) -> list[dict[str, Any]]:
    """The bundle's treatments not in the diary yet, matched on date, kind and product (each once)."""
    have = existing_keys(session, person_id)
    rows: list[dict[str, Any]] = []
    for rec in extras.treatments:
        if rec.key() not in have:
            have.add(rec.key())
            rows.append({k: v for k, v in treatment_row(person_id, rec).items() if k != "person_id"})
    return rows


def _medicine_row(m: MedicineRecord) -> dict[str, Any]:
    """A medicine's columns, matched to the lexicon as one typed in would be."""
    match = match_medication(m.name)
    return {
        **vars(m),
        "matched": match.drug.name if match else None,
        "drug_class": match.klass.id if match else None,
    }


def _utc(instant: dt.datetime) -> dt.datetime:
    """An instant as the store keeps it: naive UTC."""
    return instant.astimezone(dt.UTC).replace(tzinfo=None)


def _take_settings(session: Session, person_id: int, settings: dict[str, Any] | None) -> bool:
    """The bundle's settings, if this diary has none saved: an import never overwrites yours."""
    if settings is None or session.get(Preferences, person_id) is not None:
        return False
    session.add(Preferences(person_id=person_id, data={**preferences.DEFAULTS, **settings}))
    return True
