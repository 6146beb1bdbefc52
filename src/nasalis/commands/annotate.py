"""`nasalis video annotate`: mark a real clip's twitches in the browser and save its truth file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nasalis.commands.common import fail


def annotate_command(
    clip: Annotated[Path, typer.Argument(help="The clip to mark: MP4, MOV, WebM or AVI.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The truth file to write (default: beside the clip, same name, .json)."
            " An existing one is loaded to be edited, and kept as NAME.bak when replaced.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")
    ] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the page's address; do not open a browser.")
    ] = False,
) -> None:
    """Mark the twitches in a clip by hand, on a page in the browser, and save them as a truth file.

    The truth file has the generator's format (tools/twitchclips.py), so
    `python -m bench.video_bench --truth FOLDER` scores the detector on real recordings.
    """
    import socket
    import webbrowser

    import uvicorn

    from nasalis.video.errors import VideoError
    from nasalis.video.truth import TruthError
    from nasalis.web.annotate_app import create_annotate_app, open_session

    target = out if out is not None else clip.with_suffix(".json")
    try:
        session = open_session(clip, target)
    except VideoError as exc:
        fail("Nothing was opened.", [f"CLIP: {exc}"])
    except TruthError as exc:
        fail("Nothing was opened.", [str(exc)])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As uvicorn does: a port just left by a stopped run (TIME_WAIT) can be taken again at once.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        fail("Nothing was opened.", [f"--port: {port} cannot be used ({exc.strerror or exc})"])
    sock.listen(64)  # a browser that connects before the server runs waits in this queue
    bound = int(sock.getsockname()[1])
    hosts = frozenset({f"127.0.0.1:{bound}", f"localhost:{bound}"})
    url = f"http://127.0.0.1:{bound}/"
    typer.echo(f"Marking {clip.name}: open {url} (Ctrl+C here stops, after you have saved).", err=False)
    typer.echo(f"Truth file: {target}")
    if not no_browser:
        webbrowser.open(url)
    config = uvicorn.Config(create_annotate_app(session, hosts), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
