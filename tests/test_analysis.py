"""The analysis pipeline end to end with the real pose model: rendered clips with exact labels,
real footage, a photo, and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.media import (
    REAL,
    SAMPLES,
    analysed,
    crop_video,
    labels,
)

from posture_check.analysis.key_frames import MAX_THUMBNAILS, Thumbnails
from posture_check.analysis.pipeline import analyze
from posture_check.analysis.quality_warnings import quality_warnings
from posture_check.analysis.results import AnalysisOptions, AnalysisResult
from posture_check.measures import compute_measures
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries

pytestmark = pytest.mark.usefixtures("model_path")  # runs the real model: slow


def finding(result: AnalysisResult, measure: str):
    return next(f for f in result.findings if f.measure == measure)


# ----------------------------------------------------------------------------- rendered clips
def test_foot_turnout_clip_matches_labels():
    name = "foot_turnout_right30_left5_front"
    r = analysed(name)
    lab = labels(name)
    assert r.n_frames == len(lab["frames"]["t_s"]) and r.n_detected == r.n_frames
    np.testing.assert_allclose(r.series.t_s, lab["frames"]["t_s"], atol=0.02)
    assert r.main_view == "front"
    s = r.measures.summary()
    # accuracy the measures engineer reaches on rendered people (issue 4 goal: MAE <= 4 deg)
    assert s["foot_turnout_right"].median == pytest.approx(lab["summary"]["foot_turnout_right"],
                                                           abs=6.0)
    assert s["foot_turnout_left"].median == pytest.approx(lab["summary"]["foot_turnout_left"],
                                                          abs=6.0)
    assert s["lateral_lean"].median == pytest.approx(0.0, abs=1.5)
    # each reported 90% interval holds the truth; a flag needs the whole interval beyond the
    # 20 deg threshold (turn-out is good to about +-10 deg out of family), so 30 deg reads as
    # at least a watch
    for m in ("foot_turnout_right", "foot_turnout_left", "lateral_lean"):
        assert s[m].ci90_lo <= lab["summary"][m] <= s[m].ci90_hi, m
    assert finding(r, "foot_turnout_right").severity in ("watch", "flag")
    # the asymmetry's interval is the widest of all (+-22 deg: the pelvis yaw enters both feet
    # with opposite signs), so a 25 deg asymmetry is a watch or, while its interval reaches
    # zero, withheld as "uncertain"; it is never read the wrong way round
    asym = finding(r, "foot_turnout_asymmetry")
    assert asym.direction == "right" and asym.ci90[0] <= 25.0 <= asym.ci90[1]
    assert asym.severity in ("watch", "flag") or (
        asym.severity == "ok" and "watch_withheld" in asym.extra and asym.ci90[0] < 0)
    assert finding(r, "foot_turnout_left").severity == "ok"
    assert finding(r, "lateral_lean").severity == "ok"
    assert not any(w.code == "several_people" for w in r.warnings)
    assert 1 <= len(r.key_frames) <= 3
    assert all(k.image.ndim == 3 and max(k.image.shape[:2]) <= 720 for k in r.key_frames)


def test_lean_clip_lean_and_pain_side():
    name = "lean_left8_front"
    # the rendered camera is level, and we say so, as a user with a spirit level would: the
    # lean's interval then carries no unknown camera roll
    r = analysed(name, pain_side="right", roll_deg=0.0)
    lab = labels(name)["summary"]
    assert r.measures.summary()["lateral_lean"].median == pytest.approx(lab["lateral_lean"],
                                                                        abs=2.0)
    f = finding(r, "lateral_lean")
    assert f.severity == "flag" and f.direction == "left"
    assert f.extra["lean_away_from_pain"] is True
    assert "pain is on your right" in f.message and "restorative therapist's talk" in f.message
    assert ".txt" not in f.message


def test_hip_hike_clip_obliquity():
    name = "hip_hike_right5_front"
    r = analysed(name)
    lab = labels(name)["summary"]
    obl = r.measures.summary()["pelvic_obliquity"]
    assert obl.ci90_lo <= lab["pelvic_obliquity"] <= obl.ci90_hi
    assert obl.median > 1.0  # the right hip reads higher
    f = finding(r, "pelvic_obliquity")
    assert f.severity in ("ok", "watch", "flag") and f.direction == "right"


def test_neutral_clip_has_no_trunk_findings():
    r = analysed("standing_neutral_front")
    for m in ("lateral_lean", "pelvic_obliquity", "shoulder_tilt"):
        assert finding(r, m).severity == "ok", m


def test_stretch_clip_verdict_and_hold_match_labels():
    name = "hamstring_bouncing_side"
    r = analysed(name, stretch="standing_hamstring")
    lab = labels(name)["stretch"]
    assert r.stretch is not None and r.stretch.verdict == lab["expected_verdict"] == "bouncing"
    (rep,) = r.stretch.repetitions
    assert rep.hold_s == pytest.approx(lab["hold_s"], abs=1.0)
    assert r.main_view in ("left_side", "right_side")
    assert any(k.label.startswith("repetition 1") for k in r.key_frames)
    assert "stretch_s" in r.timings_s
    assert any(w.code == "no_front_view" for w in r.warnings)


# ------------------------------------------------------------------------------ real footage
def test_real_street_video_several_people_followed_with_warning():
    r = analysed(str(REAL / "video.avi"), max_frames=60)
    assert r.n_frames == 60 and r.input.width == 1280 and r.input.height == 720
    assert r.people_per_frame.max() > 1
    w = next(w for w in r.warnings if w.code == "several_people")
    assert 0 < w.fraction <= 1 and "most prominent" in w.message
    assert np.all(np.diff(r.series.t_s) > 0)
    assert r.series.t_s[1] - r.series.t_s[0] == pytest.approx(1 / 50, abs=1e-3)


def test_real_standing_front_video():
    r = analysed(str(REAL / "standing_front.mp4"))
    assert r.n_frames == 106 and r.n_detected >= 100
    assert r.main_view == "front"
    assert {f.measure for f in r.findings} >= {"lateral_lean", "pelvic_obliquity"}
    assert finding(r, "lateral_lean").severity != "not_measured"
    assert r.input.duration_s == pytest.approx(10.6, abs=0.2)


def test_still_photo_is_analysed():
    r = analysed(str(REAL / "COCO_val2014_000000000241.jpg"))
    assert r.input.kind == "image" and r.n_frames == 1 and r.n_detected == 1
    import cv2

    h, w = cv2.imread(str(REAL / "COCO_val2014_000000000241.jpg")).shape[:2]
    assert (r.input.width, r.input.height) == (w, h)
    codes = {w.code for w in r.warnings}
    assert "single_photo" in codes and "several_people" in codes
    assert len(r.key_frames) == 1
    # the photo is judged as a held pose, not reported "not measured" for lack of frames
    assert any(f.severity != "not_measured" for f in r.findings)


# ------------------------------------- inputs accepted with a warning (refusals: test_bad_input)
def test_body_partly_out_of_frame(tmp_path):
    clip = crop_video(SAMPLES / "foot_turnout_right30_left5_front.mp4", tmp_path / "top.mp4",
                      0.0, 0.62)
    r = analyze(clip)
    w = next(w for w in r.warnings if w.code == "feet_out_of_frame")
    assert w.fraction > 0.9 and "Feet out of frame" in w.message
    assert finding(r, "foot_turnout_right").severity == "not_measured"
    assert np.isnan(r.measures.values["foot_turnout_right"]).all()


def test_unknown_stretch_and_bad_options():
    with pytest.raises(ValueError, match="unknown stretch"):
        AnalysisOptions(stretch="cartwheel")
    with pytest.raises(ValueError, match="pain_side"):
        AnalysisOptions(pain_side="middle")


# ----------------------------------------------------------------------------- pure helpers
def test_thumbnails_stay_bounded_and_spread():
    th = Thumbnails(cap=8, max_side=32, interval_s=0.5)
    frame = np.zeros((64, 128, 3), np.uint8)
    for i in range(36_000):  # 20 minutes at 30 fps
        th.offer(i, i / 30.0, frame)
    assert len(th.items) <= 8
    times = np.array([t for _, t, _ in th.items])
    assert times[0] == 0.0 and times[-1] > 600.0  # spread over the whole recording
    assert max(th.items[0][2].shape[:2]) == 32
    # the analysis' own default stays bounded too: at most MAX_THUMBNAILS (<= 64) are kept
    default = Thumbnails()
    for i in range(36_000):
        default.offer(i, i / 30.0, frame)
    assert 0 < len(default.items) <= MAX_THUMBNAILS <= 64


def _standing(feet_y: np.ndarray, people: list[int]) -> PoseSeries:
    """A synthetic frontal standing pose; ``feet_y[t]`` = normalized y of the feet."""
    n = len(feet_y)
    img = np.zeros((n, 33, 3))
    pts = {L.NOSE: (0.5, 0.1), L.LEFT_EAR: (0.53, 0.1), L.RIGHT_EAR: (0.47, 0.1),
           L.LEFT_SHOULDER: (0.6, 0.25), L.RIGHT_SHOULDER: (0.4, 0.25),
           L.LEFT_HIP: (0.56, 0.55), L.RIGHT_HIP: (0.44, 0.55),
           L.LEFT_KNEE: (0.56, 0.75), L.RIGHT_KNEE: (0.44, 0.75)}
    for lm, (x, y) in pts.items():
        img[:, lm, :2] = (x, y)
    for lms, x in (((L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX), 0.56),
                   ((L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX), 0.44)):
        for lm in lms:
            img[:, lm, 0] = x
            img[:, lm, 1] = feet_y
    world = (img - [0.5, 0.55, 0]) * [1.0, 1.7, 1.0]
    vis = np.ones((n, 33))
    return PoseSeries(img, world, vis, vis.copy(), np.arange(n) / 30.0, (640, 480),
                      meta={"people_per_frame": people})


def test_quality_warnings_feet_out_of_frame_fraction():
    s = _standing(np.array([1.2] * 6 + [0.95] * 4), [1, 2] * 5)
    ws = {w.code: w for w in quality_warnings(s, compute_measures(s, smoothing=None))}
    assert ws["feet_out_of_frame"].fraction == pytest.approx(0.6)
    assert "60%" in ws["feet_out_of_frame"].message
    assert ws["several_people"].fraction == pytest.approx(0.5)
    assert "short_recording" in ws
    assert "head_out_of_frame" not in ws
    assert "knees_out_of_frame" not in ws
