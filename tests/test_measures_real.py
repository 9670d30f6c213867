"""Measures with the real pose model: rendered people with exact truth, and real photos/videos.

Kept small: a handful of renders and two real images, model runs cached per session.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from posture_check.measures import compute_measures, evaluate_findings
from posture_check.measures.body_frame import hybrid_block
from posture_check.measures.kernel import raw_measures
from posture_check.pose.series import PoseSeries

REAL = Path(__file__).parents[1].parent / "shared" / "real_media"
COCO = REAL / "COCO_val2014_000000000241.jpg"
STANDING = REAL / "standing_front.mp4"

cv2 = pytest.importorskip("cv2")


def rotate(rgb: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate counter-clockwise on screen by ``angle_deg``, enlarging the canvas (no crop)."""
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * s + w * c), int(h * c + w * s)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return np.ascontiguousarray(cv2.warpAffine(rgb, m, (nw, nh)))


def ungated(series: PoseSeries, name: str, method: str = "calibrated") -> float:
    """A measure of frame 0 by its definition, without view gating (for photos in any view)."""
    blk = hybrid_block(series.image[:1], series.world[:1], series.frame_size)
    return float(raw_measures(blk, series.frame_size, method=method)[name][0])


# ------------------------------------------------------------------ rendered, exact truth
CASES = [
    # pose, camera
    ({"lateral_lean_deg": 8.0, "foot_turnout_right_deg": 30.0, "foot_turnout_left_deg": 5.0},
     {"yaw_deg": 0.0, "height_m": 1.2}),
    ({"lateral_lean_deg": -6.0, "pelvic_obliquity_deg": 5.0, "foot_turnout_left_deg": 25.0},
     {"yaw_deg": 10.0, "height_m": 1.0}),
    ({"pelvic_obliquity_deg": -6.0, "foot_turnout_left_deg": 10.0,
      "foot_turnout_right_deg": 12.0}, {"yaw_deg": -10.0, "height_m": 1.4}),
]


@pytest.fixture(scope="session")
def rendered(image_estimator):
    synth = pytest.importorskip("posture_check.synth")
    out = []
    for i, (pose, cam) in enumerate(CASES):
        shape = ("default", "female")[i % 2]
        camera = synth.Camera(**cam, body_height_m=synth.SHAPES[shape].height_m)
        rgb, truth = synth.render_frame(synth.BodyPose(**pose), camera, shape=shape)
        out.append((image_estimator.process_image(rgb), truth.measures))
    return out


@pytest.mark.parametrize("case", range(len(CASES)))
def test_rendered_people_measured_within_tolerance(rendered, case):
    series, truth = rendered[case]
    ms = compute_measures(series, smoothing=None)
    assert ms.view[0] == "front"
    got = {k: float(v[0]) for k, v in ms.values.items()}
    # tolerances ~ the 95th-percentile errors of `posture-check bench accuracy`
    assert got["lateral_lean"] == pytest.approx(truth["lateral_lean"], abs=2.0)
    assert got["pelvic_obliquity"] == pytest.approx(truth["pelvic_obliquity"], abs=4.0)
    for side in ("left", "right"):
        k = f"foot_turnout_{side}"
        assert got[k] == pytest.approx(truth[k], abs=10.0), k
    for k in ("lateral_lean", "pelvic_obliquity"):
        if abs(truth[k]) >= 3:
            assert np.sign(got[k]) == np.sign(truth[k]), k


def test_calibrated_obliquity_beats_the_2d_hip_line(rendered):
    """The documented failure of the naive reading, and the fix, on the obliquity cases."""
    naive_err, cal_err = [], []
    for series, truth in rendered[1:]:
        naive_err.append(abs(ungated(series, "pelvic_obliquity", "naive")
                             - truth["pelvic_obliquity"]))
        cal_err.append(abs(ungated(series, "pelvic_obliquity") - truth["pelvic_obliquity"]))
    assert np.mean(cal_err) < 0.5 * np.mean(naive_err)


# ------------------------------------------------------------------ real photos: metamorphic
@pytest.fixture(scope="session")
def coco_rgb():
    if not COCO.is_file():
        pytest.skip(f"real media missing: {COCO}")
    return np.ascontiguousarray(cv2.imread(str(COCO))[..., ::-1])


@pytest.mark.parametrize("angle", [-8.0, 8.0])
def test_rotating_a_photo_changes_the_lean_by_the_angle(image_estimator, coco_rgb, angle):
    base = image_estimator.process_image(coco_rgb)
    turned = image_estimator.process_image(rotate(coco_rgb, angle))
    yaw = abs(float(compute_measures(base, smoothing=None).subject_yaw_deg[0]))
    facing = 1.0 if yaw < 90 else -1.0  # a CCW turn tips the trunk to the subject's right if
    # The fitted lean is equivariant by construction; the model's landmarks on a rotated photo
    # shift a little, hence the wider tolerance for it.
    for method, tol in (("naive", 1.5), ("calibrated", 2.0)):  # they face the camera, to their
        delta = ungated(turned, "lateral_lean", method) - ungated(base, "lateral_lean", method)
        assert delta == pytest.approx(facing * angle, abs=tol), method  # left if not


def test_mirroring_a_photo_swaps_left_and_right(image_estimator, coco_rgb):
    base = image_estimator.process_image(coco_rgb)
    mirror = image_estimator.process_image(np.ascontiguousarray(coco_rgb[:, ::-1]))
    for k in ("lateral_lean", "shoulder_tilt", "pelvic_obliquity"):
        assert ungated(mirror, k) == pytest.approx(-ungated(base, k), abs=1.5), k
    # the subject's yaw flips sign too (left and right swapped, same camera side)
    yaw = compute_measures(base, smoothing=None).subject_yaw_deg[0]
    yaw_m = compute_measures(mirror, smoothing=None).subject_yaw_deg[0]
    assert yaw_m == pytest.approx(-yaw, abs=8.0)


# ------------------------------------------------------------------ real video, full path
def test_real_standing_video_front_view_and_findings(real_media, clip_landmarks):
    series = clip_landmarks(real_media / STANDING.name)
    ms = compute_measures(series)
    front = np.mean(ms.view == "front")
    assert front > 0.8
    summ = ms.summary()
    # he shifts his weight from side to side three times: those frames are "moving", and the
    # quiet-standing segments between them (with his weight on one side, then the other) count
    assert 0.35 < summ["lateral_lean"].valid_fraction < 0.8
    assert "moving" in set(ms.reason_names("lateral_lean"))
    assert abs(summ["lateral_lean"].median) < 9.0          # a man standing naturally
    assert np.isnan(summ["trunk_flexion"].median)          # sagittal: gated in a front view
    findings = {f.measure: f for f in evaluate_findings(ms)}
    assert findings["pelvic_tilt"].severity == "not_measured"
    assert findings["lateral_lean"].severity in ("ok", "watch", "flag")


@pytest.fixture(scope="module")
def squat_measures(model_path):
    """The side-on barbell squat of shared/real_media (every 3rd frame, 150 frames), measured."""
    from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
    from posture_check.pose.video_io import iter_frames

    clip = REAL / "squat_side.mp4"
    frames = [f for i, f in enumerate(iter_frames(clip)) if i % 3 == 0][:150]
    with PoseEstimator(EstimatorOptions(model_path=model_path, running_mode="video")) as est:
        series = est.process_frames(frames, source=str(clip))
    return compute_measures(series)


def test_pelvic_tilt_proxy_is_gated_on_a_real_squat(squat_measures):
    """Hip flexion on a squat (~125 deg) is not pelvic tilt: the proxy is NaN there, and the
    finding says it was not measured because the person was not standing upright."""
    ms = squat_measures
    knees = np.nanmean([ms.values["knee_flexion_left"], ms.values["knee_flexion_right"]], axis=0)
    tilt = ms.values["pelvic_tilt"]
    assert np.nanmax(knees) > 60  # the clip squats
    assert not np.isfinite(tilt[knees > 40]).any()
    assert (np.abs(tilt[np.isfinite(tilt)]) <= 40.0).all()


def test_the_far_leg_of_a_real_side_on_squat_is_hidden_not_guessed(squat_measures):
    """Filmed from his right, the squatter's left leg is behind his right one: MediaPipe still
    places it (often "visible"), 6-7 deg off the near leg in a symmetric squat. It is gated
    "hidden", so no summary of that leg rests on the model's guess; the near leg is measured."""
    ms = squat_measures
    side = ms.view == "right_side"
    assert side.mean() > 0.9
    for angle in ("hip_flexion", "knee_flexion"):
        far, near = f"{angle}_left", f"{angle}_right"
        assert (ms.reason_names(far)[side] == "hidden").mean() > 0.9
        assert np.isfinite(ms.values[near][side]).mean() > 0.9
        assert ms.summary()[far].valid_fraction < 0.1
