"""History store: time to load the "My progress" page data with 1,000 stored sessions (goal
< 1 s), the trend plot on top, the whole page in the app (AppTest), time per save, and database
size per session.

Sessions are real analyses (a rendered front clip and, every 10th session, a stretch clip with
its repetitions) saved into a fresh temporary database, one day apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sessions", type=int, default=1000, help="sessions to store (1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed loads, best and median")


def _app_page_s(db: Path, n: int) -> tuple[float, float]:
    """Seconds for the app's My progress page: first show, and a rerun."""
    from streamlit.testing.v1 import AppTest

    old = os.environ.get("POSTURE_CHECK_DB")
    os.environ["POSTURE_CHECK_DB"] = str(db)
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        at.session_state["history-profile"] = "bench"
        at.run()
        t0 = time.perf_counter()
        at.sidebar.radio[0].set_value("My progress").run()
        first = time.perf_counter() - t0
        if at.exception or f"{n} session(s)" not in " ".join(h.value for h in at.subheader):
            raise RuntimeError(f"the page did not show the sessions: {at.exception}")
        t0 = time.perf_counter()
        at.run()
        return first, time.perf_counter() - t0
    finally:
        if old is None:
            os.environ.pop("POSTURE_CHECK_DB", None)
        else:
            os.environ["POSTURE_CHECK_DB"] = old


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from posture_check.analysis.pipeline import analyze
    from posture_check.analysis.results import AnalysisOptions
    from posture_check.history import HistoryStore, load_progress
    from posture_check.history.plots import trend_figure
    from posture_check.report.plots import png_bytes

    posture = analyze(REPO / "sample_videos" / "foot_turnout_right30_left5_front.mp4")
    stretch = analyze(REPO / "sample_videos" / "hamstring_good_side.mp4",
                      AnalysisOptions(stretch="standing_hamstring"))
    n = max(args.sessions, 1)
    start = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="posture-check-bench-") as tmp:
        db = Path(tmp) / "history.sqlite3"
        with HistoryStore(db) as store:
            t0 = time.perf_counter()
            for k in range(n):
                when = (start + dt.timedelta(days=k)).strftime("%Y-%m-%dT%H:%M:%SZ")
                store.save_result(stretch if k % 10 == 9 else posture, "bench",
                                  pain_score=k % 11, note=f"session {k}", recorded_utc=when)
            save_ms = (time.perf_counter() - t0) * 1000 / n
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = os.path.getsize(db)
        loads, plots = [], []
        for _ in range(max(args.repeat, 1)):
            t0 = time.perf_counter()
            with HistoryStore(db) as store:  # what the page does on every rerun
                progress = load_progress(store, "bench")
                progress.changes()
            loads.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            png_bytes(trend_figure(progress))
            plots.append(time.perf_counter() - t0)
        first, again = _app_page_s(db, n)
        print(f"sessions stored: {len(progress.sessions)} ({n // 10} with a stretch, "
              f"{len(progress.stretch)} repetitions)")
        print(f"save: {save_ms:.1f} ms per session (one transaction each)")
        print(f"progress page data (open + sessions + trends + change since baseline): "
              f"best {min(loads) * 1000:.0f} ms, median {np.median(loads) * 1000:.0f} ms "
              f"(goal < 1000 ms)")
        print(f"trend plot rendered to PNG: best {min(plots) * 1000:.0f} ms, median "
              f"{np.median(plots) * 1000:.0f} ms")
        print(f"My progress page in the app (AppTest script run): {first * 1000:.0f} ms with the "
              f"trend plot drawn, {again * 1000:.0f} ms on a rerun (plot cached)")
        print(f"database: {size / 1e6:.2f} MB, {size / n / 1024:.2f} kB per session "
              "(no landmarks)")
        from posture_check.history.store import _landmarks_blob

        blob = len(_landmarks_blob(posture.series))
        print(f"landmarks (opt-in): {blob / len(posture.series) * 300 / 1024:.0f} kB more for a "
              "10 s session at 30 fps (compressed float32)")
    return 0
