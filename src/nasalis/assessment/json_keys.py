"""JSON objects whose keys are each given once: the guard every JSON reader of ours uses."""

from __future__ import annotations

from typing import Any


class RepeatedKeyError(ValueError):
    """A JSON object gave `key` twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object_pairs_hook for json: the object as a dict; RepeatedKeyError on a key given twice."""
    # json.loads keeps the last of two equal keys, so what was checked could differ from what a
    # reader of the file sees (in an intake, a "yes" to a warning sign silently turned "no").
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise RepeatedKeyError(key)
        data[key] = value
    return data
