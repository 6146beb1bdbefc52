"""Pydantic models of the curated knowledge base (validated when the YAML is loaded)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Level = Literal["emergency", "urgent", "appointment", "self_care"]
LEVELS: tuple[Level, ...] = ("self_care", "appointment", "urgent", "emergency")
"""Levels from least to most serious; the index is the rank."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    """A seed article with the passage it says, or a named piece of guidance."""

    seed: str | None = None
    passage: str | None = None
    guidance: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Citation:
        if (self.seed is None) == (self.guidance is None):
            raise ValueError("a citation names exactly one of 'seed' or 'guidance'")
        if self.seed is not None and not self.passage:
            raise ValueError("a seed citation quotes the passage it relies on")
        return self


class Entry(_Strict):
    """One topic of the knowledge base: a cause, symptom, sign, step, check, treatment..."""

    id: str
    name: str
    summary: str
    aliases: tuple[str, ...] = ()
    cites: tuple[Citation, ...] = Field(min_length=1)
    contributor: str | None = None
    rule: str | None = None
    always: bool = False
    for_: tuple[str, ...] = Field(default=(), alias="for")
    when: Any = None
    """With `for`: shown only when this condition also holds (e.g. caffeine *in pregnancy*)."""
    kind: str = ""
    helps: tuple[str, ...] = ()
    """Ids of the self-care entries that help, shown as "What helps"."""
    see_doctor: tuple[str, ...] = ()
    """Ids of the warning-sign entries that mean "see a doctor", shown as a list."""
    related: tuple[str, ...] = ()
    """Ids of entries about the same thing from another side (e.g. the eyelid twitch)."""


class SeedSource(_Strict):
    """A seed article, cited by file name."""

    file: str
    title: str


class GuidanceSource(_Strict):
    """Named public clinical guidance, cited by organisation and page title."""

    id: str
    organisation: str
    title: str

    @property
    def label(self) -> str:
        """How the guidance is shown wherever it is cited."""
        return f"{self.organisation} — {self.title}"


class Sources(_Strict):
    """Every source the knowledge base may cite."""

    seeds: tuple[SeedSource, ...]
    guidance: tuple[GuidanceSource, ...]


MedicationLink = Literal["strong", "weak", "none"]
"""How strongly a class of medicines is linked to twitching (its weight as a contributor)."""

MedicationTag = Literal[
    "serotonergic", "dopamine_blocker", "lowers_blood_sugar", "anticoagulant", "narrow_margin"
]
"""Properties that triage rules read across classes (e.g. two serotonergic medicines)."""


class MedicationClass(_Strict):
    """A class of medicines, how it relates to twitching, and what to tell the person."""

    id: str
    name: str
    link: MedicationLink
    tags: tuple[MedicationTag, ...] = ()
    says: str
    cites: tuple[Citation, ...] = Field(min_length=1)


class Drug(_Strict):
    """A medicine by its generic name, its class, and every other name it goes by."""

    name: str
    class_: str = Field(alias="class")
    also: tuple[str, ...] = ()


class Lexicon(_Strict):
    """The medication lexicon."""

    classes: tuple[MedicationClass, ...]
    drugs: tuple[Drug, ...]


class Plain(_Strict):
    """A sentence said in plain words to a person, with the sources it rests on."""

    says: str
    cites: tuple[Citation, ...] = Field(min_length=1)


class LevelText(_Strict):
    """The default headline of a triage level, and what it means in practice."""

    headline: str
    means: Plain | None = None
    """With whom and how fast ("your GP, within days — not A&E"), for levels that send a
    person to a doctor but not to emergency services."""


class Reassurance(_Strict):
    """The plain sentence said first on a self-care result where it is true."""

    says: str
    """One sentence; {triggers} is the contributors found, in words ("stress and caffeine")."""
    no_triggers: str
    """What {triggers} is when no contributor was found."""
    triggers: dict[str, str]
    """Contributor id -> its words, for every contributor the sentence is true with; a result
    with any other contributor (a tic, a medicine, a deficiency...) gets no reassurance."""
    cites: tuple[Citation, ...] = Field(min_length=1)


class Worried(_Strict):
    """How a worried search ("is it serious?") is answered (search.yaml)."""

    words: tuple[str, ...] = Field(min_length=1)
    """Words that make a search a worried one (matched as whole words, any case)."""
    answer: str
    """The entry that answers it first; the warning signs follow."""
    filler: tuple[str, ...] = ()
    """Words left out when looking for a warning sign the search names ("is", "my"...)."""


class Rule(_Strict):
    """A triage rule: when its condition holds, the level is at least `level`."""

    id: str
    level: Level
    when: Any
    unless: Any = None
    says: str
    sources: tuple[str, ...] = Field(min_length=1)
    headline: str | None = None
    signs: tuple[str, ...] = ()
    """Short phrases for the always-shown list of when to get help (emergency and urgent)."""


class UncheckedRule(_Strict):
    """The reason given when warning signs could not be checked (the engine decides when)."""

    id: str
    level: Level
    says: str
    sources: tuple[str, ...] = Field(min_length=1)


class Unchecked(_Strict):
    """What the result says first when a question that could raise the level is unanswered."""

    headline: str
    """Said first for each level the unanswered signs could raise to ({signs}, {action})."""
    rule: UncheckedRule


class RuleBook(_Strict):
    """The triage rules, the headline of each level, and the unchecked-signs wording."""

    levels: dict[Level, LevelText]
    reassurance: Reassurance
    get_help: str
    """The always-shown line of when to get help ({emergency}, {urgent}: the rules' signs)."""
    unchecked: Unchecked
    rules: tuple[Rule, ...]


class Evidence(_Strict):
    """One piece of evidence for a contributor and its weight (noisy-OR)."""

    when: Any
    weight: float = Field(gt=0, le=1)


class Contributor(_Strict):
    """A likely contributor and the evidence that scores it."""

    id: str
    entry: str
    says: str
    evidence: tuple[Evidence, ...] = Field(min_length=1)


class Question(_Strict):
    """One question of the adaptive interview; it fills one intake field."""

    field: str
    group: Literal["warning", "pattern", "medicine", "lifestyle", "about"]
    text: str
    short: str = ""
    """A warning sign in a few words, for the list of what could not be checked ("" when the
    question is not a warning sign)."""
    core: bool = False
    """A core warning sign: unanswered, it rules out a self-care result."""
    always: bool = False
    """Ask even when no answer could change the result (free text cannot be probed; age and
    pregnancy are worth knowing for the advice as well as the level)."""
    probes: tuple[float, ...] = ()
    labels: dict[str, str] = Field(default_factory=dict)
    ask_if: Any = None
    """Skip the question when this condition is known to be false."""
    prerequisite: str | None = None
    """A field to ask first whenever this question is worth asking (it may make it moot)."""
