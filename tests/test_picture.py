"""The picture inside black or blurred letterbox / pillarbox bars (pure numpy and OpenCV, no
model)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers.footage import blurred_boxed, jpeg

from posture_check.pose.picture import (
    BAR_INSET_PX,
    crop,
    picture_area,
    picture_of_frames,
    picture_size,
)
from posture_check.pose.video_io import iter_frames

REAL = Path(__file__).resolve().parents[2] / "shared" / "real_media"


def _scene(h: int = 300, w: int = 200, seed: int = 0) -> np.ndarray:
    """A textured RGB picture (no flat black line in it)."""
    rng = np.random.default_rng(seed)
    return rng.integers(60, 200, (h, w, 3), dtype=np.uint8)


def _boxed(rgb: np.ndarray, top: int, left: int, bottom: int | None = None,
           right: int | None = None) -> np.ndarray:
    h, w = rgb.shape[:2]
    bottom, right = top if bottom is None else bottom, left if right is None else right
    out = np.zeros((h + top + bottom, w + left + right, 3), np.uint8)
    out[top:top + h, left:left + w] = rgb
    return out


@pytest.mark.parametrize(("top", "left", "want"), [
    (0, 0, (0, 0, 200, 300)),  # no bars
    (0, 90, (90 + BAR_INSET_PX, 0, 290 - BAR_INSET_PX, 300)),  # pillarbox
    (100, 0, (0, 100 + BAR_INSET_PX, 200, 400 - BAR_INSET_PX)),  # letterbox
    (40, 30, (30 + BAR_INSET_PX, 40 + BAR_INSET_PX, 230 - BAR_INSET_PX, 340 - BAR_INSET_PX)),
])
def test_black_bars_at_both_ends_are_found(top: int, left: int, want: tuple) -> None:
    grey = _boxed(_scene(), top, left)[..., 0]
    assert picture_area(grey) == want


@pytest.mark.parametrize("case", ["one_side", "grey_bars", "uneven"])
def test_what_is_not_a_pair_of_black_bars_is_picture(case: str) -> None:
    rgb = _scene()
    if case == "one_side":  # a dark ceiling, nothing below to match it
        rgb = _boxed(rgb, 0, 0, 0, 0)
        rgb[:60] = 10
    elif case == "grey_bars":  # flat, but a wall's grey, not black
        rgb = _boxed(rgb, 0, 80)
        rgb[:, :80] = 128
        rgb[:, -80:] = 128
    else:  # black at both sides, but 20 px against 80 px: not a centred picture
        rgb = _boxed(rgb, 0, 20, 0, 80)
    h, w = rgb.shape[:2]
    assert picture_area(rgb[..., 0]) == (0, 0, w, h)


def test_a_blank_frame_says_nothing() -> None:
    assert picture_area(np.zeros((100, 80), np.uint8)) is None


def test_a_recording_keeps_what_any_frame_shows() -> None:
    """Only what is a bar in every frame is cut: a title card (white text on black) does not
    crop the recording to its text, and a black fade frame does not count."""
    boxed = _boxed(_scene(), 0, 90)  # 380 x 300, picture x 90..290
    fade = np.zeros_like(boxed)
    title = np.zeros_like(boxed)
    title[140:160, 150:230] = 255
    w = boxed.shape[1]
    area = picture_of_frames([fade, boxed, boxed])
    assert area == pytest.approx(((90 + BAR_INSET_PX) / w, 0.0, (290 - BAR_INSET_PX) / w, 1.0))
    assert picture_of_frames([title, boxed]) == area  # the text lies inside the picture
    wide = boxed.copy()
    wide[:, 10:90] = 120  # a frame with picture where the others have bars
    assert picture_of_frames([boxed, wide]) is None
    assert picture_of_frames([fade]) is None
    assert crop(boxed, area).shape == (300, 200 - 2 * BAR_INSET_PX, 3)


@pytest.mark.parametrize("size", [(1000, 500), (333, 777)])
def test_the_picture_size_is_the_size_of_the_crop(size: tuple[int, int]) -> None:
    area = (0.2013, 0.05, 0.7991, 0.95)
    rgb = np.zeros((size[1], size[0], 3), np.uint8)
    h, w = crop(rgb, area).shape[:2]
    assert picture_size(area, size) == (w, h)
    assert picture_size(None, size) == size
    assert crop(rgb, None) is rgb


# ------------------------------------------------------------------ blurred bars
@cache
def _office() -> np.ndarray:
    """A frame of the real standing_front.mp4 (420 x 420, an office)."""
    for i, (_, rgb) in enumerate(iter_frames(REAL / "standing_front.mp4")):
        if i == 25:
            return rgb
    raise AssertionError("standing_front.mp4 is shorter than expected")


@pytest.mark.parametrize("quality", [None, 40])
@pytest.mark.parametrize("dim", [1.0, 0.7])
@pytest.mark.parametrize("sigma", [6.0, 25.0])
@pytest.mark.parametrize(("width", "height"), [(746, 420), (420, 746)],
                         ids=["pillarbox", "letterbox"])
def test_blurred_bars_are_found(width: int, height: int, sigma: float, dim: float,
                                quality: int | None) -> None:
    """A zoomed, blurred copy of the clip behind it (as apps fill a 16:9 or 9:16 frame)."""
    boxed, (ox, oy) = blurred_boxed(_office(), width, height, sigma, dim)
    if quality is not None:
        boxed = jpeg(boxed, quality)
    want = (ox + BAR_INSET_PX if ox else 0, oy + BAR_INSET_PX if oy else 0,
            ox + 420 - BAR_INSET_PX if ox else width, oy + 420 - BAR_INSET_PX if oy else height)
    got = picture_area(cv2.cvtColor(boxed, cv2.COLOR_RGB2GRAY))
    assert got is not None
    assert np.abs(np.subtract(got, want)).max() <= 2, (got, want)


@pytest.mark.parametrize("case", ["office", "compressed", "portrait_mode", "flat_grey_bars",
                                  "patterned_bars"])
def test_what_is_not_a_blurred_copy_is_picture(case: str) -> None:
    rgb = _office()
    if case == "compressed":
        rgb = jpeg(rgb, 15)
    elif case == "portrait_mode":  # sides blurred with a soft edge, as a phone's portrait mode
        soft = cv2.GaussianBlur(rgb, (0, 0), 12).astype(np.float32)
        x = np.abs(np.arange(420) - 210.0)
        wgt = np.clip((x - 120.0) / 40.0, 0.0, 1.0)[None, :, None]
        rgb = (rgb * (1.0 - wgt) + soft * wgt).astype(np.uint8)
    elif case == "flat_grey_bars":  # flat colour: no copy of the picture in it
        rgb = _boxed(rgb, 0, 163)
        rgb[:, :163] = 128
        rgb[:, -163:] = 128
    else:  # a patterned frame is not blurred
        rgb = _boxed(rgb, 0, 163)
        rgb[:, :163] = rgb[:, -163:] = _scene(420, 163, seed=3)
    h, w = rgb.shape[:2]
    assert picture_area(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)) == (0, 0, w, h)
