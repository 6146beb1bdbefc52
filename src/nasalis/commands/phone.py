"""`nasalis phone`: the diary on this computer, reachable from a phone on the same network over HTTPS.

It runs two processes until Ctrl-C: `nasalis serve --accounts` on loopback, and Debian's Caddy in
front of it on the network address with its own local certificate authority (`tls internal`).
Only Caddy is trusted for forwarded headers, so the app knows each request came over HTTPS and
marks its cookies Secure (docs/phone.md).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, fail

CADDY = "/usr/bin/caddy"
"""Debian's Caddy (apt install caddy); --caddy names another."""
STARTUP_S = 120
"""How long the app and Caddy may take to answer (seconds): a slow machine needs a minute."""
ROOT_CERTIFICATE = Path("caddy", "pki", "authorities", "local", "root.crt")
"""Where Caddy keeps its local root certificate, under its XDG_DATA_HOME."""
HELP_PAGE = "/phone"
"""The page that tells the person how to trust the certificate and install the app."""


def caddyfile(name: str, bind: str, https_port: int, http_port: int, app_port: int) -> str:
    """The Caddy configuration: https://name:https_port on the `bind` address with Caddy's own CA,
    in front of the app on 127.0.0.1:app_port (docs/phone.md says what each line does)."""
    site = f"[{name}]" if ":" in name else name
    return f"""{{
	admin off
	skip_install_trust
	http_port {http_port}
	https_port {https_port}
	auto_https disable_redirects
}}

https://{site}:{https_port} {{
	bind {bind}
	tls internal
	reverse_proxy 127.0.0.1:{app_port}
}}
"""


def caddy_environment(home: Path) -> dict[str, str]:
    """Caddy's environment: its certificates and state in `home`, not in the user's own folders."""
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
    }


def root_certificate(home: Path) -> Path:
    """The root certificate of the Caddy whose home is `home` (the one a phone must trust)."""
    return home / ROOT_CERTIFICATE


def network_address() -> str:
    """This computer's address on the local network (the one its default route leaves by)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # A UDP connect sends nothing: it only asks the kernel which address it would use.
            probe.connect(("192.0.2.1", 9))
            address: str = probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
        return address


def free_port(address: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now at `address`."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
        sock.bind((address, 0))
        port: int = sock.getsockname()[1]
        return port


def https_answers(address: str, port: int, cafile: Path, name: str | None = None) -> bool:
    """Whether address:port answers a TLS handshake for `name` (else the address) whose
    certificate chains to `cafile`."""
    if not cafile.exists():
        return False
    context = ssl.create_default_context(cafile=str(cafile))
    try:
        with (
            socket.create_connection((address, port), timeout=2) as raw,
            context.wrap_socket(raw, server_hostname=name or address),
        ):
            return True
    except (OSError, ssl.SSLError):
        return False


def _http_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/style.css", timeout=2):
            return True
    except OSError:
        return False


def _ensure_account(db_url: str, username: str | None) -> None:
    """Make the person's account when the diary has none (asking for the name and password)."""
    from sqlalchemy import func, select

    from nasalis.diary import accounts
    from nasalis.diary.models import Account
    from nasalis.diary.records import FieldError
    from nasalis.diary.store import StoreError, open_store

    try:
        store = open_store(db_url)
    except StoreError as exc:
        fail("Cannot open the diary.", [str(exc)])
    try:
        with store.read() as session:
            if session.scalar(select(func.count()).select_from(Account)):
                return
        typer.echo("The phone signs in with an account: make yours (it stays on this computer).")
        try:
            name = accounts.check_username(username or typer.prompt("Username"))
            password = accounts.check_password(
                typer.prompt("Password", hide_input=True, confirmation_prompt=True)
            )
        except FieldError as exc:
            fail("That account cannot be made.", [f"{exc.field}: {exc.message}"])
        password_hash = accounts.hash_password(password)
        with store.write() as session:
            accounts.create_account(session, name, password_hash)
        typer.echo(f"Account {name} made.")
    finally:
        store.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def phone_command(
    address: Annotated[
        str | None,
        typer.Option(
            help="This computer's address on the network (default: the one its route leaves by).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="The HTTPS port the phone opens.")] = 8443,
    username: Annotated[
        str | None, typer.Option(help="The account to make if the diary has none (else asked).")
    ] = None,
    caddy: Annotated[str, typer.Option(help="The Caddy program.")] = CADDY,
    db: DbOption = None,
) -> None:
    """Open nasalis to a phone on this network: the app behind Caddy's HTTPS, with a QR code to scan.

    Makes your account if there is none, starts the app on 127.0.0.1 and Caddy on the network
    address with a local certificate, prints the address (and its QR code) and the certificate
    the phone must trust. Ctrl-C stops both.
    """
    from rich.console import Console

    from nasalis.config import certificate_fingerprint
    from nasalis.diary.store import resolve_url
    from nasalis.folders import data_folder
    from nasalis.terminal.phone_view import show_address

    program = shutil.which(caddy)
    if program is None:
        fail("Caddy is not installed.", [f"--caddy: {caddy} not found; install it with `apt install caddy`"])
    host = address or network_address()
    db_url = resolve_url(db)
    _ensure_account(db_url, username)

    home = data_folder() / "caddy"  # kept: the phone trusts this CA once, not at every start
    home.mkdir(parents=True, exist_ok=True)
    app_port = free_port()
    config = home / "Caddyfile"
    config.write_text(caddyfile(host, host, port, free_port(), app_port), encoding="utf-8")
    public = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    serve = [
        sys.executable, "-m", "nasalis", "serve", "--host", "127.0.0.1", "--port", str(app_port),
        "--accounts", "--no-signup", "--proxy", "127.0.0.1", "--allowed-host", public, "--db", db_url,
    ]  # fmt: skip
    root = root_certificate(home)
    processes = [subprocess.Popen(serve, env={**os.environ, "NASALIS_PHONE_CA": str(root)})]
    log = open(home / "caddy.log", "wb")  # noqa: SIM115 (open while Caddy runs)
    processes.append(
        subprocess.Popen(
            [program, "run", "--config", str(config), "--adapter", "caddyfile"],
            env=caddy_environment(home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    )
    # SIGTERM (a service manager, a test) stops both as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        deadline = time.monotonic() + STARTUP_S
        while not (_http_answers(app_port) and https_answers(host, port, root)):
            if any(process.poll() is not None for process in processes):
                fail("The app or Caddy stopped.", [f"--port: is {port} on {host} free?"])
            if time.monotonic() > deadline:
                fail("The app or Caddy did not start.", [f"nothing answered within {STARTUP_S} s"])
            time.sleep(0.2)
        show_address(Console(), f"https://{public}/", root, HELP_PAGE, certificate_fingerprint(root))
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        fail("The app or Caddy stopped.")
    except KeyboardInterrupt:
        typer.echo("Stopping.")
    finally:
        _stop(processes)
        log.close()
