"""The areas of the face and body a twitch can be in (the intake and the diary share this list)."""

from __future__ import annotations

from typing import Literal

Area = Literal["nose", "eyelid", "eyebrow", "forehead", "cheek", "mouth", "chin", "neck", "arm_or_leg"]
