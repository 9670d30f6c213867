"""The foot-axis study's mask axis (posture_check.bench.foot_axis) on synthetic masks."""

import numpy as np

from posture_check.bench.foot_axis import mask_axes
from posture_check.landmarks import Landmark as L


def _foot_scene(angles_deg: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """A 400x400 mask with two elliptic feet (semi-axes 40 x 10 px) turned by ``angles_deg``
    from straight down (x right, y down), each with a shank bar above its ankle; landmarks
    with MediaPipe-like heel/toe whose direction is 12 deg off."""
    yy, xx = np.mgrid[0:400, 0:400].astype(float)
    mask = np.zeros((400, 400))
    px = np.full((33, 2), np.nan)
    for (ankle, heel, toe), cx, ang in (
            ((L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX), 110.0, angles_deg[0]),
            ((L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX), 290.0, angles_deg[1])):
        cy, a = 250.0, np.radians(ang)
        u = np.array([np.sin(a), np.cos(a)])             # long axis, toward the toe
        dx, dy = xx - cx, yy - cy
        along, across = dx * u[0] + dy * u[1], -dx * u[1] + dy * u[0]
        mask[(along / 40.0) ** 2 + (across / 10.0) ** 2 <= 1.0] = 1.0
        mask[(np.abs(xx - cx) < 8) & (yy < cy - 50)] = 1.0  # shank, above the ankle
        b = np.radians(ang + 12.0)                        # the landmarks' direction error
        v = np.array([np.sin(b), np.cos(b)])
        px[heel], px[toe] = np.array([cx, cy]) - 35 * v, np.array([cx, cy]) + 35 * v
        px[ankle] = [cx, cy - 50.0]
    return mask, px


def _deg(v: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(v[..., 0], v[..., 1]))


def test_moments_axis_finds_each_feet_long_axis_not_the_landmarks_or_the_shank():
    mask, px = _foot_scene((20.0, -15.0))
    axes = mask_axes(mask, px, prior=75.0, sin_e=0.3)
    got = _deg(axes["moments"])
    np.testing.assert_allclose(got, [20.0, -15.0], atol=1.0)  # landmarks say 32 and -3
    # oriented heel -> toe (down the image here), in probabilities 0..255 too
    assert (axes["moments"][:, 1] > 0).all()
    np.testing.assert_allclose(_deg(mask_axes(mask * 255, px, 75.0, 0.3)["moments"]), got)


def test_mask_axes_are_nan_without_foot_pixels():
    mask, px = _foot_scene((10.0, 10.0))
    axes = mask_axes(np.zeros_like(mask), px, prior=75.0, sin_e=0.3)
    assert all(np.isnan(v).all() for v in axes.values())
