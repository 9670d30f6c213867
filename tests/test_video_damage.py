"""Damaged videos found by the quick packet scan, before any analysis (real files)."""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import pytest
from helpers.media import REAL, SAMPLES

from posture_check.errors import InputError
from posture_check.pose.video_io import iter_frames, scan_video


def _zero_mdat_tail(src: Path, dst: Path, keep: float) -> Path:
    """A copy of an MP4 whose media data after ``keep`` of it is zeroed in place (the index at
    the end stays intact, as when a phone's last seconds were written badly)."""
    data = bytearray(src.read_bytes())
    i = 0
    while i < len(data):
        size, kind = struct.unpack(">I4s", data[i:i + 8])
        if kind == b"mdat":
            start, end = i + 8, i + size
            cut = start + int((end - start) * keep)
            data[cut:end] = bytes(end - cut)
            break
        i += size
    else:
        raise AssertionError("no mdat box")
    dst.write_bytes(bytes(data))
    return dst


SOUND = [*sorted(SAMPLES.glob("*.mp4")), REAL / "squat_side.mp4", REAL / "video.avi"]


@pytest.mark.parametrize("clip", SOUND, ids=lambda p: p.name)
def test_sound_videos_are_not_damaged(clip):
    scan = scan_video(clip)
    assert scan.damage is None
    assert scan.n_readable == scan.info.n_frames


def test_phone_video_with_a_damaged_tail_is_usable_and_says_what_was_lost(tmp_path):
    clip = _zero_mdat_tail(REAL / "squat_side.mp4", tmp_path / "phone.mp4", 0.95)
    scan = scan_video(clip)
    assert scan.damage is not None and scan.damage.usable
    assert 0.9 < scan.n_readable / 614 < 0.97
    assert scan.damage.duration_s == pytest.approx(20.49, abs=0.05)
    assert "the part from 19.4 s to 20.5 s is lost" in scan.damage.message
    scan.check_usable()  # no error: analysed as far as it decodes
    n = sum(1 for _ in iter_frames(clip, prefetch=0))  # decoding yields the good part
    assert abs(n - scan.n_readable) <= 3


def test_mostly_lost_video_is_refused_by_the_scan(tmp_path):
    clip = _zero_mdat_tail(REAL / "squat_side.mp4", tmp_path / "phone.mp4", 0.4)
    scan = scan_video(clip)
    assert scan.damage is not None and not scan.damage.usable
    with pytest.raises(InputError, match=r"only \d+ of the 614 frames .* at least half"):
        scan.check_usable()
    with pytest.raises(InputError, match="at least half"):  # decoding agrees
        for _ in iter_frames(clip, prefetch=0):
            pass


def test_container_count_estimate_is_not_damage(tmp_path):
    """Matroska lists no frame count; OpenCV estimates one from duration x nominal fps, which
    is off for variable frame rates. The frames still reach the listed duration: not damaged."""
    av = pytest.importorskip("av")
    import fractions

    import numpy as np

    path = tmp_path / "vfr.mkv"
    with av.open(str(path), "w") as c:
        s = c.add_stream("h264", rate=30)
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        s.time_base = fractions.Fraction(1, 1000)
        t = 0
        for i, dt in enumerate(np.random.default_rng(0).choice([20, 33, 50, 80], 150)):
            frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), i, np.uint8),
                                               format="rgb24")
            frame.pts, frame.time_base = t, fractions.Fraction(1, 1000)
            t += int(dt)
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    cap = cv2.VideoCapture(str(path))
    listed = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    scan = scan_video(path)
    assert scan.n_readable == 150 and listed > 160  # the estimate is well off ...
    assert scan.damage is None  # ... but nothing is missing


# --------------------------------------------------- errors at the right depth (issue 13)
def _failing(exc: Exception):
    yield 1
    raise exc


def test_run_ahead_passes_a_decoding_error_through_as_an_input_error():
    from posture_check.pose.video_io import run_ahead

    with pytest.raises(InputError, match=r"clip\.mp4: decoding failed"):
        list(run_ahead(_failing(InputError("clip.mp4: decoding failed (bad NAL)")), 2))


def test_run_ahead_lets_a_bug_in_frame_preparation_propagate_as_itself():
    """A bug in the code preparing frames (thumbnails, downscaling) is not the user's bad
    file: it must not become an InputError (exit 2, "decoding failed")."""
    from posture_check.pose.video_io import run_ahead

    with pytest.raises(ZeroDivisionError) as info:
        list(run_ahead(_failing(ZeroDivisionError("thumbnail bug")), 2))
    assert not isinstance(info.value, InputError)
