"""``posture-check batch`` on a real Dask LocalCluster (2 worker processes, the real pose model,
sample clips plus a corrupt file): reports and table rows identical to single-file
``analyze``, the corrupt file listed as failed, a second run skips everything, a worker killed
mid-file is survived; plus the one-line errors and the atomic report folder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from posture_check.cli import main as cli

pytestmark = pytest.mark.usefixtures("model_path")  # runs the real model: slow
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_videos"
CLIPS = ("lean_left8_front", "hip_hike_right5_front")
POSTURE_CHECK = Path(sys.executable).parent / "posture-check"
# bytes that start like an MP4 but hold no video
CORRUPT = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(range(256)) * 40


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("recordings")
    for c in CLIPS:
        shutil.copy(SAMPLES / f"{c}.mp4", d / f"{c}.mp4")
    (d / "corrupt.mp4").write_bytes(CORRUPT)
    (d / "notes.txt").write_text("not a recording")
    return d


@pytest.fixture(scope="module")
def single(folder, tmp_path_factory) -> dict[str, Path]:
    """Each clip through single-file ``posture-check analyze --json --csv``."""
    refs = {}
    for c in CLIPS:
        out = tmp_path_factory.mktemp(f"ref_{c}")
        assert cli.main(["analyze", str(folder / f"{c}.mp4"), "--out", str(out), "--json",
                         "--csv"]) == 0
        refs[c] = out
    return refs


def _comparable(json_path: Path) -> dict:
    """The JSON report without what differs between two runs: creation time and timings."""
    rep = json.loads(json_path.read_text())
    rep.pop("created_utc")
    rep.pop("timings_s")
    return rep


def _assert_same_reports(out: Path, single: dict[str, Path]) -> None:
    for c in CLIPS:
        d = out / f"{c}_report"
        assert sorted(p.name for p in d.iterdir()) == [f"{c}.csv", f"{c}.json"]
        assert _comparable(d / f"{c}.json") == _comparable(single[c] / f"{c}.json")
        assert (d / f"{c}.csv").read_text() == (single[c] / f"{c}.csv").read_text()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no partial folder


def _assert_table(out: Path, single: dict[str, Path]) -> None:
    import csv

    import pyarrow.parquet as pq

    table = pq.read_table(out / "batch_table.parquet").to_pylist()
    with open(out / "batch_table.csv", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert len(csv_rows) == len(table)
    for c in CLIPS:
        rep = json.loads((single[c] / f"{c}.json").read_text())
        rows = {r["measure"]: r for r in table if r["recording"] == f"{c}.mp4"}
        assert set(rows) == set(rep["measures"])
        warnings = ";".join(w["code"] for w in rep["quality_warnings"])
        for name, m in rep["measures"].items():
            r = rows[name]
            assert r["value"] == m["median"] and r["unit"] == m["unit"]
            assert ([r["ci90_lo"], r["ci90_hi"]] if r["ci90_lo"] is not None else None) \
                == m["ci90"]
            assert r["view"] == rep["main_view"] and r["quality_warnings"] == warnings
            assert r["stretch_verdict"] == "" and r["partial"] is False
        c_rows = {r["measure"]: r for r in csv_rows if r["recording"] == f"{c}.mp4"}
        for name, r in rows.items():
            v = c_rows[name]["value"]
            assert (float(v) if v else None) == r["value"]
    assert not [r for r in table if r["recording"] == "corrupt.mp4"]


def test_batch_from_the_shell_matches_analyze_and_resumes(folder, single, tmp_path):
    out = tmp_path / "out"
    cmd = [str(POSTURE_CHECK), "batch", str(folder), "--out", str(out), "--json", "--csv",
           "--workers", "2"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 1, p.stderr  # one recording failed
    assert "2 analysed, 0 skipped (seen before), 1 failed" in p.stdout
    assert f"FAILED {folder / 'corrupt.mp4'}: " in p.stdout
    assert "ETA" in p.stderr and "Traceback" not in p.stderr
    assert not (out / "corrupt_report").exists()
    failed = (out / "batch_failed.csv").read_text()
    assert "corrupt.mp4" in failed and "lean_left8" not in failed
    _assert_same_reports(out, single)
    _assert_table(out, single)
    first = {c: (out / f"{c}_report" / f"{c}.json").stat().st_mtime_ns for c in CLIPS}

    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert "0 analysed, 3 skipped (seen before), 1 failed" in p.stdout
    assert "batch: [" not in p.stderr  # nothing was sent to a cluster
    assert {c: (out / f"{c}_report" / f"{c}.json").stat().st_mtime_ns for c in CLIPS} == first
    _assert_table(out, single)  # the table still holds every recording

    # other settings: what was done before is analysed again, never mixed into the table
    p = subprocess.run([*cmd, "--full-rate"], capture_output=True, text=True, timeout=600,
                       cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert ("2 analysed (2 of them done before with other settings), 1 skipped (seen before), "
            "1 failed") in p.stdout
    for c in CLIPS:
        rep = json.loads((out / f"{c}_report" / f"{c}.json").read_text())
        assert rep["analysis"]["sampling"] == "full"
    manifest = json.loads((out / "batch_manifest.json").read_text())["recordings"]
    assert {e["settings"]["sampling"] for e in manifest.values()
            if e["status"] == "done"} == {"full"}


def test_a_worker_killed_mid_file_is_retried_and_the_batch_finishes(folder, single, tmp_path):
    """Also: every session goes into a real SQLite history (as ``--save --profile``)."""
    from posture_check.analysis.results import AnalysisOptions
    from posture_check.batch import find_recordings, run_batch
    from posture_check.batch.runner import HistorySink, dask_client
    from posture_check.history import HistoryStore

    clients = []
    killed: list[str] = []

    class Factory:
        def __enter__(self):
            self._cm = dask_client(None, 2)
            client = self._cm.__enter__()
            clients.append(client)
            return client

        def __exit__(self, *exc):
            return self._cm.__exit__(*exc)

    def killer():
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not killed:
            if clients:
                busy = {w: ks for w, ks in clients[0].processing().items() if ks}
                if busy:
                    worker = next(iter(busy))
                    pid = clients[0].run(os.getpid, workers=[worker])[worker]
                    time.sleep(0.5)  # inside the file (model loaded, frames running)
                    if clients[0].processing().get(worker) == busy[worker]:  # same file
                        os.kill(pid, signal.SIGKILL)
                        killed.append(worker)
                        return
            time.sleep(0.05)

    inputs = [p for p in find_recordings(folder) if p.name != "corrupt.mp4"]
    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        summary = run_batch(inputs, tmp_path / "out", AnalysisOptions(), ("json", "csv"),
                            client_factory=Factory, history=HistorySink(store, "anna", True))
        sessions = store.sessions("anna")
    thread.join(5)
    assert killed, "no worker was busy long enough to be killed"
    assert len(summary.retried) == 1, summary
    assert sorted(Path(p).stem for p in summary.done) == sorted(CLIPS)
    assert not summary.failed
    _assert_same_reports(tmp_path / "out", single)
    assert sorted(s.source_name for s in sessions) == sorted(f"{c}.mp4" for c in CLIPS)
    assert all(s.source_sha256 and len(s.source_sha256) == 64 for s in sessions)
    assert sorted(summary.sessions.values()) == sorted(s.id for s in sessions)


def test_ctrl_c_leaves_no_half_written_report(folder, tmp_path):
    out = tmp_path / "out"
    p = subprocess.Popen([str(POSTURE_CHECK), "batch", str(folder), "--out", str(out),
                          "--workers", "2"], stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, cwd=tmp_path)
    assert "analysing 3 recording(s)" in p.stderr.readline()
    time.sleep(2.0)  # inside the analyses
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130 and "posture-check: interrupted" in err
    manifest = json.loads((out / "batch_manifest.json").read_text()) \
        if (out / "batch_manifest.json").exists() else {"recordings": {}}
    done = {e["report_dir"] for e in manifest["recordings"].values() if e["status"] == "done"}
    dirs = {d.name for d in out.iterdir() if d.is_dir()}
    assert dirs == done  # no half-written folder, no hidden partial one
    for d in dirs:
        assert len(list((out / d).iterdir())) == 4  # JSON, CSV, PDF, HTML


def test_report_folder_is_all_or_nothing(tmp_path):
    from posture_check.batch.runner import write_report_dir

    with pytest.raises(TypeError):
        write_report_dir(tmp_path, "x_report", {"x.json": b"{}", "x.csv": None})
    assert list(tmp_path.iterdir()) == []
    write_report_dir(tmp_path, "x_report", {"x.json": b"1"})
    write_report_dir(tmp_path, "x_report", {"x.json": b"2"})
    assert [p.name for p in tmp_path.iterdir()] == ["x_report"]
    assert (tmp_path / "x_report" / "x.json").read_bytes() == b"2"


@pytest.mark.parametrize("case", ["empty folder", "unreachable scheduler"])
def test_one_line_errors(tmp_path, case):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("x")
    args = [str(empty)] if case == "empty folder" else [
        str(SAMPLES), "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "2"]
    p = subprocess.run([str(POSTURE_CHECK), "batch", *args, "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 2
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("posture-check: error: "), p.stderr
    want = "no recordings found" if case == "empty folder" else \
        "cannot reach the Dask scheduler at tcp://127.0.0.1:9"
    assert want in lines[0]
    assert not (tmp_path / "o").exists()  # nothing written


def test_scheduler_option_uses_a_running_cluster(folder, single, tmp_path):
    """``dask scheduler`` + ``dask worker`` started from the shell, as the README says."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dask_cli = Path(sys.executable).parent / "dask"
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(dask_cli), "scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    try:
        procs.append(subprocess.Popen([str(dask_cli), "worker", address, "--nthreads", "1",
                                       "--no-dashboard", "--host", "127.0.0.1"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        inputs = tmp_path / "in"
        inputs.mkdir()
        shutil.copy(folder / f"{CLIPS[0]}.mp4", inputs)
        out = tmp_path / "out"
        p = subprocess.run([str(POSTURE_CHECK), "batch", str(inputs), "--out", str(out),
                            "--json", "--csv", "--scheduler", address, "--connect-timeout",
                            "60"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert f"on 1 Dask worker(s) ({address})" in p.stderr
        d = out / f"{CLIPS[0]}_report"
        assert _comparable(d / f"{CLIPS[0]}.json") == _comparable(
            single[CLIPS[0]] / f"{CLIPS[0]}.json")
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=30)


def test_batch_settings_tell_runs_apart_and_are_strict_json():
    """What the manifest keeps per recording: equal options give equal settings (also with a
    baseline holding NaN, which strict JSON cannot store), other options other settings."""
    from posture_check.analysis.results import AnalysisOptions
    from posture_check.batch.runner import batch_settings

    base = {"lateral_lean": float("nan"), "pelvic_obliquity": 1.5}
    a = batch_settings(AnalysisOptions(baseline=base), ["json", "csv"])
    assert a == batch_settings(AnalysisOptions(baseline=dict(base)), ["csv", "json"])
    assert a["baseline"] == {"lateral_lean": None, "pelvic_obliquity": 1.5}
    json.dumps(a, allow_nan=False)
    for other in (AnalysisOptions(baseline=base, sampling="full"),
                  AnalysisOptions(baseline=base, stretch="standing_hamstring"),
                  AnalysisOptions(baseline=None)):
        assert batch_settings(other, ["json", "csv"]) != a
    assert batch_settings(AnalysisOptions(baseline=base), ["json"]) != a
