"""The annotation page of `nasalis video annotate`: play one clip, mark its twitches, save the truth file.

A small app of its own (no diary, no accounts) on a loopback port. The page plays the clip
itself when the browser can; a codec the browser cannot play (the generator's MPEG-4 Part 2, a
phone's HEVC) gets a WebM copy made once, frame for frame at the clip's own rate, so a time on
the page is a time in the clip. Saves go through one route that writes the file atomically and
never replaces an existing one unless the page confirmed it, keeping the old one as NAME.bak.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import tempfile
import threading
import typing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Header, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from nasalis.video.decode import ClipInfo, frames, probe
from nasalis.video.errors import VideoError
from nasalis.video.truth import (
    TRUTH_REGIONS,
    Shape,
    Truth,
    TruthError,
    backup_path,
    digest,
    parse_truth,
    read_truth,
    save_truth,
)
from nasalis.web.guards import Guards

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
MAX_BODY = 2_000_000
"""A truth file of thousands of marks is well under this; nothing else is ever sent."""
TOKEN_HEADER = "X-Annotate-Token"
PLAYBACK_RATES = (0.1, 0.25, 0.5, 1.0)


class AnnotateError(Exception):
    """The clip or the truth file cannot be used; the message names the argument and says why."""


@dataclass
class Session:
    """One clip being annotated: where it is, where its truth goes, and what this page has saved."""

    clip: Path
    out: Path
    info: ClipInfo
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    written: str | None = None  # digest of the file this page last wrote
    playable: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def existing(self) -> Truth | None:
        """The truth file already at `out`, if there is one (TruthError if it is not a truth file)."""
        return read_truth(self.out) if self.out.exists() else None

    def playable_copy(self) -> Path:
        """A WebM copy of the clip every browser plays, made on first use (same frames, same rate)."""
        import cv2

        with self.lock:
            if self.playable is None:
                folder = Path(tempfile.mkdtemp(prefix="nasalis-annotate-"))
                path = folder / "playable.webm"
                writer: Any = None
                for _, frame in frames(self.clip):
                    if writer is None:
                        height, width = frame.shape[:2]
                        fourcc = cv2.VideoWriter.fourcc(*"VP80")
                        writer = cv2.VideoWriter(str(path), fourcc, self.info.fps, (width, height))
                    writer.write(frame)
                if writer is not None:
                    writer.release()
                self.playable = path
            return self.playable


def open_session(clip: Path, out: Path) -> Session:
    """Check the clip is a video and the truth file can be written there; AnnotateError says why not."""
    try:
        info = probe(clip)
    except VideoError as exc:
        raise AnnotateError(f"CLIP: {exc}") from None
    if out.resolve() == clip.resolve():
        raise AnnotateError(f"--out: {out} is the clip itself; name a .json file")
    if out.is_dir():
        raise AnnotateError(f"--out: {out} is a folder; name a .json file")
    if not out.parent.is_dir():
        raise AnnotateError(f"--out: {out.parent} is not a folder that exists")
    try:  # the folder must take a new file (the atomic write's temporary one), not just the old file
        with tempfile.NamedTemporaryFile(dir=out.parent, prefix=".nasalis-check-"):
            pass
    except OSError as exc:
        raise AnnotateError(f"--out: cannot write in {out.parent} ({exc.strerror or exc})") from None
    session = Session(clip=clip, out=out, info=info)
    try:
        session.existing()
    except TruthError as exc:
        raise AnnotateError(f"--out: {exc} (move it away, or name another --out)") from None
    return session


def listen(port: int) -> socket.socket:
    """A socket listening on 127.0.0.1:port (0: any free port); AnnotateError if it is taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As uvicorn does: a port just left by a stopped run (TIME_WAIT) can be taken again at once.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise AnnotateError(f"--port: {port} cannot be used ({exc.strerror or exc})") from None
    sock.listen(64)  # a browser that connects before the server runs waits in this queue
    return sock


def serve(session: Session, sock: socket.socket) -> None:
    """Answer the page on `sock` until the process is stopped."""
    import uvicorn

    port = int(sock.getsockname()[1])
    app = create_annotate_app(session, frozenset({f"127.0.0.1:{port}", f"localhost:{port}"}))
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def _page_data(session: Session) -> dict[str, Any]:
    """What the page's script starts from: the clip, the keys' vocabulary and any marks already saved."""
    existing = session.existing()
    return {
        "clip": session.clip.name,
        "fps": session.info.fps,
        "seconds": round(session.info.duration_s, 3),
        "regions": list(TRUTH_REGIONS),
        "shapes": list(typing.get_args(Shape)),
        "rates": list(PLAYBACK_RATES),
        "truth": existing.to_json() if existing is not None else None,
        "out": session.out.name,
    }


def create_annotate_app(session: Session, hosts: frozenset[str]) -> FastAPI:
    """The app for one clip, answering only to the loopback `hosts` it was started on."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # Here, not after the server returns: uvicorn ends on Ctrl+C or SIGTERM by raising the
        # signal again, which skips any code after it. The copy is as big as the clip, or bigger.
        if session.playable is not None:
            shutil.rmtree(session.playable.parent, ignore_errors=True)

    app = FastAPI(
        title="nasalis annotate", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.add_middleware(Guards, max_body=MAX_BODY, hosts=hosts)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", response_class=HTMLResponse)
    def annotate_page(request: Request) -> HTMLResponse:
        """The page: the clip, the keys, the marks and the save button."""
        try:
            data = _page_data(session)
        except TruthError as exc:
            return TEMPLATES.TemplateResponse(request, "annotate.html", {"problem": str(exc)}, 409)
        context = {"data": data, "token": session.token, "out": str(session.out), "problem": None}
        return TEMPLATES.TemplateResponse(request, "annotate.html", context)

    @app.get("/clip")
    def clip_file() -> FileResponse:
        """The clip itself, with byte ranges so the player can seek."""
        return FileResponse(session.clip, media_type=_media_type(session.clip))

    @app.get("/clip/playable.webm")
    def playable_file() -> Response:
        """A WebM copy for a browser that cannot play the clip's own codec."""
        try:
            return FileResponse(session.playable_copy(), media_type="video/webm")
        except VideoError as exc:
            return JSONResponse({"detail": str(exc)}, 422)

    @app.post("/save")
    async def save(
        body: Annotated[dict[str, Any], Body()],
        token: Annotated[str, Header(alias=TOKEN_HEADER)] = "",
    ) -> JSONResponse:
        """Write the truth file; 409 when a file is there and the page has not confirmed replacing it."""
        if not secrets.compare_digest(token, session.token):
            return JSONResponse({"detail": "this page is not the one the command opened"}, 403)
        return await run_in_threadpool(_save, session, body)

    return app


def _save(session: Session, body: dict[str, Any]) -> JSONResponse:
    try:
        truth = parse_truth(body.get("truth"), "truth")
    except TruthError as exc:
        return JSONResponse({"detail": str(exc)}, 422)
    on_disk = digest(session.out)
    # Someone else's file (there before the page, or changed since this page's last save) is
    # replaced only when the person said so, and is kept as NAME.bak.
    foreign = on_disk is not None and on_disk != session.written
    if foreign and body.get("replace") is not True:
        return JSONResponse(
            {
                "detail": f"{session.out.name} already exists",
                "exists": True,
                "backup": backup_path(session.out).name,
            },
            409,
        )
    try:
        save_truth(session.out, truth, backup=foreign)
    except TruthError as exc:
        return JSONResponse({"detail": str(exc)}, 500)
    session.written = digest(session.out)
    return JSONResponse(
        {
            "saved": session.out.name,
            "twitches": len(truth.twitches),
            "blinks": len(truth.blinks),
            "backup": backup_path(session.out).name if foreign else None,
        }
    )


def _media_type(clip: Path) -> str:
    # A MOV from a phone is H.264 in an MP4-like box: browsers play it when told it is MP4.
    return {".webm": "video/webm", ".mkv": "video/x-matroska"}.get(clip.suffix.lower(), "video/mp4")
