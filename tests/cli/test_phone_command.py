"""`nasalis phone` as a real process: it makes the account, starts the app and Caddy, prints an
address (and its QR code) that answers over HTTPS with Caddy's root, and Ctrl-C stops both."""

from __future__ import annotations

import hashlib
import os
import re
import selectors
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import select

from nasalis.diary.models import Account
from nasalis.diary.store import open_store
from nasalis.terminal.phone_view import qr_lines
from tests.cli.runner import SRC, nasalis_process
from tests.web.conftest import PASSWORD
from tests.web.live import STARTUP_S, free_port

LIGHT = {"█": (255, 255), "▀": (255, 0), "▄": (0, 255), " ": (0, 0)}
"""segno's compact blocks: each character is two modules, top and bottom (the quiet zone is light)."""


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "COLUMNS": "110",
        "PYTHONPATH": SRC,
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def _read_until(process: subprocess.Popen[str], marker: str) -> str:
    """What the process printed up to the first time `marker` appears (read once per process).

    Read from the pipe's descriptor, not the text file: its readline() buffers every byte that
    has arrived, so a select() on the descriptor would then wait for output already read.
    """
    assert process.stdout is not None
    fd = process.stdout.fileno()
    seen = b""
    with selectors.DefaultSelector() as waiting:
        waiting.register(fd, selectors.EVENT_READ)
        deadline = time.monotonic() + STARTUP_S
        while marker.encode() not in seen:
            assert time.monotonic() < deadline, f"no {marker!r} in {seen.decode(errors='replace')!r}"
            if waiting.select(timeout=1):
                chunk = os.read(fd, 65536)
                assert chunk, f"the command ended: {seen.decode(errors='replace')!r}"
                seen += chunk
    return seen.decode()


def _decoded(qr_text: str) -> str:
    """The text of a QR code printed in half blocks, read back by OpenCV's detector."""
    rows: list[list[int]] = []
    for line in qr_text.splitlines():
        top, bottom = zip(*(LIGHT[ch] for ch in line), strict=True)
        rows += [list(top), list(bottom)]
    image = np.repeat(np.repeat(np.array(rows, dtype=np.uint8), 8, axis=0), 8, axis=1)  # 8 px a module
    text, _points, _straight = cv2.QRCodeDetector().detectAndDecode(image)
    return str(text)


def _get(url: str, root: Path) -> bytes:
    context = ssl.create_default_context(cafile=str(root))
    with urllib.request.urlopen(url, context=context, timeout=30) as answer:
        body: bytes = answer.read()
        return body


def _usernames(db: str) -> list[str]:
    store = open_store(db)
    try:
        with store.read() as session:
            return list(session.scalars(select(Account.username)))
    finally:
        store.close()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_one_command_opens_the_diary_to_the_phone_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'diary.db'}"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nasalis", "phone", "--address", "127.0.0.1", "--port", str(port), "--db", db],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**_environment(tmp_path), "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    try:
        assert process.stdin is not None
        process.stdin.write(f"paula\n{PASSWORD}\n{PASSWORD}\n")
        process.stdin.close()
        printed = _read_until(process, "Press Ctrl-C to stop.")
        url = f"https://127.0.0.1:{port}/"
        lines = printed.splitlines()
        assert url in lines, printed
        qr = "\n".join(lines[lines.index(url) + 1 : lines.index(url) + 1 + qr_lines(url).count("\n")])
        assert qr + "\n" == qr_lines(url)  # segno drew it from exactly that address
        assert _decoded(qr) == url  # and a camera reading it gets the address back
        found = re.search(r"must trust this computer's certificate first: (\S+)", printed)
        assert found, printed
        root = Path(found.group(1))
        assert root.is_relative_to(tmp_path / "data")

        help_page = _get(f"{url}phone", root).decode()
        # The fingerprint printed and the one the page shows are the certificate's own SHA-256.
        own = hashlib.sha256(ssl.PEM_cert_to_DER_cert(root.read_text("ascii"))).hexdigest().upper()
        printed_print = re.search(r"SHA-256 fingerprint \(.*?\): ([0-9A-F:]{95})", printed)
        assert printed_print, printed
        assert printed_print.group(1).replace(":", "") == own
        shown = re.search(r'<code class="fingerprint">([^<]*(?:<br>[^<]*)*)</code>', help_page)
        assert shown, help_page
        assert shown.group(1).replace("<br>", "").replace(":", "") == own
        assert "can vouch for any website" in help_page
        assert "Install a certificate" in help_page
        assert "Certificate Trust Settings" in help_page
        assert _get(f"{url}phone/nasalis-root.crt", root) == root.read_bytes()
        login = _get(f"{url}login", root).decode()  # the account's diary, behind a sign-in
        assert 'name="password"' in login
        assert _usernames(db) == ["paula"]
        app_port = int(
            re.findall(r"reverse_proxy 127\.0\.0\.1:(\d+)", (root.parents[4] / "Caddyfile").read_text())[0]
        )
        assert _listening(app_port)

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=60) == 0
        assert not _listening(app_port)
        assert not _listening(port)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_a_bad_username_is_refused_before_anything_starts(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'diary.db'}"
    done = nasalis_process(
        "phone", "--address", "127.0.0.1", "--port", str(free_port()), "--db", db, "--username", "x",
        stdin=f"{PASSWORD}\n{PASSWORD}\n", env=_environment(tmp_path),
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "username" in done.stderr
    assert _usernames(db) == []
    assert not (tmp_path / "data" / "nasalis" / "caddy" / "Caddyfile").exists()


def test_without_caddy_it_says_how_to_install_it(tmp_path: Path) -> None:
    done = nasalis_process(
        "phone", "--caddy", str(tmp_path / "no-caddy"), "--db", f"sqlite:///{tmp_path / 'diary.db'}",
        env=_environment(tmp_path),
    )  # fmt: skip
    assert done.returncode == 2
    assert "apt install caddy" in done.stderr
    assert "--caddy" in done.stderr
