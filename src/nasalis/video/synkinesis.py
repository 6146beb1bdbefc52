"""Eyelid twitches that come with a cheek or mouth twitch on the same side: a pattern for the doctor.

Spasms of one side of the face that start around the eye and take in the cheek and mouth are
how hemifacial spasm shows (National Institute of Neurological Disorders and Stroke (NINDS),
"Hemifacial Spasm"). This only counts how often the movements came together in the clip; it
is a pattern to show a doctor, never a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass

from nasalis.knowledge import load_knowledge
from nasalis.video.events import Event

WINDOW_S = 0.3
"""A cheek or mouth twitch beginning within this long of an eyelid twitch's onset came with it."""
PATTERN_EVENTS = 3
"""A side is flagged only with at least this many eyelid twitches: one or two together can be chance."""
PATTERN_SHARE = 0.5
"""...and when at least this share of them came with a cheek or mouth twitch."""
SIDES = ("right", "left")
SPREAD_TO = ("cheek", "mouth")


@dataclass(frozen=True)
class SideTogether:
    """One side: its eyelid twitches, and how many came with a cheek or mouth twitch there."""

    eyelid_events: int
    with_cheek_or_mouth: int
    share: float | None
    """with_cheek_or_mouth / eyelid_events; None without an eyelid twitch on this side."""


@dataclass(frozen=True)
class Synkinesis:
    """Per side, eyelid twitches joined by a cheek or mouth twitch; the sides flagged as a pattern."""

    window_s: float
    pattern_events: int
    """A side is flagged with at least this many eyelid twitches..."""
    pattern_share: float
    """...of which at least this share came with a cheek or mouth twitch."""
    right: SideTogether
    left: SideTogether
    flagged_sides: list[str]
    """Sides where the pattern held (PATTERN_EVENTS, PATTERN_SHARE): shown to the doctor, not a diagnosis."""


def _side(events: list[Event], side: str) -> SideTogether:
    lids = [e for e in events if "lid" in e.region and e.side == side]
    spread = [e for e in events if e.region in SPREAD_TO and e.side in (side, "both")]
    together = sum(any(abs(o.start_s - e.start_s) <= WINDOW_S for o in spread) for e in lids)
    return SideTogether(
        eyelid_events=len(lids),
        with_cheek_or_mouth=together,
        share=round(together / len(lids), 3) if lids else None,
    )


def find_synkinesis(events: list[Event]) -> Synkinesis:
    """How often each side's eyelid twitches came with a cheek or mouth twitch on that side."""
    per = {side: _side(events, side) for side in SIDES}
    flagged = [
        side
        for side, s in per.items()
        if s.eyelid_events >= PATTERN_EVENTS and s.share is not None and s.share >= PATTERN_SHARE
    ]
    return Synkinesis(
        window_s=WINDOW_S,
        pattern_events=PATTERN_EVENTS,
        pattern_share=PATTERN_SHARE,
        right=per["right"],
        left=per["left"],
        flagged_sides=flagged,
    )


def pattern_notes(found: Synkinesis) -> list[str]:
    """A sentence for each flagged side, with the guidance it relies on; none when nothing is flagged."""
    source = load_knowledge().source_label("ninds_hemifacial_spasm")
    out = []
    for side in found.flagged_sides:
        s: SideTogether = getattr(found, side)
        out.append(
            f"On your {side} side, {s.with_cheek_or_mouth} of {s.eyelid_events} eyelid twitches came with"
            f" a cheek or mouth twitch on the same side within {found.window_s:g} s. Twitches that start"
            f" around one eye and spread to the cheek and mouth of the same side are a pattern to show"
            f" a doctor ({source}); this is not a diagnosis."
        )
    return out
