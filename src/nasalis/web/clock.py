"""The viewer's local time: from the browser's offset when it told us, else this machine's."""

from __future__ import annotations

import datetime as dt

from fastapi import Request

TZ_COOKIE = "nasalis_tz"
"""Minutes east of UTC, set by static/app.js; absent with JavaScript off."""


def offset_minutes(raw: str | None) -> int | None:
    """A UTC offset in minutes if `raw` is a plausible one (UTC-14 to UTC+14)."""
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if -14 * 60 <= value <= 14 * 60 else None


def local_now(request: Request, sent: str | None = None) -> dt.datetime:
    """Now, in the viewer's time zone: a form's offset, else the cookie's, else this machine's."""
    minutes = offset_minutes(sent)
    if minutes is None:
        minutes = offset_minutes(request.cookies.get(TZ_COOKIE))
    if minutes is None:
        return dt.datetime.now().astimezone()
    return dt.datetime.now(dt.timezone(dt.timedelta(minutes=minutes)))
