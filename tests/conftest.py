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
