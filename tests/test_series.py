"""PoseSeries: validation, NaN frames, pixels, mirroring and .npz round trip (synthetic data)."""

from __future__ import annotations

import numpy as np
import pytest

from posture_check import Landmark, PoseSeries


def make_series(n: int = 4, seed: int = 0) -> PoseSeries:
    rng = np.random.default_rng(seed)
    image = rng.uniform(0.2, 0.8, (n, 33, 3))
    world = rng.normal(0, 0.3, (n, 33, 3))
    vis = rng.uniform(0.5, 1, (n, 33))
    return PoseSeries(image, world, vis, vis.copy(), np.arange(n) / 30.0, (640, 480), "synthetic")


def test_shapes_are_checked_with_a_clear_message():
    s = make_series()
    with pytest.raises(ValueError, match=r"image must have shape \(4, 33, 3\)"):
        PoseSeries(s.image[:, :10], s.world, s.visibility, s.presence, s.t_s, (640, 480))
    with pytest.raises(ValueError, match="non-decreasing"):
        PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s[::-1], (640, 480))
    with pytest.raises(ValueError, match="frame_size"):
        PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, (0, 480))


def test_infinite_landmarks_are_not_a_detection():
    s = make_series(4)
    image = s.image.copy()
    image[1] = np.inf  # every landmark infinite: nobody there
    image[2, :, :2] = -np.inf
    image[3, 1:, 0] = np.nan  # one finite landmark left: still a person (partly seen)
    t = PoseSeries(image, s.world, s.visibility, s.presence, s.t_s, s.frame_size)
    np.testing.assert_array_equal(t.detected, [True, False, False, True])


def test_empty_series_is_all_nan_and_not_detected():
    s = PoseSeries.empty(np.arange(3) / 10, (100, 200))
    assert len(s) == 3
    assert not s.detected.any()
    assert np.isnan(s.image_px()).all()


def test_image_px_scales_x_and_y_separately():
    s = make_series()
    px = s.image_px()
    np.testing.assert_allclose(px[..., 0], s.image[..., 0] * 640, rtol=1e-6)
    np.testing.assert_allclose(px[..., 1], s.image[..., 1] * 480, rtol=1e-6)


def test_mirror_swaps_sides_and_is_an_involution():
    s = make_series()
    m = s.mirrored()
    np.testing.assert_allclose(m.image[:, Landmark.LEFT_HIP, 0],
                               1 - s.image[:, Landmark.RIGHT_HIP, 0], rtol=1e-6)
    np.testing.assert_allclose(m.world[:, Landmark.LEFT_HEEL, 0],
                               -s.world[:, Landmark.RIGHT_HEEL, 0], rtol=1e-6)
    mm = m.mirrored()
    np.testing.assert_allclose(mm.image, s.image, atol=1e-6)


def test_npz_round_trip_keeps_nan_frames_and_metadata(tmp_path):
    s = make_series()
    s.image[1] = np.nan
    s = PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, s.frame_size, s.source,
                   {"model": "m.task"}, np.array([1, 0, 1, 2]))
    path = s.save(tmp_path / "out.npz")
    loaded = PoseSeries.load(path)
    np.testing.assert_array_equal(loaded.detected, [True, False, True, True])
    np.testing.assert_allclose(loaded.world, s.world)
    assert loaded.meta == s.meta and loaded.frame_size == (640, 480)
    np.testing.assert_array_equal(loaded.people_per_frame, [1, 0, 1, 2])
    assert loaded.source == "synthetic"
    assert [p.name for p in tmp_path.iterdir()] == ["out.npz"]  # no temporary file left


def test_slicing_and_concatenation():
    s = make_series(6)
    joined = PoseSeries.concatenate([s[:2], s[2:]])
    np.testing.assert_allclose(joined.image, s.image)
    assert len(s[np.array([True, False] * 3)]) == 3


def test_people_per_frame_is_a_typed_field_that_slices_and_concatenates():
    s = make_series(6)
    np.testing.assert_array_equal(s.people_per_frame, [1] * 6)  # not given: detected -> 1
    people = np.array([1, 2, 3, 1, 0, 2])
    s = PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, s.frame_size,
                   people_per_frame=people)
    assert s.people_per_frame.shape == (6,) and s.people_per_frame.dtype == np.int64
    np.testing.assert_array_equal(s[2:4].people_per_frame, [3, 1])
    np.testing.assert_array_equal(s[np.array([True, False] * 3)].people_per_frame, [1, 3, 0])
    np.testing.assert_array_equal(s[-1].people_per_frame, [2])
    joined = PoseSeries.concatenate([s[:2], s[2:5], s[5:]])  # every part's counts, in order
    np.testing.assert_array_equal(joined.people_per_frame, people)
    np.testing.assert_array_equal(s.mirrored().people_per_frame, people)
    # an older series with the counts in meta: moved into the field, meta keeps the rest
    legacy = PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, s.frame_size,
                        meta={"model": "m", "people_per_frame": [2, 2, 2, 2, 2, 2]})
    np.testing.assert_array_equal(legacy.people_per_frame, [2] * 6)
    assert legacy.meta == {"model": "m"}
    s.image[1] = np.nan  # malformed counts fall back to detected
    for bad in ([1, 2], ["x"] * 6, [None] * 6, [np.nan] * 6):
        odd = PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, s.frame_size,
                         people_per_frame=bad)
        np.testing.assert_array_equal(odd.people_per_frame, [1, 0, 1, 1, 1, 1])


def test_atomic_writes_get_the_usual_permissions(tmp_path):
    import os

    from posture_check.atomic import write_text_atomic

    path = tmp_path / "report.json"
    write_text_atomic(path, "{}")
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_flip_averaged_is_a_typed_per_frame_field(tmp_path):
    s = make_series(6)
    np.testing.assert_array_equal(s.flip_averaged, [False] * 6)  # not given: none
    flip = np.array([True, True, False, False, True, False])
    s = PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, s.frame_size,
                   flip_averaged=flip)
    assert s.flip_averaged.shape == (6,) and s.flip_averaged.dtype == bool
    np.testing.assert_array_equal(s[1:3].flip_averaged, [True, False])
    np.testing.assert_array_equal(s[np.array([True, False] * 3)].flip_averaged,
                                  [True, False, True])
    np.testing.assert_array_equal(s[-1].flip_averaged, [False])
    np.testing.assert_array_equal(PoseSeries.concatenate([s[:1], s[1:4], s[4:]]).flip_averaged,
                                  flip)
    np.testing.assert_array_equal(s.mirrored().flip_averaged, flip)
    np.testing.assert_array_equal(PoseSeries.load(s.save(tmp_path / "s.npz")).flip_averaged, flip)
    # the former whole-series meta["flip_average"] bool: moved into the field for every frame
    legacy = PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, s.frame_size,
                        meta={"model": "m", "flip_average": True})
    np.testing.assert_array_equal(legacy.flip_averaged, [True] * 6)
    assert legacy.meta == {"model": "m"}
    odd = PoseSeries(s.image, s.world, s.visibility, s.presence, s.t_s, s.frame_size,
                     flip_averaged=[True, False])  # wrong length: none
    np.testing.assert_array_equal(odd.flip_averaged, [False] * 6)
