"""The baseline of bench/web_bench.py: a bare FastAPI endpoint returning a constant."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/constant")
def constant() -> dict[str, bool]:
    """Nothing but FastAPI, uvicorn and the loopback network."""
    return {"ok": True}
