"""The table of emergency numbers: its shape and named sources, the guess from a browser's
languages, and the one wording that every page, the assessment and the report use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

import nasalis.knowledge
from nasalis.knowledge import load_knowledge
from nasalis.knowledge.emergency import (
    FILE,
    GENERIC_NUMBERS,
    NumberBook,
    call_now,
    guess,
    load_numbers,
    localise,
    numbers,
    problems,
)
from nasalis.knowledge.loader import _read


def test_the_table_has_at_least_30_countries_each_with_a_named_source() -> None:
    book = load_numbers()
    assert len(book.countries) >= 30
    assert len({c.code for c in book.countries}) == len(book.countries)
    for country in book.countries:
        assert re.fullmatch(r"[A-Z]{2}", country.code)
        labels = book.source_labels(country)
        assert labels, country.code
        assert all(" — " in label for label in labels), country.code  # organisation — title
        assert all(n.isdigit() for n in (*country.ambulance, *([country.general] if country.general else [])))
    assert all(s.organisation and s.title for s in book.sources)


def test_the_generic_wording_is_what_the_curated_texts_say() -> None:
    # localise finds the numbers only where the texts use the one generic phrase.
    rules = load_knowledge().rulebook
    headlines = [r.headline for r in rules.rules if r.headline and "emergency services" in r.headline]
    assert headlines
    assert all(GENERIC_NUMBERS in h for h in headlines)


@pytest.mark.parametrize(
    ("header", "code", "number"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "DE", "112"),
        ("en-US,en;q=0.9", "US", "911"),
        ("en-GB", "GB", "999"),
        ("en-AU", "AU", "000"),
        ("fr;q=0.4, en-NZ;q=0.8", "NZ", "111"),
    ],
)
def test_a_browser_region_picks_the_country(header: str, code: str, number: str) -> None:
    country = guess(header)
    assert country is not None
    assert country.code == code
    assert call_now(country) == f"Call {number} now"


@pytest.mark.parametrize("header", [None, "", "de", "en;q=0.9, fr", "en-ZZ", "x" * 5000, "de-DE;q=abc"])
def test_no_known_region_keeps_the_generic_wording(header: str | None) -> None:
    country = guess(header)
    assert country is None
    assert numbers(country) == GENERIC_NUMBERS
    assert call_now(country) == f"Call emergency services now ({GENERIC_NUMBERS})"
    text = f"Call emergency services now ({GENERIC_NUMBERS})."
    assert localise(text, country) == text


def test_a_country_with_its_own_ambulance_number_names_both() -> None:
    austria = load_numbers().country("at")
    assert austria is not None
    assert austria.numbers == "144 or 112"
    assert localise(f"Call emergency services now ({GENERIC_NUMBERS}).", austria) == (
        "Call emergency services now (144 or 112)."
    )


def test_the_loaders_check_names_a_twice_listed_country_and_an_unknown_source() -> None:
    raw = _read(FILE)
    assert problems(NumberBook.model_validate(raw)) == []
    raw["countries"][0]["sources"] = ["nobody_said_so"]
    raw["countries"][0]["ambulance"] = ["1"]
    raw["countries"].append(dict(raw["countries"][1]))
    found = problems(NumberBook.model_validate(raw))
    first, second = raw["countries"][0]["code"], raw["countries"][1]["code"]
    assert f"{FILE}: {first} cites unknown source 'nobody_said_so'" in found
    assert f"{FILE}: {first} has an ambulance number that is not 2 to 6 digits" in found
    assert f"{FILE}: {second} is listed more than once" in found


def test_fewer_than_30_countries_or_a_bad_code_is_refused() -> None:
    raw = _read(FILE)
    with pytest.raises(ValidationError, match="countries"):
        NumberBook.model_validate({**raw, "countries": raw["countries"][:29]})
    with pytest.raises(ValidationError, match="code"):
        NumberBook.model_validate(
            {**raw, "countries": [{**raw["countries"][0], "code": "Deu"}, *raw["countries"][1:]]}
        )


def test_no_curated_text_names_a_bare_emergency_number() -> None:
    # A text saying "call 999" is never localised: an American reading it would dial a dead number.
    data = Path(nasalis.knowledge.__file__).parent / "data"
    found = []
    for path in sorted(data.glob("*.yaml")):
        if path.name == FILE:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            said = line.replace(GENERIC_NUMBERS, "").replace("nhs_when_to_call_999", "")
            said = said.replace("When to call 999", "").replace(
                "NHS 111", ""
            )  # a title; the NHS non-emergency line
            if re.search(r"\b(999|911|112|000|111)\b", said):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, found


def test_a_guessed_country_keeps_the_generic_numbers_after_its_own() -> None:
    book = load_numbers()
    us, germany = book.country("US"), book.country("DE")
    assert numbers(us, sure=False) == "911, 999 or 112"
    assert numbers(germany, sure=False) == "112, 999 or 911"
    assert call_now(us, sure=False) == "Call 911, 999 or 112 now"
    assert numbers(us) == "911"  # chosen: its own number alone
    assert localise(f"call emergency services ({GENERIC_NUMBERS})", germany, sure=False) == (
        "call emergency services (112, 999 or 911)"
    )
