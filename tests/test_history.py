"""The history store on a real SQLite file, with real analyses of the rendered sample clips:
save, list, baseline, change since baseline, migration from schema v1, refusal of newer and
damaged files, two processes writing at once, deleting for real."""

from __future__ import annotations

import hashlib
import math
import multiprocessing as mp
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from helpers.media import analysed

from posture_check.analysis.pipeline import analyze
from posture_check.analysis.results import AnalysisOptions
from posture_check.history import (
    SDC,
    HistoryError,
    HistoryStore,
    changes_between,
    load_progress,
    recording_sha256,
    save_result,
)
from posture_check.history.schema import LATEST, MIGRATIONS
from posture_check.history.since import since_baseline

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
TURNED = SAMPLES / "foot_turnout_right30_left5_front.mp4"
NEUTRAL = SAMPLES / "standing_neutral_front.mp4"


# analyses shared with the analysis/report tests: one run per clip and options per session
@pytest.fixture(scope="module")
def turned(model_path):
    return analysed(TURNED.stem)


@pytest.fixture(scope="module")
def neutral(model_path):
    return analysed(NEUTRAL.stem)


@pytest.fixture(scope="module")
def stretch(model_path):
    return analysed("hamstring_too_short_side", stretch="standing_hamstring")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_save_list_show_round_trip(tmp_path, turned, stretch):
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        assert store.schema_version == LATEST
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        a = store.save_result(turned, "anna", note="morning", pain_score=6,
                              recorded_utc="2026-01-01T08:00:00Z")
        b = store.save_result(stretch, "anna", keep_landmarks=True,
                              recorded_utc="2026-01-02T08:00:00Z")
        c = store.save_result(turned, "ben", recorded_utc="2026-01-03T08:00:00Z")
        assert store.profiles() == ["anna", "ben"]
        rows = store.sessions("anna")
        assert [r.id for r in rows] == [a, b]
        assert [r.id for r in store.sessions()] == [a, b, c]
        first = store.session(a)
    assert first["source_name"] == TURNED.name and first["source_kind"] == "file"
    assert first["source_sha256"] == recording_sha256(TURNED)
    assert first["view"] == turned.main_view == "front"
    assert first["pain_score"] == 6 and first["note"] == "morning"
    summary = turned.measures.summary()
    for m, s in summary.items():
        stored = first["measures"][m]
        if np.isfinite(s.median):
            assert stored["median"] == pytest.approx(s.median)
            assert stored["p10"] == pytest.approx(s.p10)
            assert stored["ci90_lo"] is not None and stored["interval_kind"] in ("ci90",
                                                                                 "p10_p90")
        else:
            assert stored["median"] is None
    assert {f["measure"]: f["severity"] for f in first["findings"]} == \
        {f.measure: f.severity for f in turned.findings}
    assert first["landmarks_frames"] is None  # landmarks only when asked
    with HistoryStore(db) as store:  # reopened: everything is still there
        second = store.session(b)
        lm = store.landmarks(b)
        assert store.landmarks(a) is None
    reps = second["stretch_repetitions"]
    assert second["stretch"] == "standing_hamstring"
    assert second["stretch_verdict"] == stretch.stretch.verdict
    assert [r["verdict"] for r in reps] == [r.verdict for r in stretch.stretch.repetitions]
    assert reps[0]["hold_s"] == pytest.approx(stretch.stretch.repetitions[0].hold_s)
    assert lm["image"].shape == stretch.series.image.shape
    np.testing.assert_allclose(lm["world"], stretch.series.world, atol=1e-5)


def test_a_live_camera_session_is_saved_as_live(tmp_path, turned):
    from dataclasses import replace

    from posture_check.analysis.pipeline import analyze_series

    # what the live check's End session hands over: the camera's series, analysed
    series = replace(turned.series, source="live camera",
                     meta={**turned.series.meta, "running_mode": "live"})
    live = analyze_series(series)
    sid = save_result(live, "anna", db=tmp_path / "h.sqlite3")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        row = store.session(sid)
    assert (row["source_kind"], row["source_name"], row["source_sha256"]) == ("live", "live",
                                                                              None)
    assert row["measures"]["foot_turnout_right"]["median"] > 20


def test_bad_values_are_refused_and_nothing_is_written(tmp_path, turned):
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        with pytest.raises(HistoryError, match="pain score"):
            store.save_result(turned, "anna", pain_score=11)
        with pytest.raises(HistoryError, match="profile name"):
            store.save_result(turned, "   ")
        assert store.sessions() == []
        with pytest.raises(HistoryError, match="no saved session"):
            store.set_baseline(99)


def test_baseline_is_the_first_session_unless_set(tmp_path, turned, neutral):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert store.baseline_id("anna") is None and store.baseline_summary("anna") == {}
        a = store.save_result(turned, "anna", recorded_utc="2026-01-01T08:00:00Z")
        b = store.save_result(neutral, "anna", recorded_utc="2026-01-08T08:00:00Z")
        assert store.baseline_id("anna") == a
        assert [r.is_baseline for r in store.sessions("anna")] == [True, False]
        store.set_baseline(b)
        assert store.baseline_id("anna") == b
        base = store.baseline_summary("anna")
        assert base["foot_turnout_right"] == pytest.approx(
            neutral.measures.summary()["foot_turnout_right"].median)
        store.delete_session(b)  # the baseline goes: the first remaining session takes over
        assert store.baseline_id("anna") == a


def test_change_since_baseline_counts_only_beyond_the_sdc(tmp_path, turned, neutral):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.save_result(turned, "anna", recorded_utc="2026-01-01T08:00:00Z", pain_score=7)
        b = store.save_result(neutral, "anna", recorded_utc="2026-01-08T08:00:00Z",
                              pain_score=4)
        progress = load_progress(store, "anna")
        # a new analysis against the stored baseline: findings carry the change
        again = analyze(NEUTRAL, AnalysisOptions(baseline=store.baseline_summary("anna")))
        since = since_baseline(store, "anna", again)
    changes = {c.measure: c for c in progress.changes(b)}
    right = changes["foot_turnout_right"]
    truth_turned = turned.measures.summary()["foot_turnout_right"].median
    truth_neutral = neutral.measures.summary()["foot_turnout_right"].median
    assert right.change == pytest.approx(truth_neutral - truth_turned)
    assert right.change < -SDC["foot_turnout_right"]  # 30 deg turn-out gone: far beyond SDC
    assert right.detectable and right.verdict == "closer to typical"
    assert not changes["lateral_lean"].detectable  # both clips stand straight
    assert changes["lateral_lean"].verdict == "no detectable change"
    np.testing.assert_array_equal(progress.pain_scores, [7, 4])
    assert progress.trends["foot_turnout_right"].median.shape == (2,)
    finding = next(f for f in again.findings if f.measure == "foot_turnout_right")
    assert finding.change_since_baseline == pytest.approx(truth_neutral - truth_turned, abs=1e-6)
    assert since is not None and not since.is_baseline
    assert {c.measure: c.detectable for c in since.changes}["foot_turnout_right"]
    # the reports' "Since your baseline" section, with its small trend plot
    from posture_check.report import html_text, pdf_bytes

    page = html_text(again, since)
    assert "<h2>Since your baseline</h2>" in page and "closer to typical" in page
    assert "trend since the baseline" in page
    assert "Since your baseline" not in html_text(again)
    assert len(pdf_bytes(again, since)) > len(pdf_bytes(again)) + 5_000  # section + plot


def test_sdc_threshold_on_synthetic_values():
    sdc = SDC["lateral_lean"]
    below, above = changes_between({"lateral_lean": 2.0, "pelvic_tilt": 10.0},
                                   {"lateral_lean": 2.0 + 0.9 * sdc,
                                    "pelvic_tilt": 10.0 + 1.1 * SDC["pelvic_tilt"]})
    assert not below.detectable and below.verdict == "no detectable change"
    assert above.detectable and above.verdict == "increased"
    (gone,) = changes_between({"lateral_lean": 4.0}, {"lateral_lean": math.nan})
    assert not gone.detectable and gone.verdict == "not measured"
    (better,) = changes_between({"lateral_lean": -4.0}, {"lateral_lean": -4.0 + 1.1 * sdc})
    assert better.detectable and better.verdict == "closer to typical"


def _write_v1_file(path: Path) -> None:
    """A database exactly as the first schema version wrote it, with one session."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_utc TEXT "
                 "NOT NULL, description TEXT NOT NULL)")
    for statement in MIGRATIONS[1][1].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT INTO schema_migrations VALUES (1, '2026-06-01T00:00:00Z', 'v1')")
    conn.execute("INSERT INTO profiles (id, name, created_utc) VALUES (1, 'old', "
                 "'2026-06-01T00:00:00Z')")
    conn.execute("INSERT INTO sessions (id, profile_id, recorded_utc, source_kind, source_name, "
                 "view, n_frames, duration_s, note) VALUES (1, 1, '2026-06-01T09:00:00Z', "
                 "'file', 'june.mp4', 'front', 300, 10.0, 'v1 note')")
    conn.execute("INSERT INTO measures VALUES (1, 'lateral_lean', 'deg', -3.0, -4.0, -2.0, "
                 "1.0, 300)")
    conn.execute("COMMIT")
    conn.close()


def test_migration_from_schema_v1(tmp_path, neutral):
    db = tmp_path / "v1.sqlite3"
    _write_v1_file(db)
    with HistoryStore(db) as store:
        assert store.schema_version == 2
        versions = [r[0] for r in store.conn.execute(
            "SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == [1, 2]
        old = store.session(1)
        assert old["note"] == "v1 note" and old["pain_score"] is None
        lean = old["measures"]["lateral_lean"]
        # v1 had no interval: the migration filled it with p10/p90 and says so
        assert (lean["ci90_lo"], lean["ci90_hi"], lean["interval_kind"]) == (-4.0, -2.0,
                                                                             "p10_p90")
        new = store.save_result(neutral, "old", pain_score=2)
        assert store.baseline_id("old") == 1
        change = {c.measure: c for c in load_progress(store, "old").changes(new)}
        assert change["lateral_lean"].baseline == -3.0
    with HistoryStore(db) as store:  # opening again migrates nothing twice
        assert store.schema_version == 2


def _writer(db: str, profile: str, n: int, result, start) -> None:
    start.wait()
    with HistoryStore(db) as store:
        for k in range(n):
            store.save_result(result, profile, note=f"{profile}-{k}")


def test_two_processes_writing_at_once(tmp_path, turned):
    db = tmp_path / "h.sqlite3"
    HistoryStore(db).close()
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    n = 25
    procs = [ctx.Process(target=_writer, args=(str(db), name, n, turned, start))
             for name in ("app", "cli")]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=240)
    assert [p.exitcode for p in procs] == [0, 0]
    with HistoryStore(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for name in ("app", "cli"):
            rows = store.sessions(name)
            assert sorted(r.note for r in rows) == sorted(f"{name}-{k}" for k in range(n))
        per_session = store.conn.execute(
            "SELECT COUNT(*) FROM measures GROUP BY session_id").fetchall()
        assert len(per_session) == 2 * n
        assert {c for (c,) in per_session} == {len(turned.measures.summary())}


def _file_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_delete_everything_leaves_no_trace_in_the_file(tmp_path, turned, stretch):
    db = tmp_path / "h.sqlite3"
    secret_note = "Zanzibar-knee-note-7781"
    secret_profile = "Quetzalcoatl household"
    with HistoryStore(db) as store:
        for _ in range(3):
            store.save_result(turned, secret_profile, note=secret_note, keep_landmarks=True)
        store.save_result(stretch, "other", note="kept-for-now-4411")
    assert secret_note.encode() in _file_bytes(db)  # the check below can fail
    with HistoryStore(db) as store:
        one = store.sessions("other")[0].id
        store.delete_session(one)
    assert b"kept-for-now-4411" not in _file_bytes(db)  # one session: gone for real too
    assert secret_note.encode() in _file_bytes(db)
    with HistoryStore(db) as store:
        assert store.delete_everything() == 3
        assert store.sessions() == [] and store.profiles() == []
    data = _file_bytes(db)
    for s in (secret_note, secret_profile, TURNED.name, "standing_hamstring"):
        assert s.encode() not in data, s
    with HistoryStore(db) as store:  # still a working, empty history
        store.save_result(turned, "anna")
        assert len(store.sessions()) == 1


def test_delete_a_profile_keeps_the_others(tmp_path, turned):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.save_result(turned, "anna", note="anna's")
        store.save_result(turned, "anna")
        kept = store.save_result(turned, "ben", note="ben's")
        assert store.delete_profile("anna") == 2
        assert store.profiles() == ["ben"]
        assert [s.id for s in store.sessions()] == [kept]
        with pytest.raises(HistoryError, match="no profile"):
            store.delete_profile("anna")
    assert b"anna's" not in _file_bytes(tmp_path / "h.sqlite3")


def test_a_measure_missing_from_the_baseline_takes_the_first_later_session(tmp_path, turned,
                                                                          model_path):
    side = analyze(SAMPLES / "anterior_tilt_side.mp4")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.save_result(turned, "anna", recorded_utc="2026-01-01T08:00:00Z")  # front view
        store.save_result(side, "anna", recorded_utc="2026-01-02T08:00:00Z")  # side view
        base = store.baseline_summary("anna")
        progress = load_progress(store, "anna")
    assert base["lateral_lean"] == pytest.approx(turned.measures.summary()["lateral_lean"]
                                                 .median)
    # trunk flexion is a side-view measure: its baseline is the side session
    assert base["trunk_flexion"] == pytest.approx(side.measures.summary()["trunk_flexion"]
                                                  .median)
    assert progress.baseline_index("lateral_lean") == 0
    # a side view hides the far leg: the pelvic-tilt proxy comes from the near (right) one
    side_summary = side.measures.summary()
    assert side_summary["pelvic_tilt"].valid_fraction > 0.9
    assert side_summary["pelvic_tilt"].median == pytest.approx(
        side_summary["hip_flexion_right"].median, abs=0.01)
    assert base["pelvic_tilt"] == pytest.approx(side_summary["pelvic_tilt"].median)


def test_progress_baseline_index_on_synthetic_trends():
    from posture_check.history import MeasureTrend, Progress, SessionRow

    def row(i: int) -> SessionRow:
        return SessionRow(i, "x", f"2026-01-0{i}T08:00:00Z", "file", f"{i}.mp4", None, "front",
                          100, 10.0, None, None, "", None, None)

    nan = math.nan
    tilt = np.array([nan, 4.0, 9.0])
    lean = np.array([2.0, 1.9, -1.0])
    trends = {m: MeasureTrend(m, "deg", v, v - 1, v + 1, "p10_p90")
              for m, v in (("pelvic_tilt", tilt), ("lateral_lean", lean))}
    p = Progress("x", [row(1), row(2), row(3)], 1, trends)
    assert p.baseline_index("pelvic_tilt") == 1 and p.baseline_index("lateral_lean") == 0
    changes = {c.measure: c for c in p.changes()}
    assert changes["pelvic_tilt"].change == pytest.approx(5.0)
    assert changes["pelvic_tilt"].verdict == "increased"
    assert changes["lateral_lean"].change == pytest.approx(-3.0)
    assert changes["lateral_lean"].verdict == "closer to typical"  # |-1| < |2|
    p3 = Progress("x", p.sessions, 3, trends)  # the last session as the baseline
    assert {c.measure: c.change for c in p3.changes()} == {"pelvic_tilt": 0.0,
                                                           "lateral_lean": 0.0}


def test_a_writer_waits_then_gives_a_clear_error_and_writes_nothing(tmp_path, turned):
    db = tmp_path / "h.sqlite3"
    HistoryStore(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with (HistoryStore(db, busy_timeout_s=0.3) as store,
              pytest.raises(HistoryError, match=r"cannot write .* locked")):
            store.save_result(turned, "anna")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with HistoryStore(db) as store:
        assert store.sessions() == []
        store.save_result(turned, "anna")  # once the lock is gone, the write goes through
        assert len(store.sessions()) == 1
