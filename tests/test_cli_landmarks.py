"""`posture-check landmarks` end to end, and every kind of bad input (clear error, no output)."""

from __future__ import annotations

import re
import subprocess
import sys

import cv2
import numpy as np
import pytest

from posture_check import PoseSeries
from posture_check.cli.main import main


def test_photo_to_npz(tmp_path, real_media, model_path, capsys):
    out = tmp_path / "photo.npz"
    photo = real_media / "COCO_val2014_000000000241.jpg"
    assert main(["landmarks", str(photo), "-o", str(out)]) == 0
    series = PoseSeries.load(out)
    assert len(series) == 1 and series.detected.all()
    assert "person found in 1 (100%)" in capsys.readouterr().out


def test_console_script_on_real_video(tmp_path, real_media, model_path):
    out = tmp_path / "video.npz"
    proc = subprocess.run(
        [sys.executable, "-m", "posture_check", "landmarks", str(real_media / "standing_front.mp4"),
         "-o", str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    series = PoseSeries.load(out)
    assert len(series) == 106 and series.frame_size == (420, 420)
    assert series.t_s[-1] == pytest.approx(10.5, abs=0.05)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _truncated_copy(src, dst, fraction):
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


@pytest.mark.parametrize(
    ("make_input", "message"),
    [
        (lambda d, m: d / "missing.mp4", "no such file"),
        (lambda d, m: _write(d / "empty.mp4", b""), "empty"),
        (lambda d, m: _write(d / "notes.mp4", b"not a video"),
         "not a video|no frames"),
        (lambda d, m: _write(d / "broken.jpg", b"\xff\xd8\xff garbage"),
         "not a readable image"),
        (lambda d, m: _truncated_copy(m / "standing_front.mp4", d / "cut.mp4", 0.02),
         "truncated or corrupt video: only 1 of the 106 frames"),
        # less than half of the recording left: refused (half or more gives a partial result)
        (lambda d, m: _truncated_copy(m / "standing_front.mp4", d / "cut40.mp4", 0.4),
         "truncated or corrupt video: only 42 of the 106 frames"),
        (lambda d, m: cv2.imwrite(str(d / "wall.png"), np.full((480, 640, 3), 200, np.uint8))
         and d / "wall.png", "no person detected"),
    ],
    ids=["missing", "empty", "text-as-video", "corrupt-jpeg", "truncated-2pct", "truncated-40pct",
         "no-person"],
)
def test_bad_input_fails_clearly_and_writes_nothing(tmp_path, real_media, model_path, capsys,
                                                    make_input, message):
    src = make_input(tmp_path, real_media)
    out = tmp_path / "out" / "result.npz"
    assert main(["landmarks", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("posture-check: error:")
    assert re.search(message, err), err
    assert not out.exists()
    assert not (out.parent.exists() and any(out.parent.iterdir()))


def test_half_decodable_video_gives_the_part_that_decodes(tmp_path, real_media, model_path,
                                                         capsys):
    src = _truncated_copy(real_media / "standing_front.mp4", tmp_path / "half.mp4", 0.5)
    out = tmp_path / "half.npz"
    assert main(["landmarks", str(src), "-o", str(out)]) == 0
    series = PoseSeries.load(out)
    assert len(series) == 53
    assert series.meta["damaged"]["lost_s"] == pytest.approx([5.3, 10.6], abs=0.05)
    assert "the part from 5.3 s to 10.6 s is lost" in capsys.readouterr().out
