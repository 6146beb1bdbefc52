"""What the clip's page shows of the review: each least certain event, its stills, and the decision."""

from __future__ import annotations

from typing import Any

from nasalis.diary.models import Video
from nasalis.video.decisions import decisions, to_add
from nasalis.video.review import MAX_REVIEW, REVIEW_BELOW, asked, undecided


def review_facts(row: Video, in_diary: bool, checked: str | None = None) -> dict[str, Any]:
    """The page's review context; `checked` (the event just decided) moves the page to the next one."""
    if row.status != "done" or not row.result:
        return {"review": None}
    events = row.result.get("events", [])
    unsure = asked(events)
    chosen = decisions(row)
    waiting = undecided(events, chosen)
    stills = (row.review_stills or {}) if unsure else {}  # a deferred column: read only when needed
    items = [
        {
            "index": i,
            "event": events[i],
            "decision": chosen.get(str(i), ""),
            "stills": [{"t": float(t), "src": str(src)} for t, src in stills.get(str(i), [])],
            "next": checked is not None and bool(waiting) and i == waiting[0],
        }
        for i in unsure
    ]
    return {
        "review": {
            "items": items,
            "below": REVIEW_BELOW,
            "most": MAX_REVIEW,
            "waiting": len(waiting),
            "locked": in_diary,
            "to_add": len(to_add(row)),
            "left_out": len(events) - len(to_add(row)),
        }
    }
