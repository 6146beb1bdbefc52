"""The import formats in plain words: each file's columns, what they accept, an example."""

from __future__ import annotations

from dataclasses import dataclass

from nasalis.assessment.result import SCHEMA as ASSESSMENT_SCHEMA
from nasalis.diary.bundle import DAYS_CSV, EPISODES_CSV, TREATMENTS_CSV
from nasalis.diary.bundle_extras import ASSESSMENT_RULES, EXPERIMENT_RULES, MEDICINE_RULES, NOTE_RULES
from nasalis.diary.records import DAY_RULES, EPISODE_RULES, MAX_TEXT, Rule
from nasalis.diary.treatment_records import TREATMENT_RULES


@dataclass(frozen=True)
class Column:
    """One column (or bundle field) an import reads, in plain words."""

    name: str
    accepts: str
    required: bool = False


@dataclass(frozen=True)
class FileFormat:
    """A file an import reads: what it holds, its columns and a small example."""

    name: str
    holds: str
    columns: tuple[Column, ...]
    example: str


EXAMPLES = {
    EPISODES_CSV: (
        "started_at,intensity,side,areas,note\r\n2026-03-02T08:15:00+01:00,6,left,nose;cheek,after coffee\r\n"
    ),
    DAYS_CSV: (
        "date,sleep_hours,stress,caffeine_drinks,tags,pollen\r\n2026-03-02,6.5,7,4,cheese;long_drive,3\r\n"
    ),
    TREATMENTS_CSV: (
        "date,kind,product,units,sites,side,note\r\n2026-01-10,botulinum_toxin,Botox,25,eyelid;cheek,left,\r\n"
    ),
}
"""A header and one row of each CSV file: what the import page and docs/import-formats.md show."""


def describe(rule: Rule) -> str:
    """What a column accepts, as the import page says it."""
    low, high = (
        f"{rule.low:g}" if rule.low is not None else "",
        f"{rule.high:g}" if rule.high is not None else "",
    )
    span = f" from {low} to {high}" if high else f", {low} or more" if low else ""
    words = {
        "instant": "a date and time with its UTC offset, like 2026-03-02T08:15:00+01:00 (or Z for UTC)",
        "date": "a date, YYYY-MM-DD",
        "number": f"a number{span}",
        "int": f"a whole number{span}",
        "flag": "0 (no) or 1 (yes)",
        "choice": f"one of: {', '.join(rule.options)}",
        "choices": f"one or more of {', '.join(rule.options)}, separated by ;",
        "text": f"any text, up to {high or MAX_TEXT} characters",
        "labels": "labels of your own separated by ;, like cheese;long_drive",
    }
    return words[rule.kind]


def _columns(rules: dict[str, Rule]) -> tuple[Column, ...]:
    return tuple(Column(name, describe(rule), rule.required) for name, rule in rules.items())


def formats() -> list[FileFormat]:
    """The CSV files an import reads, column by column (the JSON bundle has the same fields)."""
    custom = Column("any other column", "a factor of your own, like pollen: a number, or 0/1")
    return [
        FileFormat(EPISODES_CSV, "one row per twitch", _columns(EPISODE_RULES), EXAMPLES[EPISODES_CSV]),
        FileFormat(
            DAYS_CSV,
            "one row per day you checked in (a day without twitches counts as zero)",
            (*_columns(DAY_RULES), custom),
            EXAMPLES[DAYS_CSV],
        ),
        FileFormat(
            TREATMENTS_CSV,
            "optional: one row per treatment given on a day (an injection, a procedure)",
            _columns(TREATMENT_RULES),
            EXAMPLES[TREATMENTS_CSV],
        ),
    ]


def bundle_formats() -> list[FileFormat]:
    """The JSON bundle's optional lists beside episodes and days, field by field."""
    return [
        FileFormat("medications", "medicines you take or took", _columns(MEDICINE_RULES), ""),
        FileFormat("notes", "notes you wrote", _columns(NOTE_RULES), ""),
        FileFormat(
            "experiments",
            "N-of-1 experiments you planned",
            (
                *_columns(EXPERIMENT_RULES),
                Column("schedule", 'the blocks in order, a list of "A" and "B"', True),
            ),
            "",
        ),
        FileFormat(
            "assessments",
            "assessments you ran",
            (
                *_columns(ASSESSMENT_RULES),
                Column("intake", "the answers, as an object", True),
                Column("result", f'the result as it was shown ("schema": "{ASSESSMENT_SCHEMA}")', True),
            ),
            "",
        ),
    ]
