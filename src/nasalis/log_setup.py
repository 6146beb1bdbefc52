"""Standard `logging` for a server process: human-readable lines or one JSON object per line.

Every module logs through `logging.getLogger(__name__)` (so under "nasalis."); this module only
decides where the lines go. Records are handed to a queue and written to stderr by a
background thread, so a slow or full stderr pipe never stalls the web server's event loop.
Only "nasalis" and "uvicorn" log at INFO: other libraries stay at WARNING, since their INFO
lines (SQL echo, form parsing) can quote the values people typed.

Log lines never carry a diary value, a note, a name, a password or a token: callers pass only
ids, route templates, statuses and types, and the fields listed in FIELDS. Like nasalis.config,
any layer may use this module (the video jobs log through JOB_LOGGER); it imports no other.
"""

from __future__ import annotations

import atexit
import contextvars
import datetime as dt
import json
import logging
import logging.handlers
import os
import queue
import sys
from typing import TextIO

JSON_ENV = "NASALIS_LOG_JSON"
"""Environment variable that turns on JSON lines (like `nasalis serve --log-json`)."""
JOB_LOGGER = "nasalis.video.jobs"
"""The logger for video job start, finish and failure lines (give it video_id=, status=)."""
FIELDS = ("method", "route", "status", "duration_ms", "request_id", "video_id", "mode", "db", "bind")
"""The structured fields a record may carry (`extra=`); JSON lines show each as its own key."""
_LOUD = ("nasalis", "uvicorn")

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("nasalis_request_id", default=None)
"""The id of the request being served (thread-pool work inherits it), added to every line."""

_listener: logging.handlers.QueueListener | None = None


class _RequestIdFilter(logging.Filter):
    """Stamp each record with the current request's id, so an error line names its request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


def _stamp(record: logging.LogRecord) -> str:
    moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class HumanFormatter(logging.Formatter):
    """`2026-03-02T10:00:00.000Z INFO nasalis.request: GET / 200 3.1 ms [id]`."""

    def format(self, record: logging.LogRecord) -> str:
        """One line (an exception's type and place only would be the caller's to add)."""
        line = f"{_stamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        rid = getattr(record, "request_id", None)
        return f"{line} [{rid}]" if rid else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the FIELDS a record has."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single-line JSON object."""
        out: dict[str, object] = {
            "time": _stamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        return json.dumps(out, ensure_ascii=False, default=str)


def json_from_env() -> bool:
    """Whether NASALIS_LOG_JSON asks for JSON lines."""
    return os.environ.get(JSON_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def configure(json_lines: bool = False, stream: TextIO | None = None) -> None:
    """Send nasalis's and uvicorn's INFO lines (others' warnings) to stderr, through a queue.

    The choice of form goes into NASALIS_LOG_JSON too, so processes started later (video jobs,
    workers) write the same form."""
    global _listener
    os.environ[JSON_ENV] = "1" if json_lines else "0"
    if _listener is not None:
        _listener.stop()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else HumanFormatter())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    to_queue = logging.handlers.QueueHandler(records)
    to_queue.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(to_queue)
    root.setLevel(logging.WARNING)
    for name in _LOUD:
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        for old in list(logger.handlers):  # uvicorn's own, if it set any: one place prints
            logger.removeHandler(old)
        logger.propagate = True
    _listener = logging.handlers.QueueListener(records, handler)
    _listener.start()
    atexit.register(_flush)


def ensure_configured() -> None:
    """configure() from NASALIS_LOG_JSON unless this process already is (a job's own process)."""
    if _listener is None:
        configure(json_from_env())


def _flush() -> None:
    global _listener
    if _listener is not None:
        _listener.stop()  # writes what is still queued
        _listener = None


def log_startup(mode: str, db: str, bind: str, workers: int) -> None:
    """The startup line: mode, database (as config.describe_db shows it: no password), bind, workers."""
    logging.getLogger("nasalis.serve").info(
        "starting in %s mode on %s, %d worker(s), database %s",
        mode,
        bind,
        workers,
        db,
        extra={"mode": mode, "db": db, "bind": bind},
    )
