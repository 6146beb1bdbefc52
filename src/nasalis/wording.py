"""Words that depend on a number: "1 twitch", "3 twitches", "4 drinks" not "4.0 drinks"."""

from __future__ import annotations


def number(value: float) -> str:
    """A count or an amount as a person writes it: 4, 2.5, 0.25 (never 4.0)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def plural(count: float, one: str, many: str | None = None) -> str:
    """The count and the noun that agrees with it: plural(1, "twitch", "twitches") is "1 twitch"."""
    noun = one if count == 1 else (many or one + "s")
    return f"{number(count)} {noun}"
