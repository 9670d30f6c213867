"""Shared fixtures: paths to real media and one real pose model per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_MEDIA = REPO.parent / "shared" / "real_media"
SAMPLE_VIDEOS = REPO / "sample_videos"


@pytest.fixture(scope="session")
def real_media() -> Path:
    if not REAL_MEDIA.is_dir():
        pytest.fail(f"real media folder missing: {REAL_MEDIA} (shared/ must sit beside the repo)")
    return REAL_MEDIA


@pytest.fixture(scope="session")
def model_path() -> Path:
    from posture_check.model import ensure_model

    return ensure_model()


@pytest.fixture(scope="session")
def image_estimator(model_path):
    from posture_check.estimator import EstimatorOptions, PoseEstimator

    with PoseEstimator(EstimatorOptions(model_path=model_path, running_mode="image")) as est:
        yield est


@pytest.fixture(scope="session")
def clip_landmarks(model_path):
    """``get(path, **estimator_options) -> PoseSeries``: the real model's landmarks of a video,
    computed once per test session (VIDEO mode, :func:`posture_check.extraction.extract_video`).

    Keyed by the clip's path and content sha256, the model's sha256 and the estimator options,
    so an edited clip or another model is never served stale landmarks. The arrays handed out
    are read-only and ``meta`` is a fresh copy per call: no test can change another's input.
    For tests that need landmarks of a clip; tests of extraction itself run the model.
    """
    from posture_check.estimator import EstimatorOptions, PoseEstimator
    from posture_check.extraction import extract_video
    from posture_check.series import PoseSeries
    from posture_check.wheels import file_sha256

    model_sha = file_sha256(model_path)
    cache: dict[tuple, PoseSeries] = {}

    def get(path: Path, **options) -> PoseSeries:
        path = Path(path).resolve()
        key = (str(path), file_sha256(path), model_sha, tuple(sorted(options.items())))
        if key not in cache:
            opts = EstimatorOptions(model_path=model_path, running_mode="video", **options)
            with PoseEstimator(opts) as est:
                series = extract_video(path, est)
            for name in ("image", "world", "visibility", "presence", "t_s"):
                getattr(series, name).flags.writeable = False
            cache[key] = series
        s = cache[key]
        return PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, s.frame_size,
                          s.source, dict(s.meta))

    return get
