"""Stretch form through the real pose model on the rendered sample clips (labels = truth)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from posture_check.stretch import OnlineStretchChecker, analyze_series, stretch_angle

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
HAMSTRING = ["hamstring_good_side", "hamstring_bouncing_side", "hamstring_too_short_side",
             "hamstring_rushed_side"]


def _labels(name: str) -> dict:
    path = SAMPLES / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"{path} missing: render the samples with `posture-check synth samples`")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def stretch_series():
    """Each sample clip through the real model once per session (VIDEO mode)."""
    from posture_check.estimator import EstimatorOptions, PoseEstimator

    cache: dict = {}

    def get(name: str):
        if name not in cache:
            with PoseEstimator(EstimatorOptions(running_mode="video", num_poses=1)) as est:
                cache[name] = est.process_video(SAMPLES / f"{name}.mp4")
        return cache[name]

    return get


@pytest.mark.parametrize("name", HAMSTRING)
def test_rendered_hamstring_clip_gets_its_label(name, stretch_series):
    lab = _labels(name)["stretch"]
    series = stretch_series(name)
    a = analyze_series(series, lab["name"])
    assert a.verdict == lab["expected_verdict"], a.messages
    (rep,) = a.repetitions
    assert rep.hold_s == pytest.approx(lab["hold_s"], abs=1.0)
    hold = next(p for p in lab["phases"] if p["phase"] == "holding")
    assert rep.t_hold_start_s == pytest.approx(hold["t0_s"], abs=0.5)
    assert rep.t_hold_end_s == pytest.approx(hold["t1_s"], abs=0.5)


def test_rendered_bounce_online_within_half_a_second(stretch_series):
    name = "hamstring_bouncing_side"
    lab = _labels(name)["stretch"]
    series = stretch_series(name)
    angle = stretch_angle(series, lab["name"])
    ch = OnlineStretchChecker(lab["name"])
    log = [ch.update(t, x) for t, x in zip(series.t_s, angle, strict=True)]
    onset = next(p for p in lab["phases"] if p["phase"] == "holding")["t0_s"]
    first_cycle = onset + 1.25 / lab["bounce_hz"]  # peak, trough, peak
    t_fb = next(f.t_s for f in log if f.fault == "bouncing")
    assert onset < t_fb <= first_cycle + 0.5
    assert not any(f.fault == "too_fast" for f in log if f.t_s < onset)


def test_rendered_good_clip_online_has_no_fault_and_times_the_hold(stretch_series):
    name = "hamstring_good_side"
    lab = _labels(name)["stretch"]
    series = stretch_series(name)
    angle = stretch_angle(series, lab["name"])
    ch = OnlineStretchChecker(lab["name"])
    log = [ch.update(t, x) for t, x in zip(series.t_s, angle, strict=True)]
    assert {f.fault for f in log} == {None}
    assert log[-1].rep_count == 1
    assert log[-1].hold_s == pytest.approx(lab["hold_s"], abs=1.0)


def test_rendered_hip_flexor_opener_side_and_depth(stretch_series):
    """The stretched (right, back) leg is nearest the camera, as the catalogue advises. The hold
    is not compared with the label: the label times the keyframes, while the back-hip angle
    reaches most of its depth early in the entry (about 2 s longer by the angle's definition)."""
    name = "hip_flexor_opener_right_good_side"
    lab = _labels(name)
    series = stretch_series(name)
    a = analyze_series(series, lab["stretch"]["name"])  # side found from the pose
    assert [r.side for r in a.repetitions] == ["right"]
    truth = np.asarray(lab["frames"][lab["stretch"]["angle"]], float)
    assert a.repetitions[0].angle_reached_deg == pytest.approx(truth.min(), abs=5.0)
    assert a.sides["left"].n_reps == 0
    assert a.verdict == lab["stretch"]["expected_verdict"] == "good"


@pytest.mark.parametrize(("shape", "move_in_s", "hold_s"),
                         [("linear", 3.0, 10.0), ("fast_slow", 5.0, 12.0)])
def test_rendered_ramp_shape_hold_within_1s(shape, move_in_s, hold_s):
    """Issue 10: a clip whose entry and exit are linear ramps read 8.1 s for a 10 s hold. Render
    the hinge with a linear and a human-like (fast start, slow finish) ramp, run the real model,
    and compare the hold with the definition applied to the renderer's true angle (and, for the
    linear ramp, with the keyframes)."""
    from posture_check.bench.stretch import ClipCase, run_clip
    from posture_check.estimator import EstimatorOptions, PoseEstimator

    case = ClipCase(f"ham_{shape}", "standing_hamstring", move_in_s, hold_s, shape=shape)
    with PoseEstimator(EstimatorOptions(running_mode="video", num_poses=1)) as est:
        r = run_clip(case, est, 15.0, (360, 480))
    assert r["reps"] == 1 and r["detected"] > 0.95
    assert r["found"] == r["expected"]
    assert abs(r["hold_err_def"]) <= 1.0, r
    if shape == "linear":
        assert abs(r["hold_err"]) <= 1.0, r
