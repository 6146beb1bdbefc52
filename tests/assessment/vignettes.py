"""The case book's vignettes for tests (see tools/casebook.py and tests/assessment/cases/)."""

from __future__ import annotations

from typing import Any

from tools.casebook import Case, load_cases

CALM = {
    "new_face_weakness": False,
    "arm_or_leg_weakness": False,
    "speech_trouble": False,
    "vision_change": "none",
    "balance_or_coordination_loss": False,
    "sudden_severe_headache": False,
    "trouble_breathing_or_swallowing": False,
    "loss_of_awareness": False,
    "recent_neck_surgery": False,
    "tingling_mouth_or_fingers": False,
    "muscle_cramps": False,
    "recent_head_injury": False,
    "fever": False,
    "neck_stiffness": False,
    "rash": False,
    "vomiting": False,
    "numbness": False,
    "pain": False,
    "hearing_change": False,
}
"""Every red flag answered 'no': the background of a reassuring story."""


def calm(**answers: Any) -> dict[str, Any]:
    """A reassuring intake with these answers on top."""
    return {**CALM, **answers}


CASES: list[Case] = load_cases()
"""Every case in the case book."""

VIGNETTES: list[Case] = [c for c in CASES if c.intake is not None]
"""The cases that are intakes (not raw text that must be refused)."""
