"""`nasalis insights` on a real diary file built from a simulated diary with a known trigger."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bench.support.simulator import Effect, simulate

from nasalis.diary.json_writer import write_bundle
from nasalis.diary.records import EpisodeRecord
from tests.cli.runner import nasalis_process


def test_insights_json_finds_the_trigger_and_rich_view_runs(tmp_path: Path) -> None:
    diary = simulate(120, [Effect("alcohol_drinks", 1.5)], seed=11)
    zone = dt.timezone(dt.timedelta(hours=2))
    per_day: dict[dt.date, int] = {}
    episodes = []
    for date in diary.episode_dates:
        k = per_day[date] = per_day.get(date, 0) + 1
        episodes.append(EpisodeRecord(started_at=dt.datetime.combine(date, dt.time(9, k), zone)))
    write_bundle(tmp_path / "d.json", episodes, diary.days)
    db = f"sqlite:///{tmp_path / 'd.db'}"
    assert nasalis_process("import", str(tmp_path / "d.json"), "--db", db).returncode == 0
    done = nasalis_process("insights", "--json", "--db", db)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["schema"] == "nasalis.insights/1"
    assert (result["days_analysed"], result["episodes_analysed"]) == (120, len(diary.episode_dates))
    verdict = {(f["factor"], f["lag_days"]): f["verdict"] for f in result["factors"]}
    assert verdict[("alcohol_drinks", 0)] == "likely_trigger"
    assert result["time_of_day"]["peak_hour"] == 9
    since = json.loads(nasalis_process("insights", "--json", "--since", "2026-03-01", "--db", db).stdout)
    assert since["days_analysed"] == 120 - 59
    view = nasalis_process("insights", "--db", db).stdout
    first = view.splitlines()[1]  # plain sentences first, the statistics after
    assert first.startswith("• On days with one more alcoholic drink you had about 1.")
    assert view.index("as many twitches") < view.index("The statistics")
    assert "Likely trigger" in view
    assert "alcohol" in view
    for internal in ("likely_trigger", "alcohol_drinks", "sleep_hours", "tag:", "1 twitches", "1 days"):
        assert internal not in view, internal
    assert nasalis_process("insights", "--since", "March", "--db", db).returncode == 2
