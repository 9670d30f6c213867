"""The live engine with the real model on a rendered clip with known angles, and its pure parts."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from posture_check.live import LatestFrameSlot, LiveConfig, LiveEngine, guidance
from posture_check.video_io import iter_frames

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


def test_latest_frame_slot_keeps_only_the_newest():
    slot = LatestFrameSlot()
    for i in range(5):
        slot.put(i)
    assert slot.get(timeout=0.1) == (4,)
    assert slot.dropped == 4
    assert slot.get(timeout=0.01) is None


def test_guidance_names_the_fix():
    cfg = LiveConfig(focus="side")
    assert "Turn sideways for pelvic tilt." in guidance(True, "front", True, True, cfg)
    assert any("feet" in g for g in guidance(True, "front", False, True, LiveConfig()))
    assert guidance(True, "front", True, True, LiveConfig()) == ()
    assert "can't see" in guidance(False, "none", False, False, LiveConfig())[0]
    hams = LiveConfig(stretch="standing_hamstring")
    assert any("sideways" in g for g in guidance(True, "front", True, True, hams))


@pytest.fixture(scope="module")
def lean_clip():
    clip = SAMPLES / "lean_left8_front.mp4"
    truth = json.loads(clip.with_suffix(".json").read_text())["summary"]
    frames = [(t, rgb) for t, rgb in iter_frames(clip)][:60]
    return frames, truth


def test_engine_measures_match_labels_and_drops_to_newest(model_path, lean_clip):
    frames, truth = lean_clip
    with LiveEngine(LiveConfig(model_path=str(model_path))) as eng:
        out = None
        for i in range(0, len(frames), 2):  # pairs arrive together: newest only is processed
            out = eng.process_newest(frames[i:i + 2])
        snap = eng.snapshot()
        series = eng.session_series()
    assert out is not None and out.shape == frames[0][1].shape and out.dtype == np.uint8
    assert not np.array_equal(out, frames[-1][1])  # skeleton drawn
    assert snap.frames_processed == 30 and snap.frames_dropped == 30
    assert snap.person and snap.view == "front"
    assert snap.value("lateral_lean") == pytest.approx(truth["lateral_lean"], abs=2.5)
    assert snap.latency_ms_p50 > 0
    assert series is not None and len(series) == 30
    assert {f.measure for f in snap.findings} >= {"lateral_lean", "pelvic_obliquity"}


def test_sessions_do_not_share_state(model_path, lean_clip):
    frames, _ = lean_clip
    a = LiveEngine(LiveConfig(model_path=str(model_path)))
    b = LiveEngine(LiveConfig(model_path=str(model_path), stretch="standing_hamstring"))
    try:
        def feed(eng, n):
            for t, rgb in frames[:n]:
                eng.process(rgb, t)
        ta = threading.Thread(target=feed, args=(a, 20))
        tb = threading.Thread(target=feed, args=(b, 10))
        ta.start()
        tb.start()
        ta.join()
        tb.join()
        sa, sb = a.snapshot(), b.snapshot()
    finally:
        a.close()
        b.close()
    assert (sa.frames_processed, sb.frames_processed) == (20, 10)
    assert sa.stretch is None and sb.stretch is not None
    assert any("sideways" in g for g in sb.guidance)  # hamstring needs a side view
