"""Settings: from flags, then NASALIS_* environment variables, then defaults."""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
import ssl
from pathlib import Path
from typing import Annotated

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from nasalis.folders import data_folder
from nasalis.folders import default_db_url as default_db_url  # re-exported: the web reads it here

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
"""The names a browser on this machine uses for a loopback server (personal mode answers only these)."""
SECRET_FILE = "web-secret.key"


def server_secret(folder: Path | None = None) -> bytes:
    """This installation's secret (made once, readable by its owner only) that signs CSRF tokens."""
    path = (folder or data_folder()) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic and never over another worker's secret
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise ValueError(f"{path} holds no usable secret: delete it and start again")
    return secret.encode()


def is_loopback(host: str) -> bool:
    """Whether `host` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_unspecified(host: str) -> bool:
    """Whether `host` means every address (0.0.0.0, ::), which names no host to allow."""
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


class Settings(BaseSettings):
    """Runtime settings of the app."""

    model_config = SettingsConfigDict(env_prefix="NASALIS_")

    db_url: str = ""
    """Empty means the default SQLite file in the user's data folder."""
    host: str = "127.0.0.1"
    port: int = 8000
    accounts: bool = False
    """Server mode: sign-in required, one diary per account."""
    signup_open: bool = True
    """Whether anyone may create an account (an admin closes it with NASALIS_SIGNUP_OPEN=false)."""
    secure_cookies: bool = False
    """Mark cookies Secure even when the request looks like plain HTTP (behind a TLS proxy)."""
    max_upload_bytes: int = 20_000_000
    clip_quota_count: int = 5
    """Clips one person may have waiting to be measured at once (NASALIS_CLIP_QUOTA_COUNT)."""
    clip_quota_bytes: int = 100_000_000
    """Bytes of clips one person may have stored at once; a clip's bytes are dropped once measured."""
    log_json: bool = False
    """One JSON object per log line instead of a readable line (NASALIS_LOG_JSON, --log-json)."""
    allowed_hosts: Annotated[list[str], NoDecode] = []
    """Host names (optionally name:port) browsers may use for this server, besides --host itself
    (and, in personal mode, the loopback names); comma-separated in NASALIS_ALLOWED_HOSTS."""

    smtp_host: str = ""
    """The SMTP server e-mail reminders go through (server mode); empty: no e-mail is sent."""
    smtp_port: int = 25
    smtp_user: str = ""
    """Empty: send without logging in."""
    smtp_password: SecretStr = SecretStr("")
    smtp_from: str = ""
    """The From address of reminders (default nasalis@SMTP_HOST)."""
    smtp_starttls: bool = False
    """Upgrade the SMTP connection with STARTTLS before logging in (usually port 587)."""
    smtp_tls: bool = False
    """Speak TLS from the first byte (SMTPS, usually port 465), the server's certificate checked.
    With NASALIS_SMTP_USER set, this or NASALIS_SMTP_STARTTLS is required."""
    app_url: str = ""
    """The address people open the app at (https://nasalis.example/), for the links in reminders
    and the calendar feed; empty: http://HOST:PORT/."""
    reminder_every_s: float = 60.0
    """How often the server looks for e-mail reminders that are due (NASALIS_REMINDER_EVERY_S)."""
    phone_ca: str = ""
    """The root certificate of the HTTPS proxy `nasalis phone` started, offered on /phone
    (NASALIS_PHONE_CA)."""
    trusted_proxies: Annotated[list[str], NoDecode] = []
    """Addresses (or networks) of reverse proxies whose X-Forwarded-Proto and X-Forwarded-For are
    believed (NASALIS_TRUSTED_PROXIES, --proxy); none by default, so no local program can pose as
    HTTPS or as another client's address."""

    @field_validator("allowed_hosts", "trusted_proxies", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


def certificate_fingerprint(pem_file: str | Path) -> str | None:
    """The SHA-256 fingerprint of a PEM certificate as phones show it (AB:CD:...), or None if unreadable."""
    try:
        der = ssl.PEM_cert_to_DER_cert(Path(pem_file).read_text("ascii"))
    except (OSError, ValueError):  # missing, not ASCII, not PEM: nothing to vouch for
        return None
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


def bad_proxies(names: list[str]) -> list[str]:
    """The entries of a trusted-proxy list that are no IP address or network (a name or "*")."""
    wrong = []
    for name in names:
        try:
            ipaddress.ip_network(name, strict=False)
        except ValueError:
            wrong.append(name)
    return wrong


def describe_db(url: str) -> str:
    """The database URL as it may be shown or logged: its kind, host and path, never a password."""
    from sqlalchemy.engine import make_url  # only when asked: the CLI starts without SQLAlchemy

    return make_url(url or default_db_url()).render_as_string(hide_password=True)


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """Every Host header value this server answers, lower case (DNS rebinding sends another name)."""
    names = [name.lower() for name in settings.allowed_hosts]
    if not is_unspecified(settings.host):
        # The address it listens on is always its own (a rebound page names a domain, never this);
        # a bare IPv6 address is written in brackets in a Host header.
        own = f"[{settings.host}]" if ":" in settings.host else settings.host
        names.append(own.lower())
    if not settings.accounts:
        names.extend(LOOPBACK_NAMES)
    hosts = set()
    for name in names:
        hosts.add(name)
        if not _has_port(name):
            hosts.add(f"{name}:{settings.port}")
    return frozenset(hosts)


def _has_port(name: str) -> bool:
    return name.rsplit(":", 1)[-1].isdigit() and not name.endswith("]")


def app_url(settings: Settings) -> str:
    """The address of the app for links sent out of it (reminders, the calendar feed), ending in /."""
    if settings.app_url:
        return settings.app_url.rstrip("/") + "/"
    host = settings.host if not is_unspecified(settings.host) else "localhost"
    return f"http://{f'[{host}]' if ':' in host else host}:{settings.port}/"
