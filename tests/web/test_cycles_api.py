"""GET /api/cycles: the same JSON as `nasalis cycles --json`, and only the signed-in person's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.diary.importer import import_bundle
from nasalis.diary.treatments import TreatmentRecord, add_treatment
from nasalis.web.app import create_app
from tests.cli.runner import nasalis_process
from tests.insights.test_cycles_report import INJECTION, cycle_bundle


def test_api_cycles_matches_the_cli_and_checks_since(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    app = create_app(Settings(db_url=db))
    store = app.state.store
    import_bundle(store, store.person_id(), cycle_bundle())
    with store.write() as session:
        add_treatment(session, store.person_id(), TreatmentRecord(INJECTION, "botulinum_toxin", "Botox"))
    client = TestClient(app)
    response = client.get("/api/cycles")
    assert response.status_code == 200
    body = response.json()
    assert body["schema"] == "nasalis.cycles/1"
    assert [c["status"] for c in body["cycles"]] == ["complete"]
    assert body == json.loads(nasalis_process("cycles", "--json", "--db", db).stdout)
    later = (INJECTION + dt.timedelta(days=1)).isoformat()
    assert client.get("/api/cycles", params={"since": later}).json()["cycles"] == []
    bad = client.get("/api/cycles", params={"since": "March"})
    assert bad.status_code == 422
    assert "since" in bad.text
    assert "/api/cycles" in client.get("/openapi.json").json()["paths"]
    view = nasalis_process("cycles", "--db", db)
    assert view.returncode == 0, view.stderr
    assert "cycle 1: effect from day" in view.stdout
    assert "prescriber" in view.stdout
    assert nasalis_process("cycles", "--since", "March", "--db", db).returncode == 2
    app.state.store.close()


def test_a_person_sees_only_their_own_cycles(two_people: tuple[TestClient, str, TestClient, str]) -> None:
    alice, _, bob, _ = two_people
    store = alice.app.state.store  # type: ignore[attr-defined]
    with store.write() as session:
        add_treatment(
            session, store.person_id("account:alice"), TreatmentRecord(INJECTION, "procedure", "alice's")
        )
    assert [c["product"] for c in alice.get("/api/cycles").json()["cycles"]] == ["alice's"]
    assert bob.get("/api/cycles").json()["cycles"] == []
    assert "alice" not in bob.get("/api/cycles").text
