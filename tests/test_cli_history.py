"""``posture-check analyze --save/--profile`` and ``posture-check history`` run from the shell
(subprocess), on a real SQLite file, with the real model on the rendered sample clips."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
TURNED = SAMPLES / "foot_turnout_right30_left5_front.mp4"
NEUTRAL = SAMPLES / "standing_neutral_front.mp4"


def pc(*args: str, cwd: Path, env_db: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "POSTURE_CHECK_DB"}
    if env_db is not None:
        env["POSTURE_CHECK_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "posture_check", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=600)


def _error_line(proc: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("posture-check: error:")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_analyze_save_then_history_list_show_baseline_export_delete(tmp_path, model_path):
    db = tmp_path / "h.sqlite3"
    first = pc("analyze", TURNED, "--save", "--profile", "anna", "--pain-score", "6", "--note",
               "week one", "--html", "--out", tmp_path / "r1", "--db", db, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "saved as session #1 of profile 'anna'" in first.stdout
    assert "(your baseline)" in first.stdout
    assert "This recording is your baseline" in (tmp_path / "r1" / f"{TURNED.stem}.html") \
        .read_text()
    # the environment variable is the other way to choose the file
    second = pc("analyze", NEUTRAL, "--save", "--profile", "anna", "--html", "--pdf", "--out",
                tmp_path / "r2", cwd=tmp_path, env_db=db)
    assert second.returncode == 0, second.stderr
    assert "saved as session #2" in second.stdout
    assert "since your baseline: foot_turnout_right" in second.stdout
    html = (tmp_path / "r2" / f"{NEUTRAL.stem}.html").read_text()
    assert "<h2>Since your baseline</h2>" in html and "closer to typical" in html
    assert "trend since the baseline" in html  # the small trend plot
    assert (tmp_path / "r2" / f"{NEUTRAL.stem}.pdf").stat().st_size > 10_000

    listed = pc("history", "list", "--db", db, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [ln for ln in listed.stdout.splitlines() if ln.strip()[:1].isdigit()]
    assert len(rows) == 2 and rows[0].split()[0] == "1*" and TURNED.name in rows[0]
    assert NEUTRAL.name in rows[1] and " 6 " in rows[0]

    shown = pc("history", "show", "2", "--db", db, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "foot_turnout_right" in shown.stdout and "closer to typical" in shown.stdout
    assert "no detectable change" in shown.stdout
    as_json = json.loads(pc("history", "show", "1", "--json", "--db", db, cwd=tmp_path).stdout)
    assert as_json["note"] == "week one" and as_json["pain_score"] == 6
    assert as_json["source_sha256"] and as_json["measures"]["foot_turnout_right"]["median"] > 20

    assert pc("history", "set-baseline", "2", "--db", db, cwd=tmp_path).returncode == 0
    rows = [ln for ln in pc("history", "list", "--db", db, cwd=tmp_path).stdout.splitlines()
            if ln.strip()[:1].isdigit()]
    assert rows[1].split()[0] == "2*" and rows[0].split()[0] == "1"

    out = tmp_path / "all.json"
    assert pc("history", "export", "-o", out, "--db", db, cwd=tmp_path).returncode == 0
    exported = json.loads(out.read_text())
    assert [s["source_name"] for s in exported["sessions"]] == [TURNED.name, NEUTRAL.name]
    csv_text = pc("history", "export", "--format", "csv", "--db", db, cwd=tmp_path).stdout
    assert csv_text.startswith("session_id,profile,") and csv_text.count("\n") == 1 + 2 * 14

    assert pc("history", "delete", "1", "--db", db, cwd=tmp_path).returncode == 0
    refused = pc("history", "delete", "--all", "--db", db, cwd=tmp_path)
    assert refused.returncode == 2 and "--yes" in _error_line(refused)
    gone = pc("history", "delete", "--all", "--yes", "--db", db, cwd=tmp_path)
    assert gone.returncode == 0 and "Deleted all 1 session(s)" in gone.stdout
    assert "No saved sessions" in pc("history", "list", "--db", db, cwd=tmp_path).stdout
    data = b"".join(p.read_bytes() for p in tmp_path.glob("h.sqlite3*"))
    assert b"week one" not in data and NEUTRAL.name.encode() not in data


def test_damaged_or_newer_database_is_one_line_error_and_untouched(tmp_path, model_path):
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database at all\n" * 100)
    before = damaged.read_bytes()
    for args in (("history", "list", "--db", damaged),
                 ("analyze", TURNED, "--save", "--db", damaged, "--out", tmp_path / "r")):
        proc = pc(*args, cwd=tmp_path)
        assert proc.returncode == 2
        assert "damaged or not a posture-check history" in _error_line(proc)
    assert damaged.read_bytes() == before
    assert not (tmp_path / "r").exists()  # refused before the analysis: nothing written

    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(newer)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_utc TEXT "
                 "NOT NULL, description TEXT NOT NULL)")
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'x', 'from the future')")
    conn.commit()
    conn.close()
    proc = pc("history", "list", "--db", newer, cwd=tmp_path)
    assert proc.returncode == 2 and "newer posture-check" in _error_line(proc)


@pytest.mark.parametrize(("args", "message"), [
    (("--save", "--pain-score", "11"), "--pain-score must be 0-10"),
    (("--note", "hello"), "need --save"),
    (("--save", "--profile", "  "), "profile name"),
])
def test_bad_history_options_are_refused_before_the_analysis(tmp_path, args, message):
    proc = pc("analyze", TURNED, *args, "--db", tmp_path / "h.sqlite3", "--out", tmp_path / "r",
              cwd=tmp_path)
    assert proc.returncode == 2 and message in _error_line(proc)
    assert not (tmp_path / "h.sqlite3").exists() and not (tmp_path / "r").exists()


def test_history_without_a_database_creates_nothing(tmp_path):
    db = tmp_path / "none.sqlite3"
    proc = pc("history", "list", "--db", db, cwd=tmp_path)
    assert proc.returncode == 0 and "No saved sessions yet" in proc.stderr
    proc = pc("history", "show", "3", "--db", db, cwd=tmp_path)
    assert proc.returncode == 2 and "no history database" in _error_line(proc)
    assert not db.exists()


def test_bench_history_prints_its_figures(tmp_path, model_path):
    proc = pc("bench", "history", "--sessions", "12", "--repeat", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "sessions stored: 12" in proc.stdout
    assert re.search(r"progress page data .*: best \d+ ms", proc.stdout)
    assert re.search(r"My progress page in the app .*: \d+ ms", proc.stdout)
    assert re.search(r"\d+\.\d+ kB per session", proc.stdout)
