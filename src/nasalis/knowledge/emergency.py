"""The number to call in an emergency, by country, and the one place its wording is declared.

Where no country is known the generic GENERIC_NUMBERS wording is kept. The curated texts (rules,
headlines) say GENERIC_NUMBERS; `localise` puts the person's own number in its place.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from nasalis.knowledge.curated import GuidanceSource
from nasalis.knowledge.loader import KnowledgeError, _parse, _read

FILE = "emergency_numbers.yaml"
GENERIC = ("999", "112", "911")
"""The numbers most phones connect to emergency services: shown where no country is known for sure."""


def either(numbers: list[str] | tuple[str, ...]) -> str:
    """Numbers as a sentence says them: "144 or 112", "999, 112 or 911"."""
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} or {numbers[-1]}"


GENERIC_NUMBERS = either(GENERIC)
"""What every page said before it knew the person's country, and still says without one."""
OTHER = "other"
"""The country setting of someone whose country is not in the table (asked, so not asked again)."""
_NUMBER = r"^[0-9]{2,6}$"


class Country(BaseModel):
    """One country's emergency numbers, with the sources that give them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=2)
    general: str | None = Field(None, pattern=_NUMBER)
    ambulance: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)

    @property
    def numbers(self) -> str:
        """The numbers to call for an ambulance, the first shown first: "144 or 112"."""
        return either(self.shown)

    @property
    def shown(self) -> tuple[str, ...]:
        """The ambulance numbers, then the general one, each once."""
        return tuple(dict.fromkeys([*self.ambulance, *([self.general] if self.general else [])]))


class NumberBook(BaseModel):
    """The whole table: the sources it cites and the countries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: tuple[GuidanceSource, ...] = Field(min_length=1)
    countries: tuple[Country, ...] = Field(min_length=30)

    def country(self, code: str | None) -> Country | None:
        """The country with this ISO code (any case), or None."""
        wanted = (code or "").upper()
        return next((c for c in self.countries if c.code == wanted), None)

    def source_labels(self, country: Country) -> tuple[str, ...]:
        """The country's sources as shown: organisation — page title."""
        by_id = {s.id: s.label for s in self.sources}
        return tuple(by_id[s] for s in country.sources)


@cache
def load_numbers() -> NumberBook:
    """Load and check the table (cached: read once per process)."""
    book: NumberBook = _parse(FILE, TypeAdapter(NumberBook), _read(FILE))
    found = problems(book)
    if found:
        raise KnowledgeError("; ".join(found))
    return book


def problems(book: NumberBook) -> list[str]:
    """What is wrong with the table: a country twice, a bad number, an unknown source."""
    found: list[str] = []
    known = {s.id for s in book.sources}
    codes = [c.code for c in book.countries]
    found += [
        f"{FILE}: {code} is listed more than once"
        for code in sorted({c for c in codes if codes.count(c) > 1})
    ]
    for c in book.countries:
        if any(not (n.isdigit() and 2 <= len(n) <= 6) for n in c.ambulance):
            found.append(f"{FILE}: {c.code} has an ambulance number that is not 2 to 6 digits")
        found += [f"{FILE}: {c.code} cites unknown source {s!r}" for s in c.sources if s not in known]
    return found


def numbers(country: Country | None, *, sure: bool = True) -> str:
    """The number(s) to call: the country's, or GENERIC_NUMBERS.

    A country only guessed (from the browser's or the system's language, not chosen) may be wrong
    (an en-US browser in Germany), so its numbers come first and the generic ones follow.
    """
    if country is None:
        return GENERIC_NUMBERS
    return country.numbers if sure else either(tuple(dict.fromkeys([*country.shown, *GENERIC])))


def call_now(country: Country | None, *, sure: bool = True) -> str:
    """The instruction to call, as every page, the assessment and the report say it."""
    if country is None:
        return f"Call emergency services now ({GENERIC_NUMBERS})"
    return f"Call {numbers(country, sure=sure)} now"


def localise(text: str, country: Country | None, *, sure: bool = True) -> str:
    """A curated text with GENERIC_NUMBERS replaced by the country's numbers (unchanged without one)."""
    return text.replace(GENERIC_NUMBERS, numbers(country, sure=sure)) if country else text


def guess(accept_language: str | None) -> Country | None:
    """The first listed country among the regions of an Accept-Language header (de-DE -> Germany).

    A tag without a region (plain "de") says nothing about where someone is; the page then asks
    the browser's navigator.language instead.
    """
    book = load_numbers()
    tags: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        tags.append((-weight, index, tag.strip()))
    for _weight, _index, tag in sorted(tags):
        for subtag in tag.split("-")[1:]:
            if len(subtag) == 2 and subtag.isalpha():
                found = book.country(subtag)
                if found is not None:
                    return found
    return None
