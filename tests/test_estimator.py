"""Landmark extraction with the real model on real photos and video."""

from __future__ import annotations

import numpy as np

from posture_check.analysis.extraction import extract_video
from posture_check.pose.estimator import EstimatorOptions, PoseEstimator, choose_person, prominence
from posture_check.pose.landmarks import Landmark


def test_follows_the_most_prominent_person_in_a_group_photo(image_estimator, real_media):
    series = image_estimator.process_image(real_media / "COCO_val2014_000000000241.jpg")
    assert series.people_per_frame.tolist() == [3]
    hips_x = series.image[0, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 0].mean()
    head_y = series.image[0, Landmark.NOSE, 1]
    # The standing man in the middle: hips near the centre, head high in the frame.
    assert 0.4 < hips_x < 0.65
    assert head_y < 0.2


def test_small_distant_person_is_found(image_estimator, real_media):
    series = image_estimator.process_image(real_media / "COCO_val2014_000000000536.jpg")
    assert series.detected.all()


def test_prominence_prefers_large_and_central():
    def box(cx: float, cy: float, half: float) -> np.ndarray:
        pts = np.array([[cx - half, cy - half], [cx + half, cy + half]])
        return np.resize(pts, (33, 2))

    cands = np.stack([box(50, 50, 40), box(320, 240, 40), box(320, 240, 100)])
    scores = prominence(cands, (640, 480))
    assert scores[1] > scores[0]  # same size, more central
    assert np.argmax(scores) == 2  # largest
    # Once following someone, stay with them even if another person is bigger.
    assert choose_person(cands, (640, 480), previous_px=cands[1] + 3.0) == 1
    assert choose_person(cands, (640, 480), previous_px=None) == 2


def test_real_street_video(model_path, real_media):
    with PoseEstimator(EstimatorOptions(model_path=model_path, running_mode="video")) as est:
        series = extract_video(real_media / "video.avi", est)
    assert len(series) == 205  # every decoded frame has a row, found or not
    assert series.frame_size == (1280, 720)
    assert np.all(np.diff(series.t_s) > 0)
    np.testing.assert_allclose(np.diff(series.t_s), 0.02, atol=1e-3)  # 50 fps container
    assert series.detected.mean() > 0.8
    missing = ~series.detected
    assert np.isnan(series.world[missing]).all() and np.isnan(series.visibility[missing]).all()
    assert np.isfinite(series.image[series.detected]).all()
    assert series.people_per_frame.max() >= 2


def test_live_frames_tolerate_repeated_timestamps(model_path, real_media):
    from itertools import islice

    from posture_check.pose.video_io import iter_frames

    frames = list(islice(iter_frames(real_media / "standing_front.mp4"), 3))
    with PoseEstimator(EstimatorOptions(model_path=model_path, running_mode="live")) as est:
        results = [est.process_frame(rgb, 1.0) for _, rgb in frames]  # same arrival time
    assert all(r.detected[0] for r in results)


def test_candidates_with_infinite_landmarks_are_not_people(image_estimator, real_media):
    from posture_check.pose.video_io import read_image_rgb

    rgb = read_image_rgb(real_media / "COCO_val2014_000000000241.jpg")
    size = (rgb.shape[1], rgb.shape[0])
    result, mirror = image_estimator._detect(rgb, 0.0)  # a real landmarker result: 3 people
    assert mirror is None  # no flip averaging asked for
    assert len(result.pose_landmarks) == 3
    for lm in result.pose_landmarks[0]:
        lm.x, lm.y = float("inf"), float("-inf")
    result.pose_landmarks[1][0].x = float("nan")
    result.pose_landmarks[1][5].z = float("inf")
    arrays, n_people = image_estimator._frame_arrays((result, None), size)
    assert n_people == 2  # the all-infinite one is dropped
    image, world, _, _ = arrays
    assert np.isfinite(image[:, :2]).any() and not np.isinf(image).any()
    assert not np.isinf(world).any()
    for pose in result.pose_landmarks[1:]:
        for lm in pose:
            lm.x = float("inf")
    arrays, n_people = image_estimator._frame_arrays((result, None), size)
    assert arrays is None and n_people == 0


def test_a_visibility_the_model_does_not_report_stays_missing():
    """MediaPipe's own result type with visibility/presence left unset (None): they become NaN,
    which never gates (measures.quality), not 0 (which would gate every landmark)."""
    from mediapipe.tasks.python.components.containers.landmark import (
        Landmark as WorldLandmark,
    )
    from mediapipe.tasks.python.components.containers.landmark import NormalizedLandmark
    from mediapipe.tasks.python.vision.pose_landmarker import PoseLandmarkerResult

    from posture_check.measures.quality import landmark_flags

    pose = [NormalizedLandmark(x=0.5, y=0.5, z=0.0, visibility=0.9 if i == 0 else None,
                               presence=0.0 if i == 1 else None) for i in range(33)]
    world = [WorldLandmark(x=0.0, y=0.0, z=0.0) for _ in range(33)]
    cands, _ = PoseEstimator._candidates(PoseLandmarkerResult([pose], [world]))
    vis, pres = cands[0, :, 3], cands[0, :, 4]
    assert vis[0] == 0.9 and np.isnan(vis[1:]).all()
    assert pres[1] == 0.0 and np.isnan(pres[[0, *range(2, 33)]]).all()  # a real 0 stays 0
    inside, visible = landmark_flags(cands[None, 0, :, :3], vis[None], pres[None])
    assert visible.all() and inside[0, 0] and not inside[0, 1]


def test_bench_model_prints_each_way_side_by_side(model_path, tmp_path):
    """``posture-check bench model`` from the shell: every row timed on the same frames."""
    import subprocess
    import sys

    from posture_check.bench.model_speed import ROWS

    proc = subprocess.run([sys.executable, "-m", "posture_check", "bench", "model", "--frames",
                           "12"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    for label, _ in ROWS:
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith(label))
        assert float(line[len(label):].split()[0]) > 0  # ms/frame


def test_the_mirror_thread_gives_the_results_of_one_pass_after_the_other(model_path, real_media):
    """Flip averaging with the mirror pass on its own thread reads exactly what running the two
    passes one after the other reads, frame by frame, on a real recording."""
    from itertools import islice

    from posture_check.pose.video_io import iter_frames

    frames = list(islice(iter_frames(real_media / "standing_front.mp4"), 25))
    series = []
    for thread in (True, False):
        opts = EstimatorOptions(model_path=model_path, running_mode="video", flip_average=True,
                                mirror_thread=thread)
        with PoseEstimator(opts) as est:
            series.append(est.process_frames(frames))
    assert series[0].flip_averaged.all() and series[0].detected.all()
    for a, b in zip((series[0].image, series[0].world, series[0].visibility),
                    (series[1].image, series[1].world, series[1].visibility), strict=True):
        np.testing.assert_array_equal(a, b)
