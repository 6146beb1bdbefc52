"""The report's video section tells the eye measures and eyelid twitches with the cheek or mouth."""

from __future__ import annotations

import re
from pathlib import Path

from nasalis.diary import videos
from nasalis.diary.store import open_store
from nasalis.report.data import gather
from nasalis.report.render import to_html
from nasalis.video.analyze import VideoResult
from nasalis.video.events import Event
from nasalis.video.eyeclosure import BLINK_MAX_S, SHUT_BELOW, EyeClosure, EyeMeasures
from nasalis.video.synkinesis import find_synkinesis


def _result(with_eyes: bool) -> dict[str, object]:
    events = [Event(t, t + 0.3, "right", "eyelid", 0.03, 0.9) for t in (1.0, 3.0, 5.0)]
    events += [Event(t + 0.1, t + 0.4, "right", "cheek", 0.03, 0.9) for t in (1.0, 3.0)]
    eyes = EyeMeasures(
        shut_below=SHUT_BELOW,
        blink_max_s=BLINK_MAX_S,
        right=EyeClosure(0.231, 2, 12.0, 2.07),
        left=EyeClosure(0.04, 0, 0.0, 0.0),
        blinks=5,
        incomplete_blinks=2,
        incomplete_blink_share=0.4,
    )
    result = VideoResult(30.0, 10.0, 300, 1.0, sorted(events, key=lambda e: e.start_s), 12.0, ["A note."])
    if with_eyes:
        result.eyes, result.synkinesis = eyes, find_synkinesis(result.events)
    return result.to_json()


def _report(tmp_path: Path, with_eyes: bool) -> str:
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    person = store.person_id()
    with store.write() as session:
        clip = videos.create(session, person, "face.mp4", None, attach=False)
        videos.finish(session, clip.id, _result(with_eyes), [])
    with store.read() as session:
        return " ".join(re.sub(r"<[^>]+>", " ", to_html(gather(session, person))).split())


def test_the_report_gives_each_eyes_closures_incomplete_blinks_and_the_flagged_side(tmp_path: Path) -> None:
    text = _report(tmp_path, with_eyes=True)
    assert "23% / 4%" in text  # the share of the clip each eye was shut
    assert "2 / 0, longest 2.07 s" in text
    assert "2 of 5" in text  # incomplete blinks
    assert "right 2 of 3 (flagged as a pattern)" in text
    assert "3 or more eyelid twitches, 50% or more of them" in text  # the result's own criteria
    assert "(0.6 s)" in text
    assert "National Institute of Neurological Disorders and Stroke (NINDS) — Hemifacial Spasm" in text
    assert "not a diagnosis" in text


def test_a_clip_measured_before_the_eye_measures_shows_no_eye_table(tmp_path: Path) -> None:
    text = _report(tmp_path, with_eyes=False)
    assert "Blinks / min" in text
    assert "Eye shut, right / left" not in text
