"""Learn pages and the result page in plain words: a worried search answered first, what
helps and when to see a doctor, sources by title, the reassurance where it is true."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nasalis.assessment import assess, parse_intake
from nasalis.diary import assessments
from nasalis.knowledge import load_knowledge
from nasalis.web.templating import TEMPLATES
from tests.assessment.vignettes import calm

REASSURANCE = "is usually harmless and settles by itself"


def visible(page: str) -> str:
    """The text a person reads: tags and attributes dropped, entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_is_it_serious_is_answered_first_with_benign_twitching(personal: TestClient) -> None:
    page = personal.get("/learn", params={"q": "is it serious"}).text
    first = re.search(r'<li class="learn-answer">\s*<a href="/learn/([a-z_]+)"', page)
    assert first
    assert first.group(1) == "benign_twitching"
    text = visible(page)
    assert text.index("Harmless (benign) twitching") < text.index("Stroke signs: face drooping")
    assert "usually harmless and settles by itself" in text  # the answer, not only its name


def test_a_search_naming_an_emergency_sign_puts_the_emergency_first(personal: TestClient) -> None:
    text = visible(personal.get("/learn", params={"q": "is a drooping face dangerous"}).text)
    assert text.index("Stroke signs: face drooping") < text.index("Harmless (benign) twitching")
    assert "call emergency services at once" in text


def test_a_search_with_no_match_says_so(personal: TestClient) -> None:
    text = visible(personal.get("/learn", params={"q": "xylophone quasar"}).text)
    assert "Nothing matches" in text


def test_the_benign_entry_says_what_helps_and_when_to_see_a_doctor(personal: TestClient) -> None:
    page = personal.get("/learn/benign_twitching")
    assert page.status_code == 200
    text = visible(page.text)
    helps, doctor = text.index("What helps"), text.index("When to see a doctor")
    assert "Manage stress" in text[helps:doctor]
    assert "Twitching that persists or lasts more than 2 weeks" in text[doctor:]
    assert 'href="/learn/eyelid_myokymia"' in page.text


@pytest.mark.parametrize("entry_id", ["benign_twitching", "magnesium", "persistent"])
def test_sources_are_shown_by_title_never_by_file_name(personal: TestClient, entry_id: str) -> None:
    kb = load_knowledge()
    page = personal.get(f"/learn/{entry_id}").text
    text = visible(page)
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", text), "a seed file name is shown to a person"
    for c in kb.entry(entry_id).cites:
        assert kb.citation_title(c) in text
        if c.seed:
            assert f'data-seed="{c.seed}"' in page  # still traceable to the file


def _result_page(answers: dict[str, Any]) -> str:
    """The result page as the web renders it with the knowledge base in its context."""
    template = TEMPLATES.env.get_template("assess_result.html")
    return template.render(result=assess(parse_intake(answers)), kb=load_knowledge())


def test_the_result_page_reassures_first_where_it_is_true() -> None:
    text = visible(_result_page(calm(duration_days=3, stress_level=8, caffeine_drinks_per_day=5)))
    assert "Twitching like this, with caffeine and stress, is usually harmless" in text
    assert text.index(REASSURANCE) < text.index("This sounds like a common twitch")
    assert "NHS — Twitching eyes and muscles" in text


def test_the_result_page_does_not_reassure_an_appointment_and_says_what_it_means() -> None:
    text = visible(_result_page(calm(duration_days=30, stress_level=8)))
    assert REASSURANCE not in text
    assert "routine appointment with your GP (family doctor) within the next few days" in text
    assert "not A&E and not an emergency call" in text
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", text)  # the Why's sources by title
    assert "Why is my nose twitching?" in text


def test_the_result_page_of_a_kept_assessment_carries_the_reassurance(personal: TestClient) -> None:
    personal.get("/")  # the viewer exists
    store = personal.app.state.store  # type: ignore[attr-defined]
    intake = calm(duration_days=3, stress_level=8, caffeine_drinks_per_day=5)
    with store.write() as session:
        kept = assessments.save(session, store.person_id(), intake, assess(parse_intake(intake)))
        kept_id = kept.id
    page = personal.get("/assess/result", params={"assessment": kept_id})
    assert page.status_code == 200
    assert "level-self_care" in page.text
    assert REASSURANCE in visible(page.text), (
        "assess_pages.assess_result must give assess_result.html the knowledge base: "
        '"kb": load_knowledge() in its context'
    )
