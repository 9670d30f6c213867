"""Spoken cues from the live engine, real model, rendered stretch clips with known phases: a
good hold is cued "hold", "ten seconds more", "release"; a bouncing hold "stop bouncing"."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from posture_check.live.engine import LiveConfig, LiveEngine
from posture_check.pose.video_io import iter_frames

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


@pytest.mark.parametrize(("clip", "kinds"), [
    ("hamstring_good_side", ["hold", "ten_more", "release"]),
    ("hamstring_bouncing_side", ["hold", "stop_bouncing"]),
])
def test_engine_cues_on_state_changes(model_path, clip, kinds):
    with LiveEngine(LiveConfig(model_path=str(model_path), stretch="standing_hamstring",
                               draw=False)) as eng:
        for t, rgb in iter_frames(SAMPLES / f"{clip}.mp4"):
            eng.process(rgb, t)
        snap = eng.snapshot()
    said = [c.kind for c in snap.cues]
    for k in kinds:
        assert k in said, said
    assert said.index(kinds[0]) < said.index(kinds[-1])
    assert len(said) <= 8, said  # a few words, not a stream
    times = [c.t_s for c in snap.cues]
    assert all(b - a >= 2.5 for a, b in itertools.pairwise(times))
