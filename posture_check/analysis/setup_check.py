"""Set-up check before measuring: is the camera placed so the numbers can be trusted?

A cut-off head, a turned body or a tilted camera changed readings by tens of degrees, so the live
check (and the report of a recording) first checks six items, each with a value, a pass/fail and
the fix a person can act on (:data:`ITEMS`, in the order shown):

* ``in_view``: the whole body (:data:`posture_check.measures.gating.WHOLE_BODY`, nose to toes)
  at least :data:`~posture_check.measures.gating.WHOLE_BODY_MARGIN` (3% of the frame) from every
  edge, the rule the posture gating uses. Value: the smallest margin, fraction of the frame
  (negative = out of the picture).
* ``distance``: the nose-to-heel height as a fraction of the frame height, within
  :data:`SPAN_RANGE`. The fix says how far to step back / come closer: the camera distance is
  estimated from the body's MediaPipe stature and an assumed 50 deg vertical field of view
  (:data:`posture_check.measures.calibration.ASSUMED_VFOV_DEG`), rounded to 10 cm.
* ``square``: how far the body is turned from facing the camera (degrees, subject yaw from
  :func:`posture_check.measures.body_frame.subject_yaw_deg`; ``+`` = the subject's right side
  nearer the camera). Facing the camera it must be within
  :data:`~posture_check.measures.gating.FRONTAL_MAX_TURN_DEG` (20 deg); for a side view within
  :data:`SIDE_TOLERANCE_DEG` of 90. The fix names the subject's own shoulder ("turn your right
  shoulder toward the camera").
* ``level``: camera roll in degrees (``+`` = true verticals appear rotated counter-clockwise,
  as :mod:`posture_check.measures.camera_roll`). From the room's vertical lines when given
  (limit :data:`~posture_check.measures.camera_roll.LARGE_ROLL_DEG`, 3 deg), else from the
  body's own vertical (mid-ankle -> mid-shoulder line on screen, limit
  :data:`BODY_ROLL_LIMIT_DEG`, looser because a standing person sways a little).
* ``light``: mean luma of the frame (0-255, BT.601 grey) within :data:`LUMA_RANGE` and its
  standard deviation (contrast) at least :data:`MIN_CONTRAST`. Value: the mean luma.
* ``one_person``: people the landmarker found (a recording's count per frame; live, a probe
  every 2 s while setting up, :mod:`posture_check.live.setup`, since the live landmarker
  follows one person).

Everything here is pure numpy (one frame or a whole series at once); :class:`SetupGate` is the
small state machine that starts measuring once every item has held for :data:`HOLD_S` seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from posture_check.measures.body_frame import stature_m, subject_yaw_deg
from posture_check.measures.calibration import ASSUMED_VFOV_DEG
from posture_check.measures.camera_roll import LARGE_ROLL_DEG
from posture_check.measures.columns import Points, gather
from posture_check.measures.gating import (
    FRONTAL_MAX_TURN_DEG,
    WHOLE_BODY,
    WHOLE_BODY_MARGIN,
    body_proportions_ok,
)
from posture_check.measures.quality import MIN_PRESENCE
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries

__all__ = [
    "HOLD_S",
    "ITEMS",
    "ITEM_LABELS",
    "SetupCheck",
    "SetupGate",
    "SetupItem",
    "first_ready_s",
    "frame_light",
    "frame_ok",
    "recording_setup",
    "setup_check",
    "setup_values",
]

ITEMS: tuple[str, ...] = ("in_view", "distance", "square", "level", "light", "one_person")
#: What each item is called on the checklist.
ITEM_LABELS: dict[str, str] = {
    "in_view": "Whole body in the picture",
    "distance": "Distance to the camera",
    "square": "Body square to the camera",
    "level": "Camera level",
    "light": "Light and contrast",
    "one_person": "One person in view",
}
SPAN_RANGE = (0.55, 0.85)  # nose-to-heel height / frame height
SPAN_TARGET = 0.70
SIDE_TOLERANCE_DEG = 25.0
BODY_ROLL_LIMIT_DEG = 5.0
LUMA_RANGE = (45.0, 215.0)
MIN_CONTRAST = 20.0
HOLD_S = 1.5
NOSE_TO_HEEL_OF_STATURE = 0.90  # eyes/nose sit ~7% below the top of the head, heel at 0

_TOP = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR)
_BOTTOM = (L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)


@dataclass(frozen=True)
class SetupItem:
    """One checklist line: ``name`` (:data:`ITEMS`), ``ok``, ``value`` (units in the module
    docstring; NaN = could not tell) and ``fix`` (what to do; ``""`` when ok)."""

    name: str
    ok: bool
    value: float
    fix: str

    @property
    def label(self) -> str:
        return ITEM_LABELS[self.name]

    def as_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "ok": self.ok,
                "value": None if not math.isfinite(self.value) else round(self.value, 3),
                "fix": self.fix}


@dataclass(frozen=True)
class SetupCheck:
    """The checklist at one moment (or over a window of frames)."""

    items: tuple[SetupItem, ...]

    @property
    def all_ok(self) -> bool:
        return all(i.ok for i in self.items)

    def item(self, name: str) -> SetupItem:
        return next(i for i in self.items if i.name == name)

    def fixes(self) -> tuple[str, ...]:
        return tuple(i.fix for i in self.items if not i.ok and i.fix)


def frame_light(rgb: np.ndarray, step: int = 4) -> tuple[float, float]:
    """(mean, standard deviation) of the BT.601 luma of an RGB uint8 frame, on every
    ``step``-th pixel (0-255)."""
    sub = np.asarray(rgb)[::step, ::step, :3].astype(np.float32)
    y = sub @ np.array([0.299, 0.587, 0.114], np.float32)
    return float(y.mean()), float(y.std())


def _mid(a: np.ndarray, i: int, j: int) -> np.ndarray:
    return 0.5 * (a[:, i] + a[:, j])


def setup_values(series: PoseSeries) -> dict[str, np.ndarray]:
    """``(T,)`` arrays of the pose-based values: ``margin``, ``span``, ``yaw``, ``body_roll``,
    ``center_x`` (normalized), ``top_margin``, ``bottom_margin``, ``distance_m`` (camera
    distance estimate), ``people`` and ``skeleton`` (1 where the pose model's 3D skeleton has
    human proportions, :func:`~posture_check.measures.gating.body_proportions_ok`; 0 where
    not). NaN where nobody was found."""
    import warnings

    with warnings.catch_warnings():  # frames without a person: all-NaN rows give NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return _setup_values(series)


def _setup_values(series: PoseSeries) -> dict[str, np.ndarray]:
    img = series.image[:, :, :2].astype(np.float64)
    idx = list(WHOLE_BODY)
    xy = img[:, idx]
    with np.errstate(invalid="ignore"):
        edge = np.minimum(xy, 1.0 - xy).min(axis=2)  # (T, K) distance to the nearest edge
        absent = series.presence[:, idx] < MIN_PRESENCE
    edge = np.where(absent, np.minimum(edge, -0.01), edge)
    margin = np.min(edge, axis=1)
    top = np.nanmin(img[:, list(_TOP), 1], axis=1) if len(series) else np.zeros(0)
    bottom = np.nanmax(img[:, list(_BOTTOM), 1], axis=1) if len(series) else np.zeros(0)
    span = bottom - top
    h = series.frame_size[1]
    px = series.image_px()
    shoulder = _mid(px, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    ankle = _mid(px, L.LEFT_ANKLE, L.RIGHT_ANKLE)
    d = shoulder - ankle  # up the body, y down on screen
    # + = the body's top appears rotated counter-clockwise (to the image left), as roll_deg
    body_roll = np.degrees(np.arctan2(-d[:, 0], -d[:, 1]))
    stature = stature_m(series.world)
    f_px = 0.5 * h / math.tan(math.radians(ASSUMED_VFOV_DEG) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = stature * NOSE_TO_HEEL_OF_STATURE * f_px / (span * h)
    people = series.counts.astype(float)
    # 1 where MediaPipe's 3D skeleton has human proportions, 0 where not (a mis-skeleton, e.g.
    # a skin-coloured top against a skin-coloured wall: its turn is meaningless too)
    skeleton = body_proportions_ok(Points(gather(series.world, 3))).astype(float)
    det = series.detected
    out = {"margin": margin, "span": span, "yaw": subject_yaw_deg(series.world),
           "body_roll": body_roll, "center_x": 0.5 * (np.nanmin(img[:, idx, 0], axis=1)
                                                      + np.nanmax(img[:, idx, 0], axis=1)),
           "top_margin": top, "bottom_margin": 1.0 - bottom, "distance_m": distance,
           "people": people, "skeleton": skeleton}
    for k, v in out.items():
        if k != "people":
            out[k] = np.where(det, v, np.nan)
    return out


def _cm(x_m: float) -> int:
    return max(10, round(abs(x_m) * 10.0) * 10)


def _in_view(margin: float, top: float, bottom: float, cx: float, facing: bool) -> SetupItem:
    ok = math.isfinite(margin) and margin >= WHOLE_BODY_MARGIN
    fix = ""
    if not math.isfinite(margin):
        fix = "Step into the picture, 2-3 m from the camera."
    elif not ok:
        head_cut = top < WHOLE_BODY_MARGIN
        feet_cut = bottom < WHOLE_BODY_MARGIN
        if head_cut and feet_cut:
            fix = "Step back: your head and feet are out of the picture."
        elif head_cut:
            fix = "Tilt the camera up or step back: your head is cut off."
        elif feet_cut:
            fix = "Tilt the camera down or step back: your feet are out of the picture."
        elif facing:  # facing the camera, the image left is the subject's right
            fix = ("Step to your left: you are at the edge of the picture." if cx < 0.5
                   else "Step to your right: you are at the edge of the picture.")
        else:
            fix = "Move to the middle of the picture: you are at its edge."
    return SetupItem("in_view", ok, margin, fix)


def _distance(span: float, distance_m: float) -> SetupItem:
    lo, hi = SPAN_RANGE
    ok = math.isfinite(span) and lo <= span <= hi
    fix = ""
    if math.isfinite(span) and not ok:
        move = distance_m * (span / SPAN_TARGET - 1.0) if math.isfinite(distance_m) else math.nan
        if span > hi:
            fix = (f"Step back about {_cm(move)} cm." if math.isfinite(move)
                   else "Step back a little.")
        else:
            fix = (f"Come closer about {_cm(move)} cm." if math.isfinite(move)
                   else "Come a little closer.")
    return SetupItem("distance", ok, span, fix)


SKELETON_FIX = ("The camera cannot make out your body's shape: wear clothes that stand out "
                "from the wall behind you.")


def _square(yaw: float, target: str, skeleton: float = 1.0) -> SetupItem:
    if not math.isfinite(yaw):
        return SetupItem("square", False, math.nan, "")
    if skeleton < 0.5:  # a skeleton no human has: its turn says nothing (not "turn around")
        return SetupItem("square", False, yaw, SKELETON_FIX)
    if target == "side":
        turn = abs(yaw) - 90.0  # > 0: turned toward the back
        ok = abs(turn) <= SIDE_TOLERANCE_DEG
        fix = "" if ok else ("Turn sideways to the camera." if abs(turn) > 45 else
                             f"Turn about {abs(turn):.0f}° more so your side faces the camera.")
        return SetupItem("square", ok, turn, fix)
    ok = abs(yaw) <= FRONTAL_MAX_TURN_DEG
    fix = ""
    if abs(yaw) >= 150:
        fix = "Turn around to face the camera."
    elif not ok:  # yaw > 0: the right side is nearer the camera -> bring the left forward
        shoulder = "left" if yaw > 0 else "right"
        fix = f"Turn your {shoulder} shoulder toward the camera, about {abs(yaw):.0f}°."
    return SetupItem("square", ok, yaw, fix)


def _level(roll: float, from_scene: bool) -> SetupItem:
    if not math.isfinite(roll):
        return SetupItem("level", False, math.nan, "")
    limit = LARGE_ROLL_DEG if from_scene else BODY_ROLL_LIMIT_DEG
    ok = abs(roll) <= limit
    # roll > 0: the picture turned counter-clockwise = the camera turned clockwise as seen
    # from behind it (its right edge low)
    edge = "right" if roll > 0 else "left"
    fix = "" if ok else (f"Level the camera: raise its {edge} edge (seen from behind it), "
                         f"about {abs(roll):.0f}°.")
    return SetupItem("level", ok, roll, fix)


def _light(mean: float, std: float) -> SetupItem:
    if not math.isfinite(mean):
        return SetupItem("light", True, math.nan, "")  # no frame to judge: not held against
    lo, hi = LUMA_RANGE
    if mean < lo:
        return SetupItem("light", False, mean, "Too dark: add light from the front.")
    if mean > hi:
        return SetupItem("light", False, mean, "Too bright: avoid a window or lamp behind you.")
    if std < MIN_CONTRAST:
        return SetupItem("light", False, mean, "Low contrast: wear clothes that differ from "
                                               "the wall, light from the front.")
    return SetupItem("light", True, mean, "")


def _one_person(people: float) -> SetupItem:
    if not math.isfinite(people) or people < 1:
        return SetupItem("one_person", False, 0.0, "Step into the picture.")
    if people > 1:
        return SetupItem("one_person", False, people,
                         "Only one person in the picture, please.")
    return SetupItem("one_person", True, people, "")


def setup_check(values: dict[str, float], *, target: str = "front",
                roll_deg: float | None = None, roll_from_scene: bool = False,
                light: tuple[float, float] | None = None) -> SetupCheck:
    """The checklist from one frame's (or a window's median) :func:`setup_values`.

    Args:
        values: name -> value (floats) as :func:`setup_values` gives them per frame.
        target: ``"front"`` (facing the camera) or ``"side"`` (side view): what ``square``
            checks.
        roll_deg: the camera roll from the scene (None: use the body's vertical).
        roll_from_scene: ``roll_deg`` came from the room's lines.
        light: (mean, sd) luma of the frame (:func:`frame_light`), None if no frame.
    """
    v = {k: float(x) for k, x in values.items()}
    nan = math.nan
    facing = math.isfinite(v.get("yaw", nan)) and abs(v["yaw"]) <= 90
    if roll_deg is not None and math.isfinite(roll_deg):
        roll, scene = float(roll_deg), roll_from_scene
    else:
        roll, scene = v.get("body_roll", nan), False
    mean, std = light if light is not None else (nan, nan)
    items = (
        _in_view(v.get("margin", nan), v.get("top_margin", nan), v.get("bottom_margin", nan),
                 v.get("center_x", 0.5), facing),
        _distance(v.get("span", nan), v.get("distance_m", nan)),
        _square(v.get("yaw", nan), target, v.get("skeleton", 1.0)),
        _level(roll, scene),
        _light(mean, std),
        _one_person(v.get("people", 0.0)),
    )
    return SetupCheck(items)


def frame_values(values: dict[str, np.ndarray], i: int) -> dict[str, float]:
    """Frame ``i`` of :func:`setup_values`."""
    return {k: float(v[i]) for k, v in values.items()}


class SetupGate:
    """Start measuring once every item has held for ``hold_s`` seconds (state machine).

    Feed it ``(t_s, all_ok)`` per frame. ``ready`` becomes True once all items held for
    ``hold_s`` and then stays (the posture gating takes over while measuring), unless nobody
    is in view for ``lost_s`` seconds: then the set-up check starts again. ``progress`` is
    the held share (0..1) for the page.
    """

    def __init__(self, hold_s: float = HOLD_S, lost_s: float = 3.0) -> None:
        self.hold_s, self.lost_s = float(hold_s), float(lost_s)
        self.ready = False
        self.ready_at: float | None = None
        self._ok_since: float | None = None
        self._gone_since: float | None = None
        self.progress = 0.0

    def update(self, t_s: float, all_ok: bool, person: bool = True) -> bool:
        if self.ready:
            if person:
                self._gone_since = None
            else:
                self._gone_since = t_s if self._gone_since is None else self._gone_since
                if t_s - self._gone_since >= self.lost_s:
                    self.ready, self.ready_at, self._ok_since = False, None, None
                    self.progress = 0.0
            return self.ready
        if not all_ok:
            self._ok_since, self.progress = None, 0.0
            return False
        if self._ok_since is None:
            self._ok_since = t_s
        held = t_s - self._ok_since
        self.progress = min(held / self.hold_s, 1.0) if self.hold_s > 0 else 1.0
        if held >= self.hold_s:
            self.ready, self.ready_at, self._gone_since = True, t_s, None
        return self.ready


def frame_ok(values: dict[str, np.ndarray], *, target: str = "front",
             roll_deg: float | None = None, light_ok: bool = True) -> np.ndarray:
    """``(T,)`` bool: every item holds in each frame (vectorized :func:`setup_check` for whole
    series; same thresholds). ``roll_deg``: a scene roll for the whole recording (None: the
    body's vertical per frame); ``light_ok``: the light item, judged once."""
    with np.errstate(invalid="ignore"):
        ok = values["margin"] >= WHOLE_BODY_MARGIN
        ok &= (values["span"] >= SPAN_RANGE[0]) & (values["span"] <= SPAN_RANGE[1])
        yaw = np.abs(values["yaw"])
        ok &= (np.abs(yaw - 90.0) <= SIDE_TOLERANCE_DEG if target == "side"
               else yaw <= FRONTAL_MAX_TURN_DEG)
        if roll_deg is not None and math.isfinite(roll_deg):
            ok &= abs(roll_deg) <= LARGE_ROLL_DEG
        else:
            ok &= np.abs(values["body_roll"]) <= BODY_ROLL_LIMIT_DEG
        ok &= values["people"] == 1
        ok &= ~(values.get("skeleton", np.ones_like(ok, float)) < 0.5)
    return ok & bool(light_ok)


def first_ready_s(t_s: np.ndarray, ok: np.ndarray, hold_s: float = HOLD_S) -> float | None:
    """The time (same clock as ``t_s``) at which ``ok`` first held for ``hold_s`` seconds,
    as :class:`SetupGate` would start measuring; None if never."""
    ok = np.asarray(ok, bool)
    if not ok.any():
        return None
    edges = np.diff(np.concatenate([[0], ok.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # [start, end)
    for a, b in zip(starts, ends, strict=True):
        held = t_s[a:b] - t_s[a]
        k = np.searchsorted(held, hold_s - 1e-9)
        if k < b - a:
            return float(t_s[a + k])
    return None


def recording_setup(series: PoseSeries, *, first_s: float = 3.0, target: str = "front",
                    roll_deg: float | None = None, roll_from_scene: bool = False,
                    light: tuple[float, float] | None = None) -> dict:
    """The set-up check of a recording: the checklist over its first ``first_s`` seconds with
    the person (median values) and when the set-up first held for :data:`HOLD_S` seconds
    (``ready_at_s`` from the first frame, None if never), for the report's quality section
    (JSON-ready dict)."""
    vals = setup_values(series)
    det = series.detected
    if not det.any():
        check = setup_check({}, target=target, roll_deg=roll_deg,
                            roll_from_scene=roll_from_scene, light=light)
        return {"items": [i.as_dict() for i in check.items], "all_ok": False,
                "first_s": first_s, "ready_at_s": None}
    t = series.t_s
    t0 = float(t[det][0])
    window = det & (t <= t0 + first_s)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = {k: float(np.nanmedian(v[window])) for k, v in vals.items()}
    check = setup_check(med, target=target, roll_deg=roll_deg, roll_from_scene=roll_from_scene,
                        light=light)
    ok = frame_ok(vals, target=target, roll_deg=roll_deg, light_ok=check.item("light").ok)
    ready = first_ready_s(t, ok)
    return {"items": [i.as_dict() for i in check.items], "all_ok": check.all_ok,
            "first_s": first_s,
            "ready_at_s": None if ready is None else round(float(ready - t[0]), 2)}


def checklist_lines(items: Sequence[dict]) -> list[str]:
    """Plain lines for a report: ``"ok: Whole body in the picture"`` /
    ``"fix: Distance to the camera: Step back about 50 cm."``."""
    return [f"{'ok' if d['ok'] else 'fix'}: {d['label']}" + ("" if d["ok"] or not d["fix"]
                                                          else f": {d['fix']}") for d in items]
