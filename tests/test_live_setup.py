"""The set-up check in the live engine, real model: a person who starts half out of the picture
and steps back gets the fixes first, then the items turn green, then (after the hold) the
posture is measured; nothing is measured before."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from posture_check.live.engine import LiveConfig, LiveEngine
from posture_check.pose.video_io import iter_frames
from posture_check.synth.stepback import stepback_frames

CLIP = Path(__file__).resolve().parents[1] / "sample_videos" / "standing_neutral_front.mp4"


@pytest.fixture(scope="module")
def stepback():
    frames = [rgb for _, rgb in iter_frames(CLIP)][::2]  # 15 fps
    return list(stepback_frames(frames, 15.0, near_s=2.0, step_s=1.0, after_s=4.0))


def test_setup_items_turn_green_then_measuring_starts(model_path, stepback):
    snaps = []
    with LiveEngine(LiveConfig(model_path=str(model_path))) as eng:
        for i, rgb in enumerate(stepback):
            eng.process(rgb, i / 15.0)
            snaps.append(eng.snapshot())
    near = snaps[5:25]  # zoomed in: head or feet cut, too close
    assert all(s.setup is not None and not s.setup.ready for s in near)
    assert all(not s.setup.check.item("in_view").ok for s in near)
    assert any("Step back" in s.setup.check.item("distance").fix for s in near)
    assert all(not any(math.isfinite(v) for v in s.shown.values()) for s in near)
    assert all(not s.measuring for s in near)
    first_ok = next(i for i, s in enumerate(snaps) if s.setup.check.all_ok)
    ready = next(i for i, s in enumerate(snaps) if s.setup.ready)
    assert first_ok >= 30  # not before the step back (2 s + 1 s at 15 fps)
    assert (ready - first_ok) / 15.0 == pytest.approx(1.5, abs=0.15)
    assert all(s.setup.ready for s in snaps[ready:])
    last = snaps[-1]
    assert last.measuring and last.setup.check.all_ok
    assert math.isfinite(last.value("lateral_lean")) and abs(last.value("lateral_lean")) < 3


def test_stretch_is_not_held_back_by_the_setup(model_path, stepback):
    with LiveEngine(LiveConfig(model_path=str(model_path), stretch="standing_hamstring")) as eng:
        for i, rgb in enumerate(stepback[:10]):
            eng.process(rgb, i / 15.0)
        snap = eng.snapshot()
    assert snap.measuring and snap.stretch is not None
    assert snap.setup is not None and not snap.setup.check.all_ok


def test_live_setup_sees_a_second_person(model_path):
    """The live landmarker follows one person; the set-up probe counts everyone. A real photo
    with three people (one standing, two seated) fails "one person"; a sample frame with one
    passes."""
    from posture_check.pose.video_io import read_image_rgb

    crowd = read_image_rgb(Path(__file__).resolve().parents[2] / "shared" / "real_media"
                           / "COCO_val2014_000000000241.jpg")
    alone = next(rgb for _, rgb in iter_frames(CLIP))
    with LiveEngine(LiveConfig(model_path=str(model_path))) as eng:
        for i in range(3):
            eng.process(crowd, i / 10.0)
        item = eng.snapshot().setup.check.item("one_person")
        assert not item.ok and item.value >= 2, item
    with LiveEngine(LiveConfig(model_path=str(model_path))) as eng:
        for i in range(3):
            eng.process(alone, i / 10.0)
        assert eng.snapshot().setup.check.item("one_person").ok
