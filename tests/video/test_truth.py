"""The truth file: the generator's files read as they are, and what annotate saves reads back the same."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest
from tools.twitchclips import LIDS, REGIONS, SHAPES, ClipSpec, Twitch, render
from tools.twitchclips.cliprender import TRUTH_SCHEMA

from nasalis.video.truth import (
    SCHEMA,
    TRUTH_REGIONS,
    Lid,
    Shape,
    TruthError,
    backup_path,
    parse_truth,
    read_truth,
    render_truth,
    save_truth,
)


def test_the_vocabulary_is_the_generators() -> None:
    assert TRUTH_REGIONS == REGIONS
    assert typing.get_args(Lid) == LIDS
    assert typing.get_args(Shape) == SHAPES
    assert SCHEMA == TRUTH_SCHEMA


def test_a_generated_truth_file_reads_and_saves_back_unchanged(tmp_path: Path) -> None:
    spec = ClipSpec(
        seconds=1,
        size=(320, 180),
        twitches=[
            Twitch("eyelid", "left", 0.2, 0.2, 0.05, lid="lower"),
            Twitch("nose", "both", 0.6, 0.2, 0.04),
        ],
        seed=2,
    )
    generated = json.loads(json.dumps(render(spec, tmp_path / "c.avi")))  # as the file holds it
    (tmp_path / "c.json").write_text(json.dumps(generated))
    truth = read_truth(tmp_path / "c.json")
    assert truth.twitches[0].lid == "lower"
    assert truth.twitches[1].lid is None
    again = json.loads(render_truth(truth))
    assert again == generated  # every key kept, the generator's own settings too


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"fps": 0}, "fps"),
        ({"twitches": [{"region": "ear", "side": "left", "onset_s": 1}]}, "twitches.0"),
        ({"twitches": [{"region": "nose", "side": "up", "onset_s": 1}]}, "twitches.0.side"),
        ({"twitches": [{"region": "nose", "side": "left", "onset_s": 1, "lid": "upper"}]}, "twitches.0"),
        ({"twitches": [{"region": "nose", "side": "left", "onset_s": -1}]}, "twitches.0.onset_s"),
    ],
)
def test_a_wrong_field_is_named(change: dict[str, object], named: str) -> None:
    with pytest.raises(TruthError, match=f"truth: {named}"):
        parse_truth({"clip": "c.mp4", "fps": 30, "seconds": 2, **change}, "truth")


def test_not_json_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "c.json"
    bad.write_text("{nope")
    with pytest.raises(TruthError, match=r"c\.json: not JSON"):
        read_truth(bad)


def test_a_replaced_file_is_kept_as_bak(tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    first = parse_truth({"clip": "c.mp4", "fps": 30, "seconds": 2}, "truth")
    save_truth(out, first, backup=True)
    assert not backup_path(out).exists()  # nothing was there to keep
    old = out.read_text()
    second = parse_truth(
        {
            "clip": "c.mp4",
            "fps": 30,
            "seconds": 2,
            "twitches": [{"region": "cheek", "side": "right", "onset_s": 1}],
        },
        "truth",
    )
    save_truth(out, second, backup=True)
    assert backup_path(out).read_text() == old
    assert read_truth(out).twitches[0].region == "cheek"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_generated_and_annotated_truth_files_match_the_published_schema(tmp_path: Path) -> None:
    import jsonschema_rs
    from tools.json_schemas import FOLDER

    validator = jsonschema_rs.validator_for(json.loads((FOLDER / "truth.json").read_text("utf-8")))
    spec = ClipSpec(seconds=1, size=(320, 180), twitches=[Twitch("eyelid", "right", 0.3, 0.2, 0.05)], seed=3)
    generated = json.loads(json.dumps(render(spec, tmp_path / "c.avi")))
    assert validator.is_valid(generated)
    marked = {"clip": "c.avi", "fps": 30, "seconds": 1, "blinks": [0.5]}
    marked["twitches"] = [{"region": "eyelid", "side": "left", "onset_s": 0.3, "lid": "lower"}]
    annotated = json.loads(render_truth(parse_truth(marked, "truth")))
    assert annotated["twitches"][0]["amplitude"] is None
    assert validator.is_valid(annotated)
    annotated["twitches"][0]["region"] = "ear"
    assert not validator.is_valid(annotated)
