"""What can be wrong with a clip, said so a person can act on it."""

from __future__ import annotations


class VideoError(ValueError):
    """The clip cannot be measured (exit code 2 / HTTP 422); nothing is stored."""
