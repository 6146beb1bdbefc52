"""Validated diary records, built from CSV text cells or JSON values by one set of rules.

Every problem is a FieldError naming the field (the CSV column), so importers can add the
file and line, and the CLI and web can point at the bad input.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from nasalis.diary.factors import (
    DURATION_MAX_S,
    FACTORS,
    INTENSITY_HIGH,
    INTENSITY_LOW,
    MAX_CUSTOM_FACTORS,
    MAX_TAGS,
    FactorType,
)
from nasalis.diary.factors import MAX_LABEL as MAX_LABEL  # importers read the text bounds here too
from nasalis.diary.factors import MAX_TEXT as MAX_TEXT
from nasalis.diary.vocab import AREAS, DAY_FACTORS, SIDES, SOURCES

# Matched with fullmatch: `$` would also let a trailing newline through.
_LABEL = re.compile(rf"[^;\x00-\x1f\x7f]{{1,{MAX_LABEL}}}")
_FACTOR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,59}")
_CLOCK = re.compile(r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?")
UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories that must never reach a screen as they are: control characters (an ANSI
escape drives a terminal), format characters (a right-to-left override makes "gpj.exe" read
"exe.jpg"), stray surrogates, and line or paragraph separators."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 control characters (and DEL) but tab and line breaks: PostgreSQL refuses NUL in text, and an
escape character would drive the terminal that prints a note."""

Kind = Literal["instant", "date", "clock", "number", "int", "flag", "choice", "choices", "text", "labels"]


class FieldError(ValueError):
    """A bad value; `field` names the column or key it came from."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.errors: dict[str, str] = {field: message}
        """Every bad field of the record and its message (a form shows each beside its field)."""


class RecordError(FieldError):
    """Several bad fields at once; reads as the first one, and `errors` holds them all."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(first, errors[first])
        self.errors = errors


FUTURE_GRACE = dt.timedelta(minutes=10)
"""A twitch may be timed this far ahead of the clock: phones and laptops disagree by minutes."""
LATEST_OFFSET = dt.timedelta(hours=14)
"""The furthest ahead of UTC any place's clock is (UTC+14), so any person's today is still allowed."""


@dataclass(frozen=True)
class Rule:
    """How one field is read and checked."""

    kind: Kind
    low: float | None = None
    high: float | None = None
    options: tuple[str, ...] = ()
    required: bool = False


EPISODE_RULES: dict[str, Rule] = {
    "started_at": Rule("instant", required=True),
    "duration_s": Rule("number", low=0, high=DURATION_MAX_S),
    "intensity": Rule("int", low=INTENSITY_LOW, high=INTENSITY_HIGH),
    "side": Rule("choice", options=SIDES),
    "areas": Rule("choices", options=AREAS),
    "source": Rule("choice", options=SOURCES),
    "note": Rule("text"),
}
_KIND_OF: dict[FactorType, Kind] = {"float": "number", "int": "int", "scale": "int", "bool": "flag"}
DAY_RULES: dict[str, Rule] = {
    "date": Rule("date", required=True),
    **{f.name: Rule(_KIND_OF[f.type], low=f.low, high=f.high) for f in FACTORS},
    "tags": Rule("labels", high=MAX_TAGS),
}
DAY_MARKS: dict[str, Rule] = {"morning_at": Rule("clock"), "no_twitches": Rule("flag")}
"""A day's fields that are not factors: when the morning check-in was made (local HH:MM), and
the one-tap "no twitches today"; optional everywhere, like the factors."""
CUSTOM_FACTOR = Rule("number")


@dataclass(frozen=True)
class EpisodeRecord:
    """One episode as the diary contract defines it."""

    started_at: dt.datetime
    duration_s: float | None = None
    intensity: int | None = None
    side: str | None = None
    areas: tuple[str, ...] | None = None
    source: str = "manual"
    note: str | None = None


@dataclass(frozen=True)
class DayRecord:
    """One day's check-in as the diary contract defines it."""

    date: dt.date
    sleep_hours: float | None = None
    stress: int | None = None
    caffeine_drinks: float | None = None
    alcohol_drinks: float | None = None
    water_litres: float | None = None
    exercise_minutes: float | None = None
    allergy_symptoms: bool | None = None
    morning_stress: int | None = None
    morning_caffeine: float | None = None
    tags: tuple[str, ...] | None = None
    factors: dict[str, float] = field(default_factory=dict)
    morning_at: dt.time | None = None
    """When the morning check-in was made (local time); None: no morning check-in that day."""
    no_twitches: bool | None = None
    """The one-tap "no twitches today" (the day is known, with none)."""


def _number(name: str, raw: object, text: bool) -> float:
    if text and isinstance(raw, str):
        try:
            raw = float(raw)
        except ValueError:
            raise FieldError(name, f"must be a number (got {_show(raw)})") from None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise FieldError(name, f"must be a number (got {_show(raw)})")
    try:
        value = float(raw)  # an int of hundreds of digits does not fit a float
    except OverflowError:
        raise FieldError(name, "is far too large a number") from None
    if not math.isfinite(value):
        raise FieldError(name, "must be a finite number")
    return value


def _span(rule: Rule) -> str:
    """A number's bounds as a refusal says them: "must be from 0 to 1000"."""
    if rule.low is None:
        return f"must be at most {rule.high:g}"
    top = f" to {rule.high:g}" if rule.high is not None else " or more"
    return f"must be from {rule.low:g}{top}"


def _show(raw: object) -> str:
    if isinstance(raw, int) and raw.bit_length() > 128:
        return "a number of hundreds of digits"  # repr refuses ints past 4300 digits
    return repr(raw)[:40]


def control_problem(text: str) -> str | None:
    """What is wrong with typed text that holds a control character (tab and line breaks are fine)."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return f"must not contain control characters (found U+{ord(found.group()):04X})"


def _split(raw: object, name: str, text: bool) -> list[str]:
    if text and isinstance(raw, str):
        return [p.strip() for p in raw.split(";") if p.strip()]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise FieldError(name, f"must be a list of strings (got {_show(raw)})")
    return [x.strip() for x in raw]


def read_value(name: str, rule: Rule, raw: object, *, text: bool) -> Any:
    """The checked value of one field (None when empty); FieldError when it is bad.

    `text` is true for CSV cells and typed input, where every value arrives as a string.
    """
    if raw is None or (isinstance(raw, str) and raw.strip() == "" and rule.kind != "text"):
        if rule.required:
            raise FieldError(name, "is required")
        return None
    if rule.kind in ("number", "int"):
        value = _number(name, raw, text)
        if rule.kind == "int" and not value.is_integer():
            raise FieldError(name, f"must be a whole number (got {_show(raw)})")
        if (rule.low is not None and value < rule.low) or (rule.high is not None and value > rule.high):
            raise FieldError(name, f"{_span(rule)} (got {value:g})")
        return int(value) if rule.kind == "int" else value
    if rule.kind == "flag":
        flags = {"0": False, "1": True, "false": False, "true": True}
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str) and raw.strip().lower() in flags:
            return flags[raw.strip().lower()]
        raise FieldError(name, f"must be 0 or 1 (got {_show(raw)})")
    if rule.kind in ("choices", "labels"):
        items = list(dict.fromkeys(_split(raw, name, text)))
        if rule.high is not None and len(items) > rule.high:
            raise FieldError(name, f"must be at most {rule.high:g} labels (got {len(items)})")
        for item in items:
            if rule.kind == "choices" and item not in rule.options:
                raise FieldError(name, f"{item!r} is not one of: {', '.join(rule.options)}")
            if rule.kind == "labels" and not _LABEL.fullmatch(item):
                raise FieldError(
                    name, f"label {item[:40]!r} must be 1-{MAX_LABEL} characters on one line, no ';'"
                )
        return tuple(items)
    if not isinstance(raw, str):
        raise FieldError(name, f"must be text (got {_show(raw)})")
    if rule.kind == "choice":
        if raw.strip() not in rule.options:
            raise FieldError(name, f"must be one of: {', '.join(rule.options)} (got {raw[:40]!r})")
        return raw.strip()
    if rule.kind == "text":
        if len(raw) > MAX_TEXT:
            raise FieldError(name, f"is longer than {MAX_TEXT} characters")
        problem = control_problem(raw)
        if problem:
            raise FieldError(name, problem)
        return raw if raw.strip() else None
    if rule.kind == "date":
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise FieldError(name, f"must be a date YYYY-MM-DD (got {raw[:40]!r})") from None
    if rule.kind == "clock":
        return parse_clock(name, raw)
    return parse_instant(name, raw)


def parse_date(name: str, raw: str | None) -> dt.date | None:
    """A YYYY-MM-DD date from a flag, a form or a query (None when empty); FieldError names `name`."""
    value: dt.date | None = read_value(name, Rule("date"), raw, text=True)
    return value


def parse_clock(name: str, raw: str) -> dt.time:
    """A local time of day HH:MM (seconds dropped); FieldError names `name`."""
    value = raw.strip()
    try:
        if not _CLOCK.fullmatch(value):  # fromisoformat would also take "0730" or an offset
            raise ValueError
        clock = dt.time.fromisoformat(value.zfill(len(value) + (value.index(":") == 1)))
    except ValueError:
        raise FieldError(name, f"must be a time of day HH:MM like 07:30 (got {raw[:40]!r})") from None
    return clock.replace(second=0, microsecond=0)


def refuse_future_morning(
    date: dt.date, at: dt.time, local_now: dt.datetime | None = None, now: dt.datetime | None = None
) -> None:
    """FieldError on `morning_at` when the check-in's time has not come yet on its day.

    With the person's own local now, against their clock; without it (an import), against the
    latest clock on Earth, as for a day's date.
    """
    latest = (
        local_now.replace(tzinfo=None) if local_now else (_utc_now(now) + LATEST_OFFSET).replace(tzinfo=None)
    )
    if dt.datetime.combine(date, at) - latest > FUTURE_GRACE:
        raise FieldError(
            "morning_at", f"is in the future ({at:%H:%M} on {date}); give a time that has passed"
        )


def parse_instant(name: str, raw: str) -> dt.datetime:
    """An ISO 8601 date-time that must carry its UTC offset."""
    try:
        value = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise FieldError(
            name, f"must be an ISO 8601 date-time like 2026-03-02T08:15:00+01:00 (got {raw[:40]!r})"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise FieldError(name, f"needs a UTC offset such as +01:00 or Z (got {raw[:40]!r})")
    if value.utcoffset() % dt.timedelta(minutes=1):  # type: ignore[operator]
        raise FieldError(name, "the UTC offset must be whole minutes")
    return value


def _read_all(values: Mapping[str, object], rules: Mapping[str, Rule], text: bool) -> dict[str, Any]:
    """Every field read by its rule; RecordError names each bad one, not only the first."""
    checked: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, rule in rules.items():
        try:
            checked[name] = read_value(name, rule, values.get(name), text=text)
        except FieldError as exc:
            errors[name] = exc.message
    if errors:
        raise RecordError(errors)
    return checked


def _utc_now(now: dt.datetime | None) -> dt.datetime:
    return now.astimezone(dt.UTC) if now else dt.datetime.now(dt.UTC)


def refuse_future_instant(name: str, value: dt.datetime, now: dt.datetime | None = None) -> None:
    """FieldError when `value` is later than now (past a few minutes' clock difference)."""
    if value - _utc_now(now) > FUTURE_GRACE:
        raise FieldError(
            name, f"is in the future ({value.isoformat(timespec='minutes')}); give a time that has passed"
        )


def refuse_future_date(name: str, value: dt.date, now: dt.datetime | None = None) -> None:
    """FieldError when `value` is after today everywhere on Earth."""
    if value > (_utc_now(now) + LATEST_OFFSET).date():
        raise FieldError(name, f"is in the future ({value.isoformat()}); give a day that has begun")


def build_episode(
    values: Mapping[str, object], *, text: bool, now: dt.datetime | None = None
) -> EpisodeRecord:
    """An episode from a row or object; RecordError names every bad field. It may not be in the future."""
    unknown = [k for k in values if k not in EPISODE_RULES]
    if unknown:
        raise FieldError(unknown[0], "is not an episode field")
    checked = _read_all(values, EPISODE_RULES, text)
    refuse_future_instant("started_at", checked["started_at"], now)
    if checked["source"] is None:
        checked["source"] = "manual"
    return EpisodeRecord(**checked)


def build_day(
    values: Mapping[str, object],
    *,
    text: bool,
    factors: Mapping[str, object] | None = None,
    now: dt.datetime | None = None,
    local_now: dt.datetime | None = None,
) -> DayRecord:
    """A day from a row or object (not a future one); columns not in the contract are custom factors.

    `local_now` is the person's own clock where known (a page, the CLI): a morning check-in's
    time may not be later than it on today's date.
    """
    checked = _read_all(values, {**DAY_RULES, **DAY_MARKS}, text)
    refuse_future_date("date", checked["date"], now)
    if checked["morning_at"] is not None:
        refuse_future_morning(checked["date"], checked["morning_at"], local_now, now)
    custom = dict(factors or {})
    custom.update({k: v for k, v in values.items() if k not in DAY_RULES and k not in DAY_MARKS})
    if len(custom) > MAX_CUSTOM_FACTORS:
        raise FieldError("factors", f"must be at most {MAX_CUSTOM_FACTORS} factors (got {len(custom)})")
    read: dict[str, float] = {}
    for name, raw in custom.items():
        if not _FACTOR_NAME.fullmatch(name) or name in DAY_FACTORS or name in DAY_MARKS:
            raise FieldError(name, "a custom factor's name must be letters, digits and _")
        value = read_value(name, CUSTOM_FACTOR, raw, text=text)
        if value is not None:
            read[name] = value
    return DayRecord(**checked, factors=read)


def typed_tags(raw: str) -> str:
    """Tags a person typed, split on commas or semicolons, as the record's ';'-joined text."""
    return ";".join(t.strip() for t in raw.replace(",", ";").split(";") if t.strip())
