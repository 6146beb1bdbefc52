"""The FHIR Bundle says who reported what: PATRPT labels, Provenance, video measures with Media, scores."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import cv2
import numpy as np
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from nasalis.diary import accounts, clinician_scores, episode_writer, videos
from nasalis.diary.entries import save_day
from nasalis.diary.models import Account
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import open_store
from nasalis.report.fhir import export_fhir, terminology
from nasalis.video.analyze import VideoResult
from nasalis.video.events import Event
from nasalis.video.eyeclosure import BLINK_MAX_S, SHUT_BELOW, EyeClosure, EyeMeasures
from tests.report.bundles import resources_of

PATRPT = ("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "PATRPT")
CLINRPT = ("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "CLINRPT")


def _labels(resource: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in resource.get("meta", {}).get("security", [])}


def _jpeg() -> str:
    picture = np.full((48, 64, 3), 128, np.uint8)
    cv2.circle(picture, (32, 24), 10, (0, 212, 255), 2)
    ok, data = cv2.imencode(".jpg", picture)
    assert ok
    return videos.STILL_PREFIX + base64.b64encode(data.tobytes()).decode()


def _clip_result() -> dict[str, Any]:
    events = [Event(1.0, 1.3, "left", "nose", 0.03, 0.9), Event(3.0, 3.4, "right", "eyelid", 0.04, 0.9)]
    result = VideoResult(30.0, 30.0, 900, 1.0, events, 10.0, [])
    result.eyes = EyeMeasures(
        SHUT_BELOW, BLINK_MAX_S, EyeClosure(0.1, 0, 0.0, 0.0), EyeClosure(0.05, 0, 0.0, 0.0), 5, 1, 0.2
    )
    return result.to_json()


def test_every_reported_resource_is_labelled_and_attributed(db_url: str) -> None:
    store = open_store(db_url)
    me = store.person_id()
    with store.write() as s:
        clinician = accounts.create_account(s, "drokafor", accounts.hash_password("a long pass phrase"))
        account_id = s.scalar(select(Account.id).where(Account.person_id == clinician))
        at = dt.datetime(2026, 3, 2, 8, 15, tzinfo=dt.UTC)
        episode_writer.log_episode(
            s, me, EpisodeRecord(started_at=at, intensity=4, areas=("nose",), side="left")
        )
        save_day(s, me, DayRecord(date=at.date(), stress=3))
        clip = videos.create(s, me, "face.mp4", None, attach=False)
        videos.finish(s, clip.id, _clip_result(), [_jpeg(), _jpeg()])
        letter = clinician_scores.build_score("Hemifacial spasm grade", "Grade II", "2026-03-01", "Dr Okafor")
        clinician_scores.record_score(s, me, letter)
        clinic = clinician_scores.build_score(
            "Jankovic Rating Scale (blepharospasm)", "3", "2026-03-05", source="clinic"
        )
        clinician_scores.record_score(s, me, clinic, entered_by_account=account_id)
    with store.read() as s:
        bundle = json.loads(export_fhir(s, me))  # validated before it is written
    store.close()
    Bundle.model_validate(bundle)  # and it parses with the same library
    urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    assert all("_entered_by" not in e for e in bundle["entry"])

    clinic_obs = [o for o in resources_of(bundle, "Observation") if o["code"]["text"].startswith("Jankovic")]
    (clinic_score,) = clinic_obs
    assert _labels(clinic_score) == {CLINRPT}  # a clinician entered it: not patient-reported
    assert clinic_score["valueString"] == "3"
    (practitioner,) = resources_of(bundle, "Practitioner")
    assert practitioner["name"] == [{"text": "drokafor"}]
    assert urls[clinic_score["performer"][0]["reference"]] is practitioner

    reported = [
        (url, r)
        for url, r in urls.items()
        if r["resourceType"] not in ("Provenance", "Practitioner", "BodyStructure") and r is not clinic_score
    ]
    kinds = {r["resourceType"] for _, r in reported}
    assert {"Patient", "Observation", "Media"} <= kinds
    for url, r in reported:
        assert PATRPT in _labels(r), f"{r['resourceType']} {url} has no PATRPT label"
    provenances = resources_of(bundle, "Provenance")
    assert len(provenances) == 2
    by_agent = {p["agent"][0]["who"]["reference"]: p for p in provenances}
    patient_url = next(u for u, r in urls.items() if r["resourceType"] == "Patient")
    mine = {t["reference"] for t in by_agent[patient_url]["target"]}
    assert mine == {url for url, _ in reported}  # every patient-reported resource, and only those
    theirs = {t["reference"] for t in by_agent[clinic_score["performer"][0]["reference"]]["target"]}
    assert theirs == {next(u for u, r in urls.items() if r is clinic_score)}
    for p in provenances:
        assert all(t["reference"] in urls for t in p["target"])  # targets resolve inside the Bundle
        assert p["agent"][0]["type"]["coding"][0]["code"] == terminology()["provenance"]["author"]["code"]

    (letter_obs,) = [
        o for o in resources_of(bundle, "Observation") if o["code"]["text"] == "Hemifacial spasm grade"
    ]
    assert letter_obs["valueString"] == "Grade II"
    assert letter_obs["performer"] == [{"display": "Dr Okafor"}]
    assert "letter" in letter_obs["method"]["text"]

    (measured,) = [o for o in resources_of(bundle, "Observation") if "video clip" in o["code"]["text"]]
    assert measured["valueQuantity"] == {
        "value": 4.0,
        "unit": "/min",
        "system": "http://unitsofmeasure.org",
        "code": "/min",
    }
    parts = {c["code"]["text"]: c for c in measured["component"]}
    assert parts["Twitches per minute, nose, left side"]["valueQuantity"]["value"] == 2.0
    assert parts["Twitches per minute, eyelid, right side"]["valueQuantity"]["value"] == 2.0
    assert parts["Share of the clip the right eye was shut"]["valueQuantity"]["value"] == 10.0
    assert parts["Incomplete blinks"]["valueInteger"] == 1
    stills = [urls[link["reference"]] for link in measured["derivedFrom"]]
    assert len(stills) == 2
    for media in stills:
        assert media["resourceType"] == "Media"
        assert media["content"]["contentType"] == "image/jpeg"
        assert base64.b64decode(media["content"]["data"])[:2] == b"\xff\xd8"  # a JPEG
