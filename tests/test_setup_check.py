"""Set-up check (pure functions): each checklist item's verdict and fix from values, the
per-frame values from synthetic landmarks, the hold-then-measure state machine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posture_check.analysis.setup_check import (
    ITEMS,
    SetupGate,
    frame_light,
    recording_setup,
    setup_check,
    setup_values,
)
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries

GOOD = {"margin": 0.18, "span": 0.62, "yaw": 3.0, "body_roll": 0.5, "center_x": 0.5,
        "top_margin": 0.2, "bottom_margin": 0.18, "distance_m": 2.7, "people": 1.0}
LIGHT = (150.0, 50.0)


@pytest.mark.parametrize(("change", "kw", "item", "ok", "fix"), [
    ({}, {}, None, True, ""),
    ({"margin": -0.1, "bottom_margin": -0.1}, {}, "in_view", False, "feet are out"),
    ({"margin": 0.01, "top_margin": 0.01}, {}, "in_view", False, "head is cut off"),
    ({"margin": -0.1, "top_margin": -0.1, "bottom_margin": -0.05}, {}, "in_view", False,
     "head and feet"),
    ({"margin": 0.02, "center_x": 0.1}, {}, "in_view", False, "Step to your left"),
    ({"margin": 0.02, "center_x": 0.9}, {}, "in_view", False, "Step to your right"),
    ({"span": 0.9, "distance_m": 2.0}, {}, "distance", False, "Step back about 60 cm"),
    ({"span": 0.4, "distance_m": 4.0}, {}, "distance", False, "Come closer about 170 cm"),
    ({"span": 0.9, "distance_m": math.nan}, {}, "distance", False, "Step back a little"),
    # yaw > 0: the subject's right side is nearer the camera: bring the left shoulder forward
    ({"yaw": 35.0}, {}, "square", False, "Turn your left shoulder toward the camera, about 35°"),
    ({"yaw": -28.0}, {}, "square", False, "Turn your right shoulder toward the camera"),
    ({"yaw": 19.0}, {}, "square", True, ""),
    ({"yaw": 170.0}, {}, "square", False, "Turn around"),
    # a mis-skeleton (hips on one point) read as a back view: not "turn around"
    ({"yaw": 170.0, "skeleton": 0.0}, {}, "square", False, "stand out from the wall"),
    ({"yaw": 3.0, "skeleton": 0.0}, {}, "square", False, "stand out from the wall"),
    ({"yaw": 85.0}, {"target": "side"}, "square", True, ""),
    ({"yaw": -100.0}, {"target": "side"}, "square", True, ""),
    ({"yaw": 5.0}, {"target": "side"}, "square", False, "Turn sideways"),
    ({"yaw": 55.0}, {"target": "side"}, "square", False, "35° more"),
    ({"body_roll": 7.0}, {}, "level", False, "raise its right edge"),
    ({"body_roll": -7.0}, {}, "level", False, "raise its left edge"),
    ({"body_roll": 4.0}, {}, "level", True, ""),
    # a scene roll overrides the body's vertical, with the tighter 3 deg limit
    ({"body_roll": 0.0}, {"roll_deg": 4.0, "roll_from_scene": True}, "level", False, "about 4°"),
    ({"body_roll": 9.0}, {"roll_deg": 1.0, "roll_from_scene": True}, "level", True, ""),
    ({}, {"light": (20.0, 10.0)}, "light", False, "Too dark"),
    ({}, {"light": (240.0, 10.0)}, "light", False, "Too bright"),
    ({}, {"light": (120.0, 8.0)}, "light", False, "Low contrast"),
    ({"people": 2.0}, {}, "one_person", False, "Only one person"),
    ({"people": 0.0}, {}, "one_person", False, "Step into the picture"),
])
def test_checklist_items(change, kw, item, ok, fix):
    kw = {"light": LIGHT, **kw}
    check = setup_check({**GOOD, **change}, **kw)
    assert [i.name for i in check.items] == list(ITEMS)
    if item is None:
        assert check.all_ok and check.fixes() == ()
        return
    it = check.item(item)
    assert it.ok is ok
    assert fix in it.fix
    others = [i for i in check.items if i.name != item]
    assert all(i.ok for i in others), [i for i in others if not i.ok]
    assert check.all_ok is ok


def test_nobody_fails_every_pose_item():
    check = setup_check({}, light=LIGHT)
    assert not check.all_ok
    assert not check.item("in_view").ok and not check.item("one_person").ok
    assert "Step into the picture" in check.item("in_view").fix


@pytest.mark.parametrize(("events", "ready_at"), [
    ([(0.0, True), (1.0, True), (1.6, True)], 1.6),
    ([(0.0, True), (1.0, False), (1.2, True), (2.0, True), (2.8, True)], 2.8),
    ([(0.0, False), (1.0, False), (5.0, False)], None),
    ([(t / 10, True) for t in range(14)], None),  # 1.3 s: not yet
])
def test_gate_starts_after_the_hold(events, ready_at):
    gate = SetupGate(hold_s=1.5)
    for t, ok in events:
        gate.update(t, ok)
    assert gate.ready is (ready_at is not None)
    assert gate.ready_at == ready_at


def test_gate_stays_ready_through_a_failed_item_and_resets_when_nobody_for_long():
    gate = SetupGate(hold_s=1.0, lost_s=3.0)
    for t in (0.0, 0.5, 1.0):
        gate.update(t, True)
    assert gate.ready
    assert gate.update(1.5, False, person=True)  # measuring: the gating takes over
    assert gate.update(2.0, False, person=False) and gate.update(4.5, False, person=False)
    assert not gate.update(5.1, False, person=False)  # gone 3 s: set up again
    assert gate.progress == 0.0


def test_frame_light():
    flat = np.full((40, 40, 3), 30, np.uint8)
    mean, std = frame_light(flat)
    assert mean == pytest.approx(30, abs=0.5) and std == pytest.approx(0, abs=0.01)
    half = flat.copy()
    half[:, 20:] = 230
    assert frame_light(half)[1] > 90


def _standing(n: int, scale: float = 0.6, dx: float = 0.0, turn: float = 0.0) -> PoseSeries:
    """A crude upright body: x about 0.5 (+dx), nose at 0.5 - scale/2, heels at 0.5 + scale/2;
    world landmarks metric, the hips turned by ``turn`` degrees (+ = right side nearer)."""
    img = np.zeros((n, 33, 3))
    world = np.zeros((n, 33, 3))
    y_of = {L.NOSE: 0.0, L.LEFT_EAR: 0.0, L.RIGHT_EAR: 0.0, L.LEFT_SHOULDER: 0.15,
            L.RIGHT_SHOULDER: 0.15, L.LEFT_HIP: 0.47, L.RIGHT_HIP: 0.47, L.LEFT_KNEE: 0.72,
            L.RIGHT_KNEE: 0.72, L.LEFT_ANKLE: 0.97, L.RIGHT_ANKLE: 0.97, L.LEFT_HEEL: 1.0,
            L.RIGHT_HEEL: 1.0, L.LEFT_FOOT_INDEX: 1.0, L.RIGHT_FOOT_INDEX: 1.0}
    a = math.radians(turn)
    for lm in L:
        yy = y_of.get(lm, 0.3)
        side = 1 if "LEFT" in lm.name else (-1 if "RIGHT" in lm.name else 0)
        img[:, lm] = (0.5 + dx + side * 0.05 * scale, 0.5 - scale / 2 + yy * scale, 0)
        # world: x toward the image right (subject's left when facing), z away from the camera
        world[:, lm] = (side * 0.15 * math.cos(a), (yy - 0.47) * 1.6, side * 0.15 * math.sin(a))
    vis = np.ones((n, 33))
    return PoseSeries(img, world, vis, vis.copy(), np.arange(n) / 30.0, (480, 640))


def test_setup_values_of_a_synthetic_body():
    v = setup_values(_standing(3))
    assert v["span"] == pytest.approx(np.full(3, 0.6))
    assert v["margin"] == pytest.approx(np.full(3, 0.2))
    assert np.abs(v["yaw"]).max() < 1 and np.abs(v["body_roll"]).max() < 1e-6
    assert np.all(v["distance_m"] > 1.5)
    turned = setup_values(_standing(1, turn=40.0))["yaw"][0]
    assert turned == pytest.approx(40.0, abs=1.0)  # right side nearer the camera: + yaw
    assert list(v["skeleton"]) == [1.0, 1.0, 1.0]
    collapsed = _standing(2)
    collapsed.world[:, [L.LEFT_HIP, L.RIGHT_HIP], 0] = 0.0  # both hips on one point
    assert list(setup_values(collapsed)["skeleton"]) == [0.0, 0.0]


def test_people_come_from_the_series_own_per_frame_counts():
    from dataclasses import replace

    base = _standing(3)
    crowd = replace(base, people_per_frame=np.array([1, 2, 3]))
    assert list(setup_values(crowd)["people"]) == [1.0, 2.0, 3.0]
    assert list(setup_values(base)["people"]) == [1.0, 1.0, 1.0]


def test_recording_setup_ready_once_the_person_steps_into_place():
    bad = _standing(30, scale=1.1)  # too close: head and feet out of the picture
    good = _standing(90)
    series = PoseSeries(*(np.concatenate([getattr(bad, k), getattr(good, k)]) for k in
                          ("image", "world", "visibility", "presence")),
                        np.arange(120) / 30.0, bad.frame_size)
    rep = recording_setup(series, first_s=0.5, light=LIGHT)
    items = {d["name"]: d for d in rep["items"]}
    assert not rep["all_ok"] and not items["in_view"]["ok"] and not items["distance"]["ok"]
    assert "Step back" in items["distance"]["fix"]
    assert rep["ready_at_s"] == pytest.approx(1.0 + 1.5, abs=0.05)
    rep_good = recording_setup(good, light=LIGHT)
    assert rep_good["all_ok"] and rep_good["ready_at_s"] == pytest.approx(1.5, abs=0.05)


@pytest.mark.parametrize("target", ["front", "side"])
@pytest.mark.parametrize("scene_roll", [None, 2.0, 4.0])
def test_vectorized_frame_ok_agrees_with_the_checklist(target, scene_roll):
    from posture_check.analysis.setup_check import frame_ok

    rng = np.random.default_rng(7)
    n = 400
    vals = {"margin": rng.uniform(-0.1, 0.2, n), "span": rng.uniform(0.4, 1.0, n),
            "yaw": rng.uniform(-180, 180, n), "body_roll": rng.uniform(-8, 8, n),
            "center_x": rng.uniform(0, 1, n), "top_margin": rng.uniform(-0.1, 0.3, n),
            "bottom_margin": rng.uniform(-0.1, 0.3, n), "distance_m": rng.uniform(1, 4, n),
            "people": rng.integers(0, 3, n).astype(float),
            "skeleton": (rng.uniform(size=n) > 0.1).astype(float)}
    vec = frame_ok(vals, target=target, roll_deg=scene_roll)
    one = [setup_check({k: v[i] for k, v in vals.items()}, target=target, roll_deg=scene_roll,
                       roll_from_scene=True, light=LIGHT).all_ok for i in range(n)]
    assert vec.tolist() == one
    assert vec.sum() < n and bool(vec.sum() > 0) == (scene_roll != 4.0)  # a 4 deg roll fails all


@pytest.mark.parametrize(("ok", "ready"), [
    ([1, 1, 1, 1, 1], 1.5),
    ([1, 0, 1, 1, 1, 1, 1], 2.5),
    ([1, 1, 0, 1, 1], None),
    ([0, 0, 0], None),
])
def test_first_ready_matches_the_gate(ok, ready):
    from posture_check.analysis.setup_check import first_ready_s

    t = np.arange(len(ok)) * 0.5
    assert first_ready_s(t, np.array(ok, bool)) == ready
    gate = SetupGate(hold_s=1.5)
    for ti, o in zip(t, ok, strict=True):
        gate.update(float(ti), bool(o))
    assert gate.ready_at == ready


def test_frames_without_a_person_are_nan_without_warnings():
    import warnings

    s = PoseSeries.empty(np.arange(3) / 30.0, (480, 640))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = setup_values(s)
        rep = recording_setup(s, light=LIGHT)
    assert all(np.isnan(v[k]).all() for k in ("margin", "span", "yaw", "body_roll"))
    assert v["people"].tolist() == [0.0, 0.0, 0.0]
    assert rep["ready_at_s"] is None and not rep["all_ok"]
