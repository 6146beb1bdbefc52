"""Settings: from flags, then NASALIS_* environment variables, then defaults."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from platformdirs import user_data_dir
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "nasalis"


def default_db_url() -> str:
    """A SQLite file in the user's data folder: health data stays on this machine."""
    folder = Path(user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{folder / 'nasalis.db'}"


def is_loopback(host: str) -> bool:
    """Whether `host` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
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
