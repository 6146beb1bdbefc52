"""ASGI middleware: an `Idempotency-Key` header makes a retried API write replay its first answer.

For POST, PUT, PATCH and DELETE under /api/ that carry the header: the key is checked (1 to 255
printable ASCII characters, else 422 naming the header), the body is read (spooled to disk when
large) and hashed, and the person's row for the key is looked up.

- No row: the request runs with a `Claim` bound (nasalis.diary.idempotency), so its write commits
  together with the key's row; the answer is then stored and sent. A request that wrote nothing
  (bad input, a refusal, a pure calculation) stores nothing: running it again changes nothing.
- A row for the same method, path and body (compared as SHA-256 hashes, so an address of any
  length fits the row): its stored answer is sent again
  (`Idempotent-Replayed: true`) and nothing runs.
- A row for another method, path or body: 422 naming the header.
- Two requests with one key at once: the unique constraint lets one write; the loser's write is
  rolled back and it waits (up to WAIT_S) for the winner's answer and replays it, or answers 409
  with Retry-After when the winner is still busy.

The key is never logged (RequestLog logs only the method, route template and status) and never
echoed in an answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import tempfile
from typing import IO

from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nasalis.diary import idempotency
from nasalis.diary.idempotency import Claim, Stored
from nasalis.diary.models import utcnow
from nasalis.diary.store import Store
from nasalis.web.deps import find_viewer

HEADER = "Idempotency-Key"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLAYED = "Idempotent-Replayed"
WAIT_S = 10.0
"""How long a request waits for another request with its key to store its answer."""
POLL_S = 0.05
LOST_AFTER_S = 60.0
"""A row still without an answer this long after its write committed: the process died between
the commit and storing the answer. The write stands, so a retry is told it was saved."""
RETRY_AFTER_S = 1
_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_SPOOL_BYTES = 1 << 20
_CHUNK = 1 << 16

DESCRIPTION = (
    "Optional. A unique string you choose for this write (1-255 printable ASCII characters; a UUID "
    "made on the device is ideal). Retrying with the same key and the same body replays the first "
    "answer (header `Idempotent-Replayed: true`) and writes nothing more; the same key with another "
    "path or body is 422. While another request with the key is being handled the retry waits for "
    "its answer, or gets 409 with Retry-After. Keys are remembered for 24 hours, per person."
)
"""What the OpenAPI schema says of the header on every write (nasalis.web.openapi)."""
LOST_ANSWER = f"already saved by an earlier request with this {HEADER}; its answer was lost"
"""The detail of the 200 a retry gets when its write committed but the answer was never stored."""
LOST_ANSWER_DESCRIPTION = (
    f"Also sent to a retry with the same {HEADER} whose first request's write was saved but whose "
    f'answer was lost (the server stopped in between): `{{"detail": "{LOST_ANSWER}"}}`. The write '
    "stands; read the resource to see it."
)
"""What the OpenAPI schema says of that answer on every write (nasalis.web.openapi)."""


def problem(raw: list[bytes]) -> str | None:
    """Why the header's values are not one usable key, or None."""
    if len(raw) > 1:
        return "send it once"
    try:
        key = raw[0].decode("ascii")
    except UnicodeDecodeError:
        return "only printable ASCII characters"
    if not key:
        return "empty; send 1 to 255 printable ASCII characters (a UUID, for example)"
    if len(key) > idempotency.MAX_KEY_CHARS:
        return f"at most {idempotency.MAX_KEY_CHARS} characters"
    if not _KEY.fullmatch(key):
        return "only printable ASCII characters"
    return None


def _boundary(scope: Scope) -> bytes | None:
    # A browser picks a new multipart boundary for each send of the same form: it is not content.
    for name, value in scope["headers"]:
        if name == b"content-type" and b"boundary=" in value:
            return value.split(b"boundary=", 1)[1].split(b";", 1)[0].strip(b'"') or None
    return None


def body_hash(spool: IO[bytes], boundary: bytes | None) -> str:
    """SHA-256 of the body, with any multipart boundary taken out."""
    digest = hashlib.sha256()
    spool.seek(0)
    carry = b""
    keep = len(boundary) - 1 if boundary else 0
    for chunk in iter(lambda: spool.read(1 << 20), b""):
        data = carry + chunk
        if boundary:
            data = data.replace(boundary, b"")
            carry, data = (data[-keep:], data[:-keep]) if keep else (b"", data)
        digest.update(data)
    digest.update(carry)
    spool.seek(0)
    return digest.hexdigest()


def _json(status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None) -> list[Message]:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return [
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])},
        {"type": "http.response.body", "body": body},
    ]


def _replay(stored: Stored) -> list[Message]:
    body = stored.body or b""
    headers = [(b"content-length", str(len(body)).encode()), (REPLAYED.lower().encode(), b"true")]
    if stored.content_type:
        headers.append((b"content-type", stored.content_type.encode("latin-1")))
    return [
        {"type": "http.response.start", "status": stored.status, "headers": headers},
        {"type": "http.response.body", "body": body},
    ]


def _find(store: Store, person_id: int, key: str) -> Stored | None:
    with store.read() as session:
        return idempotency.find(session, person_id, key)


def _complete(store: Store, claim: Claim, status: int, content_type: str | None, body: bytes) -> None:
    with store.write() as session:
        idempotency.complete(session, claim.person_id, claim.key, status, content_type, body)


def _same_request(stored: Stored, claim: Claim) -> bool:
    return (stored.method, stored.target, stored.body_hash) == (claim.method, claim.target, claim.body_hash)


async def _settled(store: Store, claim: Claim, first: Stored | None) -> list[Message] | None:
    """The answer for a key that is already used: a replay, a refusal, or None (not used yet)."""
    stored = first
    waited = 0.0
    while stored is not None and stored.status is None and waited < WAIT_S:
        await asyncio.sleep(POLL_S)
        waited += POLL_S
        stored = await run_in_threadpool(_find, store, claim.person_id, claim.key)
    if stored is None:
        return None
    if not _same_request(stored, claim):
        return _json(
            422,
            f"{HEADER}: this key was already used for another request (a different method, path or "
            "body); use a new key for a new write",
        )
    if stored.status is not None:
        return _replay(stored)
    if (utcnow() - stored.created_at).total_seconds() > LOST_AFTER_S:
        return _json(200, LOST_ANSWER)
    return _json(
        409,
        f"a request with this {HEADER} is still being handled; try again in a moment",
        [(b"retry-after", str(RETRY_AFTER_S).encode())],
    )


class IdempotentWrites:
    """Replay the stored answer of an API write retried with the same Idempotency-Key."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in WRITE_METHODS
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        raw = [value for name, value in scope["headers"] if name == HEADER.lower().encode()]
        if not raw:
            await self.app(scope, receive, send)
            return
        why = problem(raw)
        if why is not None:
            await _send_all(send, _json(422, f"{HEADER}: {why}"))
            return
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            if not await _read_body(receive, spool):
                return  # the client went away
            await self._handle(scope, receive, send, raw[0].decode("ascii"), spool)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, key: str, spool: IO[bytes]) -> None:
        digest = await run_in_threadpool(body_hash, spool, _boundary(scope))
        replayed = _replaying(spool, receive)
        request = Request(scope, replayed)
        store: Store = request.app.state.store
        try:
            viewer = await find_viewer(request)
        except (OperationalError, InterfaceError):
            viewer = None  # the app answers 503 itself, writing nothing
        if viewer is None:  # not signed in: the app answers 401 (or 503) and writes nothing
            await self.app(scope, replayed, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        path = scope["path"] + (f"?{query}" if query else "")
        target = idempotency.target_hash(scope["method"], path)
        claim = Claim(viewer.person_id, key, scope["method"], target, digest)
        known = await run_in_threadpool(_find, store, claim.person_id, key)
        settled = await _settled(store, claim, known)
        if settled is not None:
            await _send_all(send, settled)
            return
        answer: list[Message] = []

        async def keep(message: Message) -> None:
            answer.append(message)

        with idempotency.claiming(claim):
            try:
                await self.app(scope, replayed, keep)
            except Exception:
                if not claim.lost:
                    raise
        if claim.lost:  # another request with this key wrote first: answer what it answered
            first = await run_in_threadpool(_find, store, claim.person_id, key)
            await _send_all(send, await _settled(store, claim, first) or _json(409, "try again"))
            return
        if claim.written:
            start = next(m for m in answer if m["type"] == "http.response.start")
            content_type = next(
                (v.decode("latin-1") for n, v in start.get("headers", []) if n == b"content-type"), None
            )
            body = b"".join(m.get("body", b"") for m in answer if m["type"] == "http.response.body")
            await run_in_threadpool(_complete, store, claim, start["status"], content_type, body)
        await _send_all(send, answer)


async def _send_all(send: Send, messages: list[Message]) -> None:
    for message in messages:
        await send(message)


async def _read_body(receive: Receive, spool: IO[bytes]) -> bool:
    """Copy the request body into `spool`; False when the client disconnected first."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return False
        spool.write(message.get("body", b""))
        if not message.get("more_body", False):
            spool.seek(0)
            return True


def _replaying(spool: IO[bytes], receive: Receive) -> Receive:
    """A receive that hands the app the spooled body again, then the client's own messages."""
    size = spool.seek(0, 2)
    spool.seek(0)
    done = False

    async def replayed() -> Message:
        nonlocal done
        if done:
            return await receive()
        chunk = spool.read(_CHUNK)
        more = spool.tell() < size
        done = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replayed
