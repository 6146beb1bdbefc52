"""Every day factor, declared once: its type, unit, bounds and every word a person reads for it.

Validation (records), the API schema, the CLI flags and questions, the check-in form, the
diary pages, the insights and the report (FHIR included) all read this table, so a factor is
added, or a bound changed, here and nowhere else. The episode's bounds live here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FactorType = Literal["float", "int", "scale", "bool"]
"""float: an amount; int: a count; scale: a whole-number rating between its bounds; bool: yes or no."""


@dataclass(frozen=True)
class Imperial:
    """How a factor is typed and shown under imperial settings."""

    unit: str
    per_unit: float
    """The factor's own unit in one imperial unit (one US fluid ounce is 0.0295735 litres)."""
    label: str
    step: str


@dataclass(frozen=True)
class Factor:
    """One day factor: the column, JSON field and attribute `name`, and all that is said about it."""

    name: str
    type: FactorType
    label: str
    """What the check-in form calls it (and error summaries name it by)."""
    flag: str
    """The `nasalis day` option (part of the CLI's contract: never renamed)."""
    help: str
    prompt: str
    """The question `nasalis day` asks when no flag is given."""
    fhir_text: str
    """The FHIR Observation's code text (no terminology code was checked for a day factor)."""
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    """The FHIR Quantity's unit as displayed."""
    ucum: str | None = None
    step: str = "1"
    """The form's number step."""
    per: str | None = None
    """The insights' step in words ("1 hour"): a rate ratio is per this much more."""
    scale: float = 1.0
    """How many of the factor's units one insights step is (10 for "10 minutes")."""
    in_list: str = ""
    """The factor in a list of findings ("caffeinated drinks")."""
    one_more: str = ""
    """What one insights step is in words ("one more coffee, energy drink or strong tea")."""
    column: str | None = None
    """Its heading in the tables of days (diary page, terminal, report); None: not shown there."""
    imperial: Imperial | None = None
    reverse_possible: bool = False
    """A bad day can change what is logged for it (more stress, more coffee, a shorter night
    remembered): a same-day association of the evening check-in's value cannot say which way it
    runs (verdict `same_day_either_way`)."""
    not_advice: bool = False
    """Never said to "help" (alcohol, caffeine): fewer twitches beside more is no advice to have more."""
    recorded: Literal["day", "morning"] = "day"
    """"morning": asked in the morning check-in, before the day's twitches (within-day analysis)."""

    def __post_init__(self) -> None:
        # "{bounds}" in the words stands for the declared bounds, so a changed bound changes them too.
        for name in ("help", "fhir_text", "one_more"):
            object.__setattr__(self, name, getattr(self, name).replace("{bounds}", self.bounds))

    @property
    def bounds(self) -> str:
        """The bounds as a person reads them: "0-10"."""
        return f"{self.low:g}-{self.high:g}" if self.low is not None and self.high is not None else ""

    @property
    def shown_label(self) -> str:
        """The form's label, with a rating's range ("Stress today (0-10)") or a question mark."""
        if self.type == "scale":
            return f"{self.label} ({self.bounds})"
        return f"{self.label}?" if self.type == "bool" else self.label

    @property
    def question(self) -> str:
        """The CLI's question, with a rating's range or how to answer yes or no."""
        if self.type == "scale":
            return f"{self.prompt}, {self.bounds}"
        if self.type == "bool":
            return f"{self.prompt}? (1 yes, 0 no)"
        return self.prompt


FL_OZ_LITRES = 0.0295735
"""One US fluid ounce in litres: imperial settings enter and see water in ounces."""

FACTORS: tuple[Factor, ...] = (
    Factor(
        "sleep_hours",
        "float",
        label="Hours slept last night",
        flag="--sleep",
        help="Hours slept.",
        prompt="Hours slept last night",
        fhir_text="Hours of sleep",
        low=0,
        high=24,
        unit="h",
        ucum="h",
        step="0.5",
        per="1 hour",
        in_list="sleep",
        one_more="an hour more sleep",
        column="Sleep h",
        reverse_possible=True,
    ),
    Factor(
        "stress",
        "scale",
        label="Stress today",
        flag="--stress",
        help="{bounds}.",
        prompt="Stress today",
        fhir_text="Stress ({bounds} as rated by the patient)",
        low=0,
        high=10,
        unit="{score}",
        ucum="{score}",
        per="1 point",
        in_list="stress",
        one_more="a point more stress (on {bounds})",
        column="Stress",
        reverse_possible=True,
    ),
    Factor(
        "caffeine_drinks",
        "float",
        label="Coffees, energy drinks, strong teas",
        flag="--caffeine",
        help="Caffeinated drinks.",
        prompt="Coffees, energy drinks, strong teas",
        fhir_text="Caffeinated drinks",
        low=0,
        high=1000,
        unit="drinks",
        ucum="{drink}",
        per="1 drink",
        in_list="caffeinated drinks",
        one_more="one more coffee, energy drink or strong tea",
        column="Caffeine",
        reverse_possible=True,
        not_advice=True,
    ),
    Factor(
        "alcohol_drinks",
        "float",
        label="Alcoholic drinks",
        flag="--alcohol",
        help="Alcoholic drinks.",
        prompt="Alcoholic drinks",
        fhir_text="Alcoholic drinks",
        low=0,
        high=1000,
        unit="drinks",
        ucum="{drink}",
        per="1 drink",
        in_list="alcohol",
        one_more="one more alcoholic drink",
        column="Alcohol",
        not_advice=True,
    ),
    Factor(
        "water_litres",
        "float",
        label="Litres of water and other drinks",
        flag="--water",
        help="Litres.",
        prompt="Litres of water and other drinks",
        fhir_text="Water drunk",
        low=0,
        high=1000,
        unit="L",
        ucum="L",
        step="0.1",
        per="1 litre",
        in_list="water and other drinks",
        one_more="a litre more to drink",
        imperial=Imperial("fl oz", FL_OZ_LITRES, "Fluid ounces of water and other drinks", "1"),
    ),
    Factor(
        "exercise_minutes",
        "float",
        label="Minutes of exercise",
        flag="--exercise",
        help="Minutes.",
        prompt="Minutes of exercise",
        fhir_text="Exercise",
        low=0,
        high=1440,
        unit="min",
        ucum="min",
        step="5",
        per="10 minutes",
        scale=10.0,
        in_list="exercise",
        one_more="10 minutes more exercise",
    ),
    Factor(
        "allergy_symptoms",
        "bool",
        label="Sneezing, itchy or runny nose",
        flag="--allergy",
        help="1 or 0.",
        prompt="Sneezing, itchy or runny nose",
        fhir_text="Allergy symptoms that day",
        in_list="sneezing or a runny nose",
        one_more="sneezing, an itchy or a runny nose",
    ),
    # The morning check-in's own factors: recorded before the day's twitches, so what they
    # show cannot have been caused by them (the evening's stress and caffeine can).
    Factor(
        "morning_stress",
        "scale",
        label="Stress this morning",
        flag="--morning-stress",
        help="{bounds}, in the morning check-in.",
        prompt="Stress this morning",
        fhir_text="Stress in the morning ({bounds} as rated by the patient)",
        low=0,
        high=10,
        unit="{score}",
        ucum="{score}",
        per="1 point",
        in_list="stress in the morning",
        one_more="a point more stress in the morning (on {bounds})",
        column="Stress AM",
        recorded="morning",
    ),
    Factor(
        "morning_caffeine",
        "float",
        label="Coffees, energy drinks, strong teas so far today",
        flag="--morning-caffeine",
        help="Caffeinated drinks before the morning check-in.",
        prompt="Coffees, energy drinks, strong teas so far today",
        fhir_text="Caffeinated drinks before the morning check-in",
        low=0,
        high=1000,
        unit="drinks",
        ucum="{drink}",
        per="1 drink",
        in_list="caffeinated drinks in the morning",
        one_more="one more coffee, energy drink or strong tea in the morning",
        column="Coffee AM",
        recorded="morning",
        not_advice=True,
    ),
)
"""The day factors of the diary contract, in column order."""

BY_NAME: dict[str, Factor] = {f.name: f for f in FACTORS}
NUMBERS: tuple[Factor, ...] = tuple(f for f in FACTORS if f.type != "bool")
"""The factors typed as a number (the check-in form's number fields)."""
TABLE: tuple[Factor, ...] = tuple(f for f in FACTORS if f.column)
"""The factors the tables of days show, in order."""
MORNING_CHECK_IN: tuple[Factor, ...] = (
    BY_NAME["sleep_hours"],  # the night just ended: known in the morning, before any twitch
    *(f for f in FACTORS if f.recorded == "morning"),
)
"""What the morning check-in asks, in order."""
EVENING_CHECK_IN: tuple[Factor, ...] = tuple(f for f in FACTORS if f not in MORNING_CHECK_IN)
"""What the evening (whole-day) check-in asks, in order: the rest."""

# The episode's bounds and the check-in's lists.
DURATION_MAX_S = 86_400
"""A twitch lasts at most a day (in seconds)."""
INTENSITY_LOW, INTENSITY_HIGH = 1, 10
MAX_TAGS = 100
"""Tags on one day."""
MAX_LABEL = 60
"""Characters in one tag."""
MAX_TEXT = 5000
"""Characters in a note."""
MAX_CUSTOM_FACTORS = 100
"""Factors of a person's own on one day."""
