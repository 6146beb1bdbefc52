"""Clips sent for measurement, and their events attached to the diary as episodes."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nasalis.diary import journal
from nasalis.diary.entries import NotFoundError, to_utc
from nasalis.diary.episode_writer import added_ids, write_episodes
from nasalis.diary.models import Video, utcnow
from nasalis.diary.records import UNPRINTABLE, EpisodeRecord
from nasalis.wording import plural

MAX_NAME = Video.filename.type.length or 200
WAITING = ("queued", "running")
"""The states in which a clip's bytes are still stored."""


def clean_name(name: str) -> str:
    """A clip's file name safe to store and to show anywhere: the UNPRINTABLE characters taken out."""
    kept = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c) not in UNPRINTABLE
    )
    kept = kept.strip() or "clip"
    if len(kept) > MAX_NAME:  # shorten the stem: the suffix says what kind of file it is
        suffix = PurePath(kept).suffix[:16]
        kept = kept[: MAX_NAME - len(suffix)] + suffix
    return kept


def quota_problem(session: Session, person_id: int, size: int, max_count: int, max_bytes: int) -> str | None:
    """Why this person may not store one more clip of `size` bytes now, or None if they may."""
    count, held = session.execute(
        select(func.count(), func.coalesce(func.sum(func.length(Video.clip)), 0)).where(
            Video.person_id == person_id, Video.status.in_(WAITING)
        )
    ).one()
    if count >= max_count:
        return (
            f"{plural(count, 'clip is', 'clips are')} still waiting to be measured, the most one person"
            " may have at once; send this one when they are done"
        )
    if held + size > max_bytes:
        return (
            f"this clip would take the clips waiting to be measured past the {max_bytes / 1e6:.0f} MB"
            " one person may store at once; send it when they are done"
        )
    return None


def create(
    session: Session,
    person_id: int,
    filename: str,
    clip: bytes | None,
    recorded_at: dt.datetime | None = None,
    mirrored: bool = False,
    attach: bool = True,
    speech_from_s: float | None = None,
) -> Video:
    """A clip waiting for analysis (clip bytes kept until a job reads them)."""
    utc, offset = to_utc(recorded_at) if recorded_at else (None, 0)
    row = Video(
        person_id=person_id,
        filename=clean_name(filename),
        clip=clip,
        recorded_at_utc=utc,
        utc_offset_min=offset,
        mirrored=mirrored,
        attach=attach,
        status="queued",
        # Until the job replaces it with the measurement, `result` holds what the job is asked
        # (where a part read aloud begins): a clip's options need no column of their own.
        result=asked(speech_from_s),
    )
    session.add(row)
    session.flush()
    return row


def asked(speech_from_s: float | None) -> dict[str, Any] | None:
    """What a queued clip's `result` holds for its job: where the part read aloud begins, if any."""
    return None if speech_from_s is None else {"speech_from_s": speech_from_s}


def speech_from(row: Video) -> float | None:
    """Where the clip's part read aloud begins (asked at upload, kept in the measurement), if any."""
    value = (row.result or {}).get("speech_from_s")
    return float(value) if isinstance(value, int | float) else None


def claim(session: Session, video_id: int) -> Video | None:
    """Mark a queued clip running, once (two workers never both take it); None if taken."""
    taken = session.execute(
        update(Video).where(Video.id == video_id, Video.status == "queued").values(status="running")
    )
    if getattr(taken, "rowcount", 0) != 1:
        return None
    return session.get(Video, video_id)


INTERRUPTED = "the app stopped while this clip was being measured"
"""Kept in `error` while a clip waits for its second try, so a second stop fails it instead."""


def resume(session: Session, video_ids: list[int] | None = None) -> list[int]:
    """Clips a stopped app left queued or running made ready again (their ids); the rest failed with why.

    A running clip is tried once more; interrupted a second time it fails, so a clip that
    brings the measuring process down cannot do so on every start. `video_ids` limits it to
    those clips (a worker resumes only its stalled jobs); None: every waiting clip.
    """
    query = select(Video.id, Video.status, Video.error, Video.clip.is_(None)).where(Video.status.in_(WAITING))
    if video_ids is not None:
        query = query.where(Video.id.in_(video_ids))
    ready: list[int] = []
    for video_id, status, error, lost in session.execute(query.order_by(Video.id)).all():
        if lost:
            fail(session, video_id, "the clip was not kept when the app stopped; send it again")
        elif status == "running" and error == INTERRUPTED:
            fail(session, video_id, f"{INTERRUPTED}, twice; send it again, or a shorter clip")
        else:
            if status == "running":
                session.execute(
                    update(Video).where(Video.id == video_id).values(status="queued", error=INTERRUPTED)
                )
            ready.append(video_id)
    return ready


def fail(session: Session, video_id: int, message: str) -> None:
    """The clip could not be measured: say why, keep nothing of it."""
    row = session.get(Video, video_id)
    if row is not None:
        row.status, row.error, row.clip = "failed", message[:2000], None


def finish(
    session: Session,
    video_id: int,
    result: dict[str, Any],
    keyframes: list[str],
    review_stills: dict[str, list[list[Any]]] | None = None,
) -> list[int]:
    """Store the measurement (and the stills for review), drop the clip, attach if asked; new episode ids."""
    row = session.get(Video, video_id)
    if row is None:
        return []
    row.status, row.result, row.keyframes, row.clip, row.error = "done", result, keyframes, None, None
    row.review_stills = review_stills
    return attach(session, row) if row.attach else []


def recorded_at(row: Video, duration_s: float) -> dt.datetime:
    """When the clip began, in the offset it was told in (else: it ended when it was sent)."""
    zone = dt.timezone(dt.timedelta(minutes=row.utc_offset_min))
    if row.recorded_at_utc is not None:
        return row.recorded_at_utc.replace(tzinfo=dt.UTC).astimezone(zone)
    ended = row.created_at.replace(tzinfo=dt.UTC).astimezone(zone)
    return ended - dt.timedelta(seconds=duration_s)


def attach(session: Session, row: Video, events: Sequence[Mapping[str, Any]] | None = None) -> list[int]:
    """Each event (all of the clip's, or those given) as an episode (source=video); one journal entry."""
    result = row.result or {}
    duration = float(result.get("duration_s", 0.0))
    start = recorded_at(row, duration)
    records = []
    for event in result.get("events", []) if events is None else events:
        began = start + dt.timedelta(seconds=float(event["start_s"]))
        records.append(
            EpisodeRecord(
                started_at=began.replace(microsecond=(began.microsecond // 10_000) * 10_000),
                duration_s=round(float(event["end_s"]) - float(event["start_s"]), 2),
                side=event["side"],
                areas=(event["region"],),
                source="video",
                note=f"measured from {row.filename}: amplitude {event['amplitude']}",
            )
        )
    # Attached before (a retried job): the episodes already there are kept, not doubled.
    written = write_episodes(session, row.person_id, records, "video", utcnow())
    ids = added_ids(session, row.person_id, written.added)
    if ids:
        journal.record(
            session,
            row.person_id,
            "add",
            "episodes",
            ids,
            f"{plural(len(ids), 'twitch', 'twitches')} from {row.filename}",
        )
    return ids


def get(session: Session, person_id: int, video_id: int) -> Video:
    """One of this person's clips; NotFoundError for anyone else's."""
    row = session.get(Video, video_id)
    if row is None or row.person_id != person_id:
        raise NotFoundError(f"no video {video_id}")
    return row


def list_of(session: Session, person_id: int, limit: int = 50) -> list[Video]:
    """This person's clips, newest first."""
    query = select(Video).where(Video.person_id == person_id).order_by(Video.id.desc()).limit(limit)
    return list(session.scalars(query))


STILL_PREFIX = "data:image/jpeg;base64,"
"""How every keyframe the job stores begins (video.keyframes): anything else is not shown."""


def latest_with_stills(
    session: Session,
    person_id: int,
    limit: int | None = 5,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> list[tuple[int, dt.datetime, dict[str, Any], list[str]]]:
    """The newest finished measurements with their keyframes (id, when, result, stills), newest first.

    Only clips sent on dates first..last when given; `limit` None: every one (the FHIR export).
    """
    query = select(Video.id, Video.created_at, Video.result, Video.keyframes).where(
        Video.person_id == person_id, Video.status == "done"
    )
    if first is not None:
        query = query.where(Video.created_at >= dt.datetime.combine(first, dt.time()))
    if last is not None:
        query = query.where(Video.created_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))
    query = query.order_by(Video.id.desc()).limit(limit)
    return [
        (vid, at, result, [k for k in stills or [] if isinstance(k, str) and k.startswith(STILL_PREFIX)])
        for vid, at, result, stills in session.execute(query)
        if result
    ]
