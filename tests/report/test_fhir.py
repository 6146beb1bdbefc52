"""`nasalis export --format fhir`: a FHIR R4 Bundle that fhir.resources' R4B models accept."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from nasalis.diary import entries, episode_writer, local_dates, preferences
from nasalis.diary.records import EpisodeRecord
from nasalis.diary.store import open_store
from nasalis.diary.vocab import AREAS
from nasalis.report.fhir import FhirInvalidError, bundle_of, terminology, validate
from tests.cli.runner import nasalis_process
from tests.report.bundles import SNOMED, codes_of, resources_of
from tests.report.sample_diaries import ninety_day_diary


def test_the_cli_exports_a_bundle_that_validates_and_says_what_the_diary_says(
    db_url: str, tmp_path: Path
) -> None:
    store = ninety_day_diary(db_url)
    with store.write() as session:
        preferences.save(session, store.person_id(), {"name": "Ada Example", "age_years": "41"})
    with store.read() as session:
        stored = local_dates.episodes_on(session, store.person_id())
        days = entries.days_between(session, store.person_id())
    store.close()
    out = tmp_path / "sub" / "diary.fhir.json"
    done = nasalis_process("export", "--format", "fhir", "--out", str(out), "--db", db_url)
    assert done.returncode == 0, done.stderr
    bundle = json.loads(out.read_text())
    parsed = Bundle.model_validate(bundle)  # the test: fhir.resources accepts it
    assert parsed.type == "collection"
    assert parsed.entry is not None
    assert len(parsed.entry) == len(bundle["entry"])
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    for e in bundle["entry"]:  # every reference points inside the Bundle
        for ref in _references(e["resource"]):
            assert ref in urls, ref

    (patient,) = resources_of(bundle, "Patient")
    assert {k: v for k, v in patient.items() if k != "meta"} == {  # only what was entered
        "resourceType": "Patient",
        "name": [{"text": "Ada Example"}],
    }
    (age,) = [o for o in resources_of(bundle, "Observation") if o["code"]["text"].startswith("Age")]
    assert age["valueQuantity"]["value"] == 41

    symptoms = [o for o in resources_of(bundle, "Observation") if "profile" in o.get("meta", {})]
    assert len(symptoms) == len(stored)
    codes = terminology()
    bands = codes["severity"]["bands"]
    by_time = {e.started_at_utc: e for e in stored}
    for obs in symptoms:
        assert codes_of(obs["code"]) == {("http://loinc.org", "75325-1")}
        assert codes_of(obs["valueCodeableConcept"]) == {(SNOMED, "32402008")}
        assert obs["category"][0]["coding"][0]["code"] == "symptom"
        assert obs["performer"] == [obs["subject"]] == [{"reference": patient_url(bundle)}]
        episode = by_time[_utc(obs["effectiveDateTime"])]
        assert episode.intensity is not None
        (severity,) = obs["component"]
        band = next(b for b in bands if episode.intensity <= b["up_to"])
        assert codes_of(severity["valueCodeableConcept"]) == {(SNOMED, band["code"])}
        assert severity["valueCodeableConcept"]["text"].startswith(f"{episode.intensity}/10")
        site = obs["bodySite"]
        want = "45206002" if episode.areas == ["nose"] else "89545001"  # nose; several facial: face
        assert codes_of(site) == {(SNOMED, want)}
        (structure,) = [
            e["resource"]
            for e in bundle["entry"]
            if e["fullUrl"] == site["extension"][0]["valueReference"]["reference"]
        ]
        side = codes["laterality"][episode.side]["code"]
        assert codes_of(structure["locationQualifier"][0]) == {(SNOMED, side)}
        assert codes_of(structure["location"]) == {(SNOMED, want)}
    mild = sum(1 for e in stored if e.intensity is not None and e.intensity <= 3)
    assert mild == sum(
        1 for o in symptoms if codes_of(o["component"][0]["valueCodeableConcept"]) == {(SNOMED, "255604002")}
    )

    day_counts = [
        o
        for o in resources_of(bundle, "Observation")
        if o["code"].get("text") == "Twitches recorded that day"
    ]
    assert len(day_counts) == len(days)
    assert sum(o["valueInteger"] for o in day_counts) == len(stored)  # every twitch fell on a check-in day
    sleep = [o for o in resources_of(bundle, "Observation") if o["code"].get("text") == "Hours of sleep"]
    assert len(sleep) == sum(1 for d in days if d.sleep_hours is not None)
    assert all(o["valueQuantity"]["system"] == "http://unitsofmeasure.org" for o in sleep)
    tags = Counter(o["valueString"] for o in resources_of(bundle, "Observation") if "valueString" in o)
    assert sum(n for t, n in tags.items() if "cheese" in t) == sum(
        1 for d in days if "cheese" in (d.tags or [])
    )

    (medicine,) = resources_of(bundle, "MedicationStatement")
    assert medicine["medicationCodeableConcept"] == {"text": "Ventolin"}
    assert medicine["dosage"] == [{"text": "2 puffs"}]
    (risk,) = resources_of(bundle, "RiskAssessment")
    assert risk["prediction"][0]["qualitativeRisk"]["text"] == "nasalis level: appointment"
    assert any("not a diagnosis" in n["text"] for n in risk["note"])


def patient_url(bundle: dict[str, Any]) -> str:
    """The Patient's fullUrl."""
    url: str = next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    return url


def _utc(value: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).replace(tzinfo=None)


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return own + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def test_unchecked_sites_and_sides_go_as_text_never_as_a_guessed_code(tmp_path: Path) -> None:
    import datetime as dt

    store = open_store(f"sqlite:///{tmp_path / 't.db'}")
    zone = dt.timezone(dt.timedelta(hours=-5))
    cases = [
        (("eyebrow",), "middle", 95.0),
        (("arm_or_leg",), "left", None),
        ((), None, None),
        (("neck",), "right", 2.5),
    ]
    with store.write() as session:
        for i, (areas, side, duration) in enumerate(cases):
            episode_writer.log_episode(
                session,
                store.person_id(),
                EpisodeRecord(
                    started_at=dt.datetime(2026, 5, 1, 9, i, tzinfo=zone),
                    areas=areas,
                    side=side,
                    duration_s=duration,
                    note="<script>alert(1)</script>" if i == 0 else None,
                    source="video" if i == 3 else "manual",
                ),
            )
    with store.read() as session:
        bundle = bundle_of(session, store.person_id())
    validate(bundle)
    eyebrow, limb, nowhere, neck = (
        o for o in resources_of(bundle, "Observation") if "profile" in o.get("meta", {})
    )
    assert eyebrow["bodySite"] == {"text": "eyebrow (middle)"}
    assert eyebrow["effectivePeriod"] == {
        "start": "2026-05-01T09:00:00-05:00",
        "end": "2026-05-01T09:01:35-05:00",
    }
    assert eyebrow["note"] == [
        {"text": "<script>alert(1)</script>"}
    ]  # data, not markup: JSON keeps it as text
    assert codes_of(eyebrow["valueCodeableConcept"]) == {(SNOMED, "32402008")}  # the eyebrow is the face
    assert limb["bodySite"] == {"text": "arm or leg (left)"}
    assert "coding" not in limb["valueCodeableConcept"]  # a limb twitch is not a facial spasm
    assert "bodySite" not in nowhere
    assert "component" not in nowhere
    assert codes_of(neck["bodySite"]) == {(SNOMED, "45048000")}
    assert "coding" not in neck["valueCodeableConcept"]
    assert neck["method"]["text"].startswith("Measured from a video")
    assert len(resources_of(bundle, "BodyStructure")) == 1  # only the neck had a checked site and a side
    (patient,) = resources_of(bundle, "Patient")
    assert set(patient) == {"resourceType", "meta"}  # no name entered, none sent: only its label


def test_every_code_in_the_terminology_file_says_where_it_was_checked() -> None:
    codes = terminology()
    for section in ("symptom", "twitch", "severity", "body_sites", "laterality"):
        assert codes[section]["cites"], section
    sent = set(codes["body_sites"]["areas"]) | set(codes["body_sites"]["text_only"])
    assert sent == set(AREAS)  # every diary area is either coded or deliberately text
    assert [b["up_to"] for b in codes["severity"]["bands"]] == [3, 6, 10]


def test_a_broken_bundle_is_refused_by_the_validator(tmp_path: Path) -> None:
    store = ninety_day_diary(f"sqlite:///{tmp_path / 'v.db'}")
    with store.read() as session:
        bundle = bundle_of(session, store.person_id())
    validate(bundle)
    first = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Observation")
    broken = copy.deepcopy(bundle)
    del broken["entry"][first]["resource"]["status"]  # Observation.status is required (1..1)
    with pytest.raises(FhirInvalidError, match="status"):
        validate(broken)
    wrong = copy.deepcopy(bundle)
    wrong["entry"][first]["resource"]["effectiveDateTime"] = "yesterday"
    with pytest.raises(FhirInvalidError):
        validate(wrong)


def test_bad_out_changes_nothing_and_an_empty_diary_still_exports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    folder = tmp_path / "folder"
    folder.mkdir()
    bad = nasalis_process("export", "--format", "fhir", "--out", str(folder), "--db", url)
    assert bad.returncode == 2
    assert "--out" in bad.stderr + bad.stdout
    assert list(folder.iterdir()) == []
    out = tmp_path / "empty.json"
    assert nasalis_process("export", "--format", "fhir", "--out", str(out), "--db", url).returncode == 0
    bundle = json.loads(out.read_text())
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient", "Provenance"]
    assert not list(tmp_path.glob(".*.tmp"))
