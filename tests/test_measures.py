"""Measures on hand-computable synthetic landmarks (pure numpy, no model)."""

from __future__ import annotations

import numpy as np
import pytest

from posture_check.measures import MEASURES, REASONS, calibration, compute_measures
from posture_check.measures.body_frame import hybrid_block, subject_yaw_deg
from posture_check.measures.geometry import angle_between_deg, atan2_deg, normalize, rotate2d
from posture_check.measures.view import classify_view
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries
from posture_check.synth.stick_figures import StickPose, SyntheticCamera, synthetic_series

FAR = SyntheticCamera(distance_m=40.0, fov_deg=5.0, height_m=0.92)  # ~orthographic, level
POSE = StickPose(lateral_lean=5.0, pelvic_obliquity=-3.0, shoulder_tilt=2.0,
                 foot_turnout_left=10.0, foot_turnout_right=30.0)


def one(ms, name):
    return float(ms.values[name][0])


# ------------------------------------------------------------------ geometry helpers
def test_geometry_helpers_hand_values():
    assert atan2_deg(np.array(1.0), np.array(1.0)) == pytest.approx(45.0)
    assert np.isnan(atan2_deg(np.array(0.0), np.array(0.0)))
    assert angle_between_deg(np.array([1.0, 0, 0]), np.array([0, 2.0, 0])) == pytest.approx(90.0)
    assert np.isnan(normalize(np.zeros(3))).all()
    # screen-counter-clockwise 90 deg with y down: image right (1, 0) -> image up (0, -1)
    np.testing.assert_allclose(rotate2d(np.array([1.0, 0.0]), 90.0), [0.0, -1.0], atol=1e-12)


# ------------------------------------------------------------------ exact recovery
@pytest.mark.parametrize("method", ["naive", "hybrid"])
def test_orthographic_front_view_recovers_truth(method):
    ms = compute_measures(synthetic_series(POSE, FAR, n_frames=2), smoothing=None, method=method,
                          pitch_deg=0.0)
    assert ms.view[0] == "front"
    tol = 0.05
    assert one(ms, "lateral_lean") == pytest.approx(5.0, abs=tol)
    assert one(ms, "pelvic_obliquity") == pytest.approx(-3.0, abs=tol)
    assert one(ms, "shoulder_tilt") == pytest.approx(2.0, abs=tol)
    if method == "naive":  # world-landmark turn-out is exact with exact world landmarks
        assert one(ms, "foot_turnout_left") == pytest.approx(10.0, abs=0.1)
        assert one(ms, "foot_turnout_right") == pytest.approx(30.0, abs=0.1)
    assert one(ms, "foot_turnout_asymmetry") == pytest.approx(
        one(ms, "foot_turnout_right") - one(ms, "foot_turnout_left"))
    assert one(ms, "knee_flexion_left") == pytest.approx(0.0, abs=0.1)


def test_lateral_shift_cm_matches_geometry():
    # trunk 0.50 m at 5 deg -> 0.5 sin(5) = 4.36 cm; world scale is exact here
    ms = compute_measures(synthetic_series(POSE, FAR), smoothing=None, method="hybrid",
                          pitch_deg=0.0)
    assert one(ms, "lateral_shift_cm") == pytest.approx(50 * np.sin(np.radians(5.0)), abs=0.05)
    # a stated height rescales cm measures
    ms2 = compute_measures(synthetic_series(POSE, FAR), smoothing=None, method="hybrid",
                           pitch_deg=0.0, height_m=1.2 * ms.meta["stature_m_mediapipe"])
    assert one(ms2, "lateral_shift_cm") == pytest.approx(1.2 * one(ms, "lateral_shift_cm"),
                                                         rel=1e-5)


def test_knee_and_sagittal_measures_in_side_view():
    pose = StickPose(trunk_flexion=30.0, knee_flexion_left=20.0, knee_flexion_right=20.0)
    cam = SyntheticCamera(yaw_deg=90.0, distance_m=40.0, fov_deg=5.0, height_m=0.92)
    ms = compute_measures(synthetic_series(pose, cam), smoothing=None, method="hybrid",
                          pitch_deg=0.0)
    assert ms.view[0] == "right_side"
    assert one(ms, "trunk_flexion") == pytest.approx(30.0, abs=0.1)
    assert one(ms, "knee_flexion_right") == pytest.approx(20.0, abs=0.1)
    # frontal measures are gated in a side view, with the reason
    assert np.isnan(one(ms, "lateral_lean"))
    assert ms.reason_names("lateral_lean")[0] == "wrong_view"


_LEFT_LEG = [L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
_RIGHT_LEG = [L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]


@pytest.mark.parametrize(("yaw", "step_trunks", "left", "right"), [
    (90.0, 0.0, "hidden", "ok"),     # camera at the right flank, legs together: left leg far
    (-90.0, 0.0, "ok", "hidden"),    # at the left flank: right leg far
    (90.0, 0.3, "hidden", "ok"),     # the far leg a little forward still overlaps
    (90.0, 0.8, "ok", "ok"),         # split stance: both legs in sight
    (0.0, 0.0, "ok", "ok"),          # front view: nothing hidden
])
def test_the_far_leg_behind_the_near_one_is_not_measured(yaw, step_trunks, left, right):
    """A side view hides the far leg behind the near one: its hip and knee angles are gated
    "hidden" (the model guesses that leg), unless the legs are apart in the picture."""
    pose = StickPose(knee_flexion_left=20.0, knee_flexion_right=20.0)
    s = synthetic_series(pose, SyntheticCamera(yaw_deg=yaw, distance_m=40.0, fov_deg=5.0,
                                               height_m=0.92))
    img = s.image.copy()
    px = img[..., :2] * np.asarray(s.frame_size, float)
    trunk = np.linalg.norm(px[0, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=0)
                           - px[0, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=0))
    far = _LEFT_LEG if yaw > 0 else _RIGHT_LEG
    img[:, far, 0] += step_trunks * trunk / s.frame_size[0]   # the far foot steps forward
    moved = PoseSeries(img, s.world, s.visibility, s.presence, s.t_s, s.frame_size)
    ms = compute_measures(moved, smoothing=None, method="hybrid", pitch_deg=0.0)
    assert ms.reason_names("knee_flexion_left")[0] == left
    assert ms.reason_names("knee_flexion_right")[0] == right
    if yaw != 0.0:
        assert ms.reason_names("hip_flexion_left")[0] == left
        assert ms.reason_names("hip_flexion_right")[0] == right
    assert np.isfinite(one(ms, "knee_flexion_left")) == (left == "ok")


# ------------------------------------------------------------------ invariances
def test_mirror_swaps_left_and_right():
    s = synthetic_series(POSE, SyntheticCamera(), n_frames=3)
    a = compute_measures(s, smoothing=None, method="hybrid", pitch_deg=1.0)
    b = compute_measures(s.mirrored(), smoothing=None, method="hybrid", pitch_deg=1.0)
    for k in ("lateral_lean", "pelvic_obliquity", "shoulder_tilt", "foot_turnout_asymmetry"):
        assert one(b, k) == pytest.approx(-one(a, k), abs=1e-4), k
    assert one(b, "foot_turnout_left") == pytest.approx(one(a, "foot_turnout_right"), abs=1e-4)


def test_scale_and_translation_invariance():
    s = synthetic_series(POSE, SyntheticCamera(height_m=1.3), n_frames=2)
    a = compute_measures(s, smoothing=None, method="hybrid", pitch_deg=5.0)
    img = s.image.copy()
    img[..., 0] = img[..., 0] * 0.7 + 0.1  # shrink and move the person in the frame
    img[..., 1] = img[..., 1] * 0.7 + 0.05
    moved = PoseSeries(img, s.world, s.visibility, s.presence, s.t_s, s.frame_size)
    b = compute_measures(moved, smoothing=None, method="hybrid", pitch_deg=5.0)
    for k in ("lateral_lean", "pelvic_obliquity", "foot_turnout_left", "foot_turnout_right"):
        assert one(b, k) == pytest.approx(one(a, k), abs=1e-4), k


def test_pixel_aspect_handled_in_pixels():
    """Normalized x and y scale separately: a wide frame must not change the angles."""
    wide = SyntheticCamera(size=(1920, 1080), distance_m=40, fov_deg=5.0, height_m=0.92)
    ms = compute_measures(synthetic_series(POSE, wide), smoothing=None, method="hybrid",
                          pitch_deg=0.0)
    assert one(ms, "lateral_lean") == pytest.approx(5.0, abs=0.05)
    assert one(ms, "pelvic_obliquity") == pytest.approx(-3.0, abs=0.05)


def test_camera_roll_is_removed_when_given():
    cam = SyntheticCamera(distance_m=40, fov_deg=5.0, height_m=0.92, roll_deg=7.0)
    s = synthetic_series(POSE, cam)
    rolled = compute_measures(s, smoothing=None, method="hybrid", pitch_deg=0.0)
    fixed = compute_measures(s, smoothing=None, method="hybrid", pitch_deg=0.0, roll_deg=7.0)
    # front view: a counter-clockwise roll tips the trunk toward image-left = the subject's right
    assert one(rolled, "lateral_lean") == pytest.approx(5.0 + 7.0, abs=0.3)
    assert one(fixed, "lateral_lean") == pytest.approx(5.0, abs=0.05)


# ------------------------------------------------------------------ views and gating
def test_view_bins_and_yaw():
    yaws = np.array([0.0, 25.0, 45.0, 90.0, -90.0, 170.0, np.nan])
    assert list(classify_view(yaws)) == ["front", "front", "oblique", "right_side", "left_side",
                                         "back", "none"]
    for yaw in (-90.0, -40.0, 0.0, 40.0, 90.0, 180.0):
        s = synthetic_series(StickPose(), SyntheticCamera(yaw_deg=yaw))
        got = float(subject_yaw_deg(s.world)[0])
        assert abs((got - yaw + 180) % 360 - 180) < 1.0, (yaw, got)


def test_gating_reasons_and_nan():
    s = synthetic_series(POSE, SyntheticCamera(), n_frames=4)
    img, vis = s.image.copy(), s.visibility.copy()
    img[0] = np.nan                                  # frame 0: nobody
    vis[1, L.LEFT_HEEL] = 0.1                         # frame 1: left heel hidden
    img[2, L.RIGHT_FOOT_INDEX, 1] = 1.2               # frame 2: right toes below the frame
    bad = PoseSeries(img, np.where(np.isnan(img), np.nan, s.world), vis, s.presence, s.t_s,
                     s.frame_size)
    ms = compute_measures(bad, smoothing=None, method="hybrid", pitch_deg=0.0)
    r = ms.reason_names("foot_turnout_left")
    # standing measures need the whole body in the picture: toes out of frame gate them all
    assert list(r) == ["no_person", "low_visibility", "out_of_frame", "ok"]
    assert list(ms.reason_names("foot_turnout_right")) == ["no_person", "ok", "out_of_frame", "ok"]
    assert list(ms.reason_names("lateral_lean")) == ["no_person", "ok", "out_of_frame", "ok"]
    assert list(ms.reason_names("knee_flexion_left")) == ["no_person", "ok", "ok", "ok"]
    assert np.isnan(ms.values["foot_turnout_left"][:3]).all()
    assert np.isfinite(ms.values["lateral_lean"][[1, 3]]).all()
    assert set(REASONS) >= {"ok", "no_person", "low_visibility", "out_of_frame", "wrong_view"}


@pytest.mark.parametrize(("nose_y", "reason"), [
    (0.15, "ok"),            # head and crown well inside
    (0.06, "out_of_frame"),  # nose inside the 3% margin, but the crown above it is cut off
    (0.02, "out_of_frame"),  # nose itself within the margin
])
def test_a_cut_off_crown_gates_standing_measures(nose_y, reason):
    s = synthetic_series(POSE, SyntheticCamera(), n_frames=1)
    img = s.image.copy()
    trunk = abs(0.5 * (img[0, L.LEFT_HIP, 1] + img[0, L.RIGHT_HIP, 1]
                       - img[0, L.LEFT_SHOULDER, 1] - img[0, L.RIGHT_SHOULDER, 1]))
    assert trunk > 0.1  # the crown rule looks a quarter trunk above the nose: 0.06 is cut
    img[..., 1] += nose_y - img[0, L.NOSE, 1]        # slide the body up the picture
    moved = PoseSeries(img, s.world, s.visibility, s.presence, s.t_s, s.frame_size)
    ms = compute_measures(moved, smoothing=None, method="hybrid", pitch_deg=0.0)
    assert ms.reason_names("lateral_lean")[0] == reason
    assert ms.reason_names("knee_flexion_left")[0] == "ok"  # not a standing measure


@pytest.mark.parametrize("yaw", [-20.0, 20.0])
@pytest.mark.parametrize("camera_height", [0.6, 1.0, 2.0])
def test_shoulder_line_has_the_perspective_of_a_turned_body_removed(yaw, camera_height):
    # a level shoulder line on a body turned 20 deg shows tilted by 3.5-6.6 deg (its nearer end
    # higher above eye level, lower below it); the product reads it level again
    cam = SyntheticCamera(yaw_deg=yaw, height_m=camera_height, distance_m=2.5, fov_deg=50.0,
                          size=(480, 640), target_height_m=0.9)
    s = synthetic_series(StickPose(), cam, n_frames=3)
    blk = hybrid_block(s.image, s.world, s.frame_size, 0.0)
    seen = float(calibration.features(blk.px, blk.world, s.frame_size)["shoulder2d"][0])
    ms = compute_measures(s, smoothing=None, method="calibrated")
    assert abs(seen) > 3.0
    assert abs(one(ms, "shoulder_tilt")) < 0.5


def test_perspective_tilt_hand_values():
    f = 0.5 * 640 / np.tan(np.radians(calibration.ASSUMED_VFOV_DEG) / 2)
    y_eye = 320 - f * np.tan(np.radians(15.0))  # row of the horizon for a 15 deg pitch
    tilt = calibration.perspective_tilt_deg
    # at the image centre with the camera 15 deg down: -atan(tan 20 tan 15) = -5.57 deg
    assert float(tilt(np.array([320.0]), np.array([20.0]), 15.0, 640)[0]) == pytest.approx(
        -5.57, abs=0.01)
    assert float(tilt(np.array([320.0]), np.array([-20.0]), 15.0, 640)[0]) == pytest.approx(
        5.57, abs=0.01)
    assert float(tilt(np.array([y_eye]), np.array([20.0]), 15.0, 640)[0]) == pytest.approx(
        0.0, abs=1e-9)                                  # on the horizon: no tilt
    assert float(tilt(np.array([320.0]), np.array([0.0]), 15.0, 640)[0]) == 0.0
    # seen from behind, turned the same way (right side nearer): the same tilt
    assert float(tilt(np.array([320.0]), np.array([160.0]), 15.0, 640)[0]) == pytest.approx(
        -5.57, abs=0.01)


@pytest.mark.parametrize(("use_left", "use_right", "knee", "expected"), [
    (True, True, 5.0, 8.0),          # both legs in view: their mean
    (False, True, 5.0, 10.0),        # a side view hides the far (left) leg: the near one alone
    (True, False, 5.0, 6.0),
    (False, False, 5.0, np.nan),     # no leg in view: not measured
    (True, True, 40.0, np.nan),      # knees bent (a squat): not standing, no pelvic tilt
])
def test_pelvic_tilt_proxy_from_the_legs_in_view(use_left, use_right, knee, expected):
    from posture_check.measures.posture import pelvic_tilt_from_legs

    one_frame = np.ones(1)
    got = pelvic_tilt_from_legs(6.0 * one_frame, 10.0 * one_frame, knee * one_frame,
                                knee * one_frame, np.array([use_left]), np.array([use_right]))
    np.testing.assert_allclose(got, [expected])


def test_measure_series_helpers():
    s = synthetic_series(POSE, SyntheticCamera(), n_frames=20, noise_px=0.5, seed=1)
    ms = compute_measures(s, smoothing="zero_phase")
    summ = ms.summary()
    assert set(summ) == set(MEASURES)
    assert summ["lateral_lean"].valid_fraction == 1.0
    assert summ["lateral_lean"].p10 <= summ["lateral_lean"].median <= summ["lateral_lean"].p90
    cols = ms.to_columns()
    assert len(cols["t_s"]) == 20 and cols["lateral_lean_reason"][0] == "ok"
    assert len(ms[5:10]) == 5


@pytest.mark.parametrize(("n_frames", "valid", "summarised"), [
    (60, slice(0, 60), True),     # 2 s, all valid
    (60, slice(0, 31), True),     # 31 frames over 1.0 s
    (60, slice(0, 9), False),     # 9 frames: a median of a few frames is not a result
    (60, slice(0, 20), False),    # 20 frames but only 0.63 s of them
    (1, slice(0, 1), True),       # a photo: its one frame is all there is
    (5, slice(0, 5), True),       # a short series needs all its frames...
    (5, slice(0, 4), False),      # ...and its whole span
])
def test_a_summary_needs_enough_valid_frames(n_frames, valid, summarised):
    s = synthetic_series(POSE, SyntheticCamera(), n_frames=n_frames)
    ms = compute_measures(PoseSeries(s.image, s.world, s.visibility, s.presence,
                                     np.arange(n_frames) / 30.0, s.frame_size),
                          smoothing=None, method="hybrid", pitch_deg=0.0)
    v = np.full(n_frames, np.nan)
    v[valid] = ms.values["knee_flexion_left"][valid]
    ms.values["knee_flexion_left"][:] = v
    got = ms.summary()["knee_flexion_left"]
    assert np.isfinite(got.median) == summarised
    assert np.isfinite(got.ci90_lo) == summarised
    assert got.n_valid == len(range(n_frames)[valid])
    assert got.valid_fraction == pytest.approx(got.n_valid / n_frames)


def test_bad_arguments_raise_value_error():
    s = synthetic_series(POSE, SyntheticCamera())
    with pytest.raises(ValueError, match="smoothing"):
        compute_measures(s, smoothing="kalman")
    with pytest.raises(ValueError, match="height_m"):
        compute_measures(s, height_m=175)
    with pytest.raises(ValueError, match="method"):
        compute_measures(s, method="magic")


def test_calibrated_estimator_is_mirror_antisymmetric_and_turns_with_the_image():
    """The fitted models keep the symmetries of the geometry (no side bias, roll-equivariant)."""
    s = synthetic_series(POSE, SyntheticCamera(height_m=1.2), n_frames=2)
    a = compute_measures(s, smoothing=None)
    b = compute_measures(s.mirrored(), smoothing=None)
    for k in ("lateral_lean", "pelvic_obliquity", "foot_turnout_asymmetry"):
        if np.isnan(one(a, k)):  # gated (the stick figure's feet are far outside the fit family)
            assert np.isnan(one(b, k)) and a.reason_names(k)[0] == b.reason_names(k)[0], k
        else:
            assert one(b, k) == pytest.approx(-one(a, k), abs=1e-3), k
    for k, twin in (("foot_turnout_left", "foot_turnout_right"),
                    ("foot_turnout_right", "foot_turnout_left")):
        if np.isnan(one(a, twin)):
            assert np.isnan(one(b, k)) and a.reason_names(twin)[0] == b.reason_names(k)[0], k
        else:
            assert one(b, k) == pytest.approx(one(a, twin), abs=1e-3), k
    # rotation equivariance of the estimators themselves (ungated: the stick figure's hips sit
    # outside the calibration family, so a rolled reading may be gated as implausible)
    from posture_check.measures.body_frame import hybrid_block
    from posture_check.measures.kernel import raw_measures

    def raw(series, roll=0.0):
        blk = hybrid_block(series.image, series.world, series.frame_size, roll)
        return {k: float(v[0]) for k, v in raw_measures(blk, series.frame_size).items()}

    rolled = synthetic_series(POSE, SyntheticCamera(height_m=1.2, roll_deg=6.0), n_frames=2)
    a0, r = raw(s), raw(rolled)
    # a counter-clockwise roll adds to the lean toward the subject's right, lowers the right hip
    assert r["lateral_lean"] - a0["lateral_lean"] == pytest.approx(6.0, abs=0.3)
    assert r["pelvic_obliquity"] - a0["pelvic_obliquity"] == pytest.approx(-6.0, abs=0.3)
    assert raw(rolled, 6.0)["lateral_lean"] == pytest.approx(a0["lateral_lean"], abs=0.3)


def test_flip_averaged_per_frame_chooses_calibration_and_interval_per_frame():
    """A series mixing flip-averaged and plain frames (adaptive sampling) measures each frame
    exactly as a series of only that kind would: obliquity coefficients and 90% intervals."""
    from dataclasses import replace

    from posture_check.measures import uncertainty

    s = synthetic_series([StickPose(pelvic_obliquity=d, lateral_lean=1.0) for d in
                          (-4.0, -2.0, 0.0, 2.0, 4.0, 6.0)], SyntheticCamera(height_m=1.0))
    mask = np.array([True, False, True, True, False, False])
    mixed = compute_measures(replace(s, flip_averaged=mask), smoothing=None,
                             independent_frames=True)
    flipped = compute_measures(replace(s, flip_averaged=np.ones(6, bool)), smoothing=None,
                               independent_frames=True)
    plain = compute_measures(replace(s, flip_averaged=np.zeros(6, bool)), smoothing=None,
                             independent_frames=True)
    np.testing.assert_array_equal(mixed.flip_averaged, mask)
    assert mixed.meta["flip_averaged_share"] == pytest.approx(0.5)
    raw = calibration.apply
    blk = hybrid_block(s.image, s.world, s.frame_size, 0.0)
    per = raw({}, blk.px, blk.world, s.frame_size, flip_averaged=mask)["pelvic_obliquity"]
    one_t = raw({}, blk.px, blk.world, s.frame_size, flip_averaged=True)["pelvic_obliquity"]
    one_f = raw({}, blk.px, blk.world, s.frame_size, flip_averaged=False)["pelvic_obliquity"]
    np.testing.assert_allclose(per, np.where(mask, one_t, one_f))
    assert not np.allclose(one_t, one_f)  # the two coefficient sets differ
    for name in ("pelvic_obliquity", "lateral_lean"):
        lo, _ = mixed.interval90(name)
        lo_t, _ = flipped.interval90(name)
        lo_f, _ = plain.interval90(name)
        np.testing.assert_array_equal(np.isnan(lo), np.isnan(np.where(mask, lo_t, lo_f)))
        np.testing.assert_allclose(lo, np.where(mask, lo_t, lo_f))
        assert mixed[mask].flip_averaged.all() and not mixed[~mask].flip_averaged.any()
    yaw = np.array([0.0, 20.0, 0.0])
    hw = uncertainty.model_half_width("pelvic_obliquity", yaw,
                                      flip_averaged=np.array([True, True, False]))
    np.testing.assert_allclose(hw, [uncertainty.HALF_WIDTH_90["pelvic_obliquity"][0],
                                    uncertainty.HALF_WIDTH_90["pelvic_obliquity"][1],
                                    uncertainty.HALF_WIDTH_90_PLAIN["pelvic_obliquity"][0]])
    # the summary's model term is the median over the valid frames' own half-widths
    v = np.array([1.0, np.nan, 1.0, 1.0])
    f = np.array([False, False, True, True])
    assert uncertainty.summary_half_width("hip_flexion_left", v, np.zeros(4), 0.0,
                                          flip_averaged=f) == pytest.approx(
        uncertainty.HALF_WIDTH_90["hip_flexion_left"][0])  # 2 of the 3 valid frames flipped
    assert uncertainty.summary_half_width("hip_flexion_left", v, np.zeros(4), 0.0,
                                          flip_averaged=~f) == pytest.approx(
        uncertainty.HALF_WIDTH_90_PLAIN["hip_flexion_left"][0])
