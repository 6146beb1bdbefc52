"""Which country's emergency number a request's pages show: the person's setting, else a guess
from the browser's Accept-Language region (asked once on Today), else the generic wording."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError

from nasalis.diary import preferences
from nasalis.knowledge import emergency
from nasalis.knowledge.emergency import Country


@dataclass(frozen=True)
class Emergency:
    """What a page needs to say whom to call."""

    country: Country | None
    """The country whose number is shown: the chosen one, or the browser's while not asked."""
    guessed: Country | None
    """The browser's country, while the person has not said (the Today banner asks about it)."""
    asked: bool
    """The person has chosen a country (or said theirs is not listed): never ask again."""

    @property
    def numbers(self) -> str:
        """The number(s) to call, or the generic wording; a guessed country's first, then the generic ones."""
        return emergency.numbers(self.country, sure=self.asked)

    @property
    def call_now(self) -> str:
        """The instruction: "Call 112 now"."""
        return emergency.call_now(self.country, sure=self.asked)

    @property
    def countries(self) -> tuple[Country, ...]:
        """Every country of the table, by name, for the choosers."""
        return tuple(sorted(emergency.load_numbers().countries, key=lambda c: c.name))

    def localise(self, text: str) -> str:
        """A curated text with the person's own number in place of the generic one."""
        return emergency.localise(text, self.country, sure=self.asked)


def _off_the_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    return False


def stored_country(request: Request, person_id: int) -> str:
    """The person's country setting ("" when not set or the diary cannot be read now)."""
    try:
        with request.app.state.store.read() as session:
            return str(preferences.get(session, person_id).get("country") or "")
    except SQLAlchemyError:
        return ""  # an error page while the database is away still renders


def for_request(request: Request, person_id: int | None) -> Emergency:
    """The emergency wording for this request (worked out once per request)."""
    known: Emergency | None = getattr(request.state, "emergency", None)
    if known is not None:
        return known
    # Error pages render on the event loop, where the database is not read: they use the guess.
    stored = stored_country(request, person_id) if person_id is not None and _off_the_event_loop() else ""
    if stored:
        found = Emergency(emergency.load_numbers().country(stored), None, True)
    else:
        guessed = emergency.guess(request.headers.get("accept-language"))
        found = Emergency(guessed, guessed, False)
    request.state.emergency = found
    return found
