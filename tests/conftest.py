"""Shared fixtures: paths to real media and one real pose model per test session.

Test layers come from fixture use, not from hand-set marks: a test whose fixtures include
``model_path`` (directly, through ``image_estimator``, ``clip_landmarks`` or the browser
fixtures of :mod:`helpers.browser`, or by ``pytest.mark.usefixtures("model_path")``) is marked
``slow``; ``make test-fast`` runs the others. So that the layers stay true, a test that builds
a :class:`~posture_check.pose.estimator.PoseEstimator` on the default model without taking
``model_path`` fails with a message saying so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["helpers.browser"]

REPO = Path(__file__).resolve().parents[1]
REAL_MEDIA = REPO.parent / "shared" / "real_media"
SAMPLE_VIDEOS = REPO / "sample_videos"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "model_path" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _model_only_through_its_fixture(request: pytest.FixtureRequest,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The default pose model is loaded only by tests that take ``model_path`` (and so are
    marked slow); an explicit model file (a damaged one, say) is always allowed."""
    if "model_path" in request.fixturenames:
        return
    from posture_check.pose.estimator import PoseEstimator

    original = PoseEstimator.__init__
    test = request.node.nodeid

    def guarded(self, options=None) -> None:
        if options is None or options.model_path is None:
            raise RuntimeError(f"{test} runs the pose model without the model_path fixture: "
                               "take it (the test is then marked slow)")
        original(self, options)

    monkeypatch.setattr(PoseEstimator, "__init__", guarded)


@pytest.fixture(scope="session")
def real_media() -> Path:
    if not REAL_MEDIA.is_dir():
        pytest.fail(f"real media folder missing: {REAL_MEDIA} (shared/ must sit beside the repo)")
    return REAL_MEDIA


@pytest.fixture(scope="session")
def model_path() -> Path:
    from posture_check.pose.model import ensure_model

    return ensure_model()


@pytest.fixture(scope="session")
def image_estimator(model_path):
    from posture_check.pose.estimator import EstimatorOptions, PoseEstimator

    with PoseEstimator(EstimatorOptions(model_path=model_path, running_mode="image")) as est:
        yield est


@pytest.fixture(scope="session")
def clip_landmarks(model_path):
    """``get(path, **estimator_options) -> PoseSeries``: the real model's landmarks of a video,
    computed once per test session (VIDEO mode,
    :func:`posture_check.analysis.extraction.extract_video`).

    Keyed by the clip's path and content sha256, the model's sha256 and the estimator options,
    so an edited clip or another model is never served stale landmarks. The arrays handed out
    are read-only and ``meta`` is a fresh copy per call: no test can change another's input.
    For tests that need landmarks of a clip; tests of extraction itself run the model.
    """
    from posture_check.analysis.extraction import extract_video
    from posture_check.atomic import file_sha256
    from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
    from posture_check.pose.series import PoseSeries

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
