"""`nasalis video analyze` and `nasalis worker`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from nasalis.commands.common import DbOption, command_group, fail, store_for
from nasalis.wording import number, plural

app = command_group("Measure twitches from a video clip.")


@app.command("analyze")
def analyze_command(
    clip: Annotated[Path, typer.Argument(help="The clip: MP4, MOV or WebM from a phone or webcam.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON.")] = False,
    attach: Annotated[
        bool,
        typer.Option("--attach", help="Add the twitches to the diary (source=video; undo removes them)."),
    ] = False,
    mirrored: Annotated[
        bool, typer.Option("--mirrored", help="The clip was recorded mirrored (some front cameras do).")
    ] = False,
    recorded_at: Annotated[
        str | None,
        typer.Option(
            "--recorded-at",
            help="When the clip began, e.g. 2026-03-02T08:15:00+01:00 (default: the file's time).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Count and measure the twitches in a clip: region, side, time and size of each."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from nasalis.diary.records import FieldError, parse_instant
    from nasalis.terminal.shown import printable
    from nasalis.video.analyze import analyze  # mediapipe loads only for this command
    from nasalis.video.errors import VideoError

    began: dt.datetime | None = None
    if recorded_at is not None:
        try:
            began = parse_instant("--recorded-at", recorded_at)
        except FieldError as exc:
            fail("Nothing was analysed.", [str(exc)])
    store = store_for(db) if attach else None  # a bad --db fails before minutes of work
    with Progress(
        TextColumn("Measuring {task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f} s"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(escape(printable(clip.name)), total=None)  # the column reads markup
        try:
            result = analyze(
                clip, mirrored=mirrored, progress=lambda t, total: bar.update(task, completed=t, total=total)
            )
        except VideoError as exc:
            fail("Nothing was analysed; nothing was added to the diary.", [str(exc)])
    data = result.to_json()
    if store is not None:
        from nasalis.diary import videos

        if began is None:
            began = _file_start(clip, result.duration_s)
        with store.write() as session:
            row = videos.create(session, store.person_id(), clip.name, None, began, mirrored, attach=True)
            added = videos.finish(session, row.id, data, [])
        data["attached_episodes"] = len(added)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    _print(data)


def _file_start(clip: Path, duration_s: float) -> dt.datetime:
    """A phone writes the file when filming stops: its time minus the clip's length."""
    ended = dt.datetime.fromtimestamp(clip.stat().st_mtime).astimezone()
    return ended - dt.timedelta(seconds=duration_s)


def _print(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape

    from nasalis.terminal.shown import printable

    out = Console()
    out.print(
        f"{data['frames']} frames, {data['duration_s']} s at {data['fps']} fps;"
        f" face in view {data['face_found_ratio']:.0%} of the clip."
    )
    events = data["events"]
    out.print(
        f"[bold]{len(events)} twitch(es)[/bold], {data['events_per_minute']} a minute;"
        f" {data['blinks_per_minute']} blinks a minute (not counted as twitches)."
    )
    for e in events:
        where = f"{e['region']} ({e['lid']} lid)" if e.get("lid") else e["region"]
        out.print(
            f"  {e['start_s']:>7.2f}-{e['end_s']:<7.2f} s  {where:<18} {e['side']:<5}"
            f" amplitude {e['amplitude']:.3f}  confidence {e['confidence']:.2f}"
        )
    _print_eyes(out, data)
    for note in data["notes"]:
        out.print(f"[dim]{escape(printable(note))}[/dim]")
    if "attached_episodes" in data:
        out.print(
            f"Added {data['attached_episodes']} twitch(es) to the diary (source: video);"
            " nasalis undo takes them back."
        )


def _print_eyes(out: Any, data: dict[str, Any]) -> None:
    """The eye measures and the eyelid twitches that came with the cheek or mouth, when measured."""
    eyes = data.get("eyes")
    if eyes:
        for side in ("right", "left"):
            e = eyes[side]
            out.print(
                f"{side.capitalize()} eye: shut {e['closed_fraction']:.0%} of the time,"
                f" {plural(e['closures'], 'closure')} longer than a blink"
                f" (longest {number(e['longest_closure_s'])} s)."
            )
        if eyes["blinks"]:
            out.print(
                f"{plural(eyes['blinks'], 'blink')} measured, {eyes['incomplete_blinks']} not closing fully."
            )
    spread: dict[str, Any] = data.get("synkinesis") or {}
    for side in spread.get("flagged_sides", ()):
        s = spread[side]
        twitches = plural(s["eyelid_events"], "eyelid twitch", "eyelid twitches")
        out.print(
            f"{side.capitalize()} side: {s['with_cheek_or_mouth']} of {twitches} came with the cheek or"
            f" mouth within {number(spread['window_s'])} s: a pattern to show a doctor, not a diagnosis."
        )


def worker_command(
    once: Annotated[bool, typer.Option("--once", help="Stop when the queue is empty.")] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=16, help="Clips measured at a time.")] = 1,
    db: DbOption = None,
) -> None:
    """Measure queued video clips (server mode, PostgreSQL): run one per machine or core."""
    from nasalis.diary.store import resolve_url
    from nasalis.video.jobs import run_worker

    url = resolve_url(db)
    if not url.startswith("postgresql"):
        fail(
            "The job queue needs PostgreSQL.",
            ["--db: on a SQLite diary, `nasalis serve` measures clips itself; no worker is needed"],
        )
    store_for(url).close()  # schema up to date, or a clear error
    typer.echo(f"nasalis worker: measuring clips queued in {url.split('@')[-1]}")
    run_worker(url, once=once, concurrency=concurrency)
