"""The low-frame-rate warning prints the rate with sensible precision (synthetic series)."""

from __future__ import annotations

import numpy as np
import pytest

from posture_check.analysis.quality_warnings import quality_warnings
from posture_check.measures import compute_measures
from posture_check.pose.series import PoseSeries


def _series(t_s: np.ndarray) -> PoseSeries:
    rng = np.random.default_rng(0)
    n = len(t_s)
    image = np.clip(rng.normal(0.5, 0.1, (n, 33, 3)), 0.1, 0.9)
    world = rng.normal(0, 0.3, (n, 33, 3))
    ones = np.ones((n, 33))
    return PoseSeries(image, world, ones, ones.copy(), t_s, (640, 480), "synthetic")


@pytest.mark.parametrize(("fps", "shown"), [(1 / 3, "0.33 fps"), (7.5, "7.5 fps"), (5.0, "5 fps")])
def test_low_frame_rate_is_not_rounded_to_zero(fps, shown):
    series = _series(np.arange(12) / fps)
    warnings = quality_warnings(series, compute_measures(series))
    low = next(w for w in warnings if w.code == "low_frame_rate")
    assert f"Low frame rate ({shown})" in low.message
