"""`nasalis video analyze` as a person runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.runner import nasalis_process
from tests.video.conftest import clips  # noqa: F401  (the session's generated clips)


def test_json_follows_the_contract_and_attach_adds_undoable_episodes(
    tmp_path: Path,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    done = nasalis_process(
        "video",
        "analyze",
        str(clips["twitches.mp4"]),
        "--json",
        "--attach",
        "--recorded-at",
        "2026-03-02T08:15:00+01:00",
        "--db",
        url,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data)[:9] == [
        "schema",
        "fps",
        "duration_s",
        "frames",
        "face_found_ratio",
        "events",
        "events_per_minute",
        "by_region",
        "blinks_per_minute",
    ]
    assert data["attached_episodes"] == len(data["events"]) == 3
    export = tmp_path / "d.json"
    assert nasalis_process("export", "--format", "json", "--out", str(export), "--db", url).returncode == 0
    episodes = json.loads(export.read_text())["episodes"]
    assert {e["source"] for e in episodes} == {"video"}
    assert sorted(e["areas"][0] for e in episodes) == ["eyelid", "mouth", "nose"]
    report = tmp_path / "r.html"
    assert nasalis_process("report", "--out", str(report), "--db", url).returncode == 0
    html = report.read_text()
    assert "Video measures" in html
    assert f'<td class="num">{data["events_per_minute"]}</td>' in html  # the clip's rate, on page 1
    assert nasalis_process("undo", "--db", url).returncode == 0
    assert nasalis_process("export", "--format", "json", "--out", str(export), "--db", url).returncode == 0
    assert json.loads(export.read_text())["episodes"] == []


def test_the_text_view_names_the_lid_and_the_eye_measures(
    clips: dict[str, Path],  # noqa: F811
) -> None:
    done = nasalis_process("video", "analyze", str(clips["twitches.mp4"]))
    assert done.returncode == 0, done.stderr
    assert re.search(r"eyelid \((upper|lower) lid\)", done.stdout), done.stdout
    assert re.search(r"Right eye: shut \d+% of the time", done.stdout), done.stdout
    assert re.search(r"Left eye: shut \d+% of the time", done.stdout), done.stdout


def test_a_file_that_is_not_a_video_exits_2_and_adds_nothing(
    tmp_path: Path,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    for name in ("not-a-video.mp4", "empty.mp4", "no-face.mp4"):
        done = nasalis_process("video", "analyze", str(clips[name]), "--attach", "--db", url)
        assert done.returncode == 2, (name, done.stderr)
        assert "Nothing was analysed" in done.stderr
    assert nasalis_process("video", "analyze", str(tmp_path / "missing.mp4")).returncode == 2
    bad_time = nasalis_process("video", "analyze", str(clips["still.webm"]), "--recorded-at", "noon")
    assert bad_time.returncode == 2
    assert "--recorded-at" in bad_time.stderr
    export = tmp_path / "d.json"
    assert nasalis_process("export", "--format", "json", "--out", str(export), "--db", url).returncode == 0
    assert json.loads(export.read_text())["episodes"] == []
