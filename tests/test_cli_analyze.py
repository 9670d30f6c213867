"""``posture-check analyze`` through the CLI: formats, --json -, quiet output, exit codes, and
no folder or partial file on failure."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers.media import SAMPLES, write_audio_only

from posture_check.cli import main as cli

pytestmark = pytest.mark.usefixtures("model_path")  # runs the real model: slow
CLIP = SAMPLES / "foot_turnout_right30_left5_front.mp4"


def test_default_writes_all_formats_into_a_folder_named_after_the_input(tmp_path, monkeypatch,
                                                                       capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["analyze", str(CLIP), "--pain-side", "left"]) == 0
    out = tmp_path / f"{CLIP.stem}_report"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{CLIP.stem}{s}" for s in (".json", ".csv", ".pdf", ".html",
                                                        "_annotated.mp4"))
    rep = json.loads((out / f"{CLIP.stem}.json").read_text())
    assert rep["analysis"]["pain_side"] == "left"
    captured = capsys.readouterr()
    n_flag = sum(f["severity"] == "flag" for f in rep["findings"])
    n_watch = sum(f["severity"] == "watch" for f in rep["findings"])
    assert n_flag + n_watch > 0  # the right foot's 30 deg turn-out is at least a watch
    assert f"{n_flag} flag(s), {n_watch} to watch" in captured.out
    assert "\r" not in captured.err  # no progress bar off a TTY


def test_selected_formats_only(tmp_path):
    assert cli.main(["analyze", str(CLIP), "--out", str(tmp_path / "o"), "--csv",
                     "--json"]) == 0
    assert sorted(p.suffix for p in (tmp_path / "o").iterdir()) == [".csv", ".json"]


def test_json_to_stdout_writes_no_files(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["analyze", str(CLIP), "--json", "-"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["schema"].startswith("posture-check.report/")
    assert list(tmp_path.iterdir()) == []


def test_json_stdout_is_clean_in_a_subprocess(tmp_path):
    p = subprocess.run([sys.executable, "-m", "posture_check", "analyze", str(CLIP), "--json", "-"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["input"]["file_name"] == CLIP.name


@pytest.mark.parametrize("kind", ["missing", "not_video", "audio_only"])
def test_bad_input_exit_2_one_line_nothing_written(tmp_path, capsys, kind):
    src = tmp_path / "in"
    src.mkdir()
    path = {"missing": src / "nope.mp4", "not_video": src / "x.mp4",
            "audio_only": src / "a.m4a"}[kind]
    if kind == "not_video":
        path.write_text("hello")
    if kind == "audio_only":
        write_audio_only(path)
    out = tmp_path / "out"
    assert cli.main(["analyze", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("posture-check: error: ")
    assert not out.exists()


def test_failure_while_writing_leaves_nothing(tmp_path, monkeypatch, capsys):
    calls = []

    def broken(*a, **k):
        calls.append(a)
        raise OSError("disk full")

    # the annotated video is the last format written, so the others are already on disk
    monkeypatch.setattr("posture_check.report.render.write_video", broken)
    out = tmp_path / "out" / "nested"
    assert cli.main(["analyze", str(CLIP), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["posture-check: error: cannot write: disk full"]
    assert len(calls) == 1
    assert not (tmp_path / "out").exists()  # both folders this run created are gone


def test_unknown_stretch_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["analyze", str(CLIP), "--stretch", "cartwheel"])
    assert e.value.code == 2


@pytest.mark.parametrize("fill", ["black", "blurred"])
def test_a_clip_with_bars_is_read_in_its_picture(tmp_path, capsys, fill):
    """A portrait-ish clip exported in a 16:9 frame, with black bars or a blurred copy of the
    clip beside it (as apps fill the frame): the JSON gives the picture inside the bars, and
    the right foot's 30 deg turn-out is still found."""
    import cv2
    import numpy as np
    from helpers.footage import blurred_boxed

    from posture_check.pose.video_io import iter_frames

    boxed = tmp_path / "boxed.mp4"
    writer = None
    for _, rgb in iter_frames(CLIP):
        h, w = rgb.shape[:2]
        pad = (round(h * 16 / 9) - w) // 2
        wide = (np.pad(rgb, ((0, 0), (pad, pad), (0, 0))) if fill == "black"
                else blurred_boxed(rgb, w + 2 * pad, h)[0])
        frame = cv2.cvtColor(wide, cv2.COLOR_RGB2BGR)
        if writer is None:
            writer = cv2.VideoWriter(str(boxed), cv2.VideoWriter_fourcc(*"mp4v"), 30.0,
                                     (frame.shape[1], frame.shape[0]))
        writer.write(frame)
    assert writer is not None
    writer.release()
    assert cli.main(["analyze", str(boxed), "--json", "-"]) == 0
    rep = json.loads(capsys.readouterr().out)
    width = rep["input"]["width_px"]
    assert rep["input"]["picture"]["x0"] == pytest.approx(pad / width, abs=0.01)
    assert rep["input"]["picture"]["x1"] == pytest.approx((width - pad) / width, abs=0.01)
    assert (rep["input"]["picture"]["y0"], rep["input"]["picture"]["y1"]) == (0.0, 1.0)
    right = next(f for f in rep["findings"] if f["measure"] == "foot_turnout_right")
    assert right["severity"] in ("watch", "flag")
