"""The guided routine in the live engine, real model, on a rendered two-sided clip (the
hip-flexor opener on the right, then its mirror image: the left): both sides are found, in the
routine's order, and the side-by-side comparison carries both holds."""

from __future__ import annotations

from pathlib import Path

from posture_check.live.engine import LiveConfig, LiveEngine
from posture_check.pose.video_io import iter_frames
from posture_check.stretch.routine import compare_sides
from posture_check.synth.two_sided import two_sided_frames

CLIP = (Path(__file__).resolve().parents[1] / "sample_videos"
        / "hip_flexor_opener_right_good_side.mp4")
FPS = 15.0


def test_routine_runs_both_sides_of_a_two_sided_clip(model_path):
    frames = two_sided_frames([rgb for _, rgb in iter_frames(CLIP)], FPS, cut_s=(12.0, 15.0))
    events, cues = [], []
    with LiveEngine(LiveConfig(model_path=str(model_path), routine=("hip_flexor_opener",),
                               pain_side="left", rest_s=2.0, draw=False)) as eng:
        for i, rgb in enumerate(frames):
            eng.process(rgb, i / FPS)
            snap = eng.snapshot()
            if snap.routine is not None and (not events or events[-1] != snap.routine.phase):
                events.append(snap.routine.phase)
        cues = [c.kind for c in snap.cues]
    state = snap.routine
    assert events == ["stretch", "rest", "stretch", "done"], events
    right, left = state.results
    assert (right.step.side, left.step.side) == ("right", "left")  # the side without pain first
    for r in (right, left):
        assert r.done and r.hold_ok, r
        # timed as a recording is: `analyze` times the uncut clip's hold at 26.7 s, minus the
        # 3 s cut is 23.7 s; the running timer, which also counts the slow way out, said 26.9
        assert 22.7 <= r.hold_s <= 24.7
        assert r.bounces == 0 and r.smooth
    assert abs(right.depth_deg - left.depth_deg) < 5  # a mirror image: the same depth
    assert abs(right.hold_s - left.hold_s) < 2
    assert min(right.depth_deg, left.depth_deg) >= 15  # the stretch's range starts at 15 deg
    (cmp,) = compare_sides(state.results)
    assert cmp.left is left and cmp.right is right
    assert "switch_sides" in cues and cues[-1] == "done"
