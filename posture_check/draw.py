"""Drawing on frames: annotators in the supervision style (settings in ``__init__``, ``annotate``).

Used by the annotated video, the report key frames and the live app, so everything is plain
OpenCV drawing on RGB ``uint8`` frames (a few ms per frame at 720p). Every ``annotate`` draws
**in place** and returns the same array; pass ``frame.copy()`` to keep the original::

    from posture_check.draw import AngleAnnotator, FindingsBanner, SkeletonAnnotator
    frame = SkeletonAnnotator().annotate(frame, series, index=i)
    frame = AngleAnnotator().annotate(frame, series, values, index=i)   # values: measure -> deg
    frame = FindingsBanner().annotate(frame, findings)                   # Finding objects

Colours (RGB): the subject's left side orange, right side blue (the legend says "L" / "R", the
subject's own sides, never the image's); angle labels green / amber / red for the indicator
table's ok / watch / flag thresholds on the value shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import cv2
import numpy as np

from posture_check.pose.landmarks import POSE_EDGES
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries
from posture_check.presentation import SEVERITY_COLORS, hold_text, overlay_text

__all__ = [
    "COLORS",
    "AngleAnnotator",
    "FindingsBanner",
    "HoldTimerAnnotator",
    "SkeletonAnnotator",
    "annotate_frame",
    "finding_short_text",
    "put_label",
    "severity_of",
]

Color = tuple[int, int, int]
COLORS: dict[str, Color] = {
    "left": (255, 140, 0),
    "right": (30, 144, 255),
    "centre": (235, 235, 235),
    **{sev: c.rgb for sev, c in SEVERITY_COLORS.items()},  # ok, watch, flag, not_measured
    "text": (255, 255, 255),
    "panel": (20, 20, 20),
}
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_LEFT = {lm.value for lm in L if lm.name.startswith("LEFT")}
_RIGHT = {lm.value for lm in L if lm.name.startswith("RIGHT")}

def _scale(frame: np.ndarray) -> float:
    """Text/line scale: 1.0 for a 720-pixel short side."""
    return max(min(frame.shape[:2]) / 720.0, 0.75)


def _pose_xy(frame: np.ndarray, pose: PoseSeries | np.ndarray, index: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """``(33, 2)`` pixel coordinates on ``frame`` and ``(33,)`` visibility (NaN-safe)."""
    h, w = frame.shape[:2]
    if isinstance(pose, PoseSeries):
        xy = pose.image[index, :, :2].astype(np.float64)
        vis = pose.visibility[index].astype(np.float64)
    else:
        arr = np.asarray(pose, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[0] != 33 or arr.shape[1] < 2:
            raise ValueError(f"expected (33, 2+) normalized landmarks, got {arr.shape}")
        xy = arr[:, :2]
        vis = arr[:, 3] if arr.shape[1] > 3 else np.ones(33)
    return xy * np.array([w, h], dtype=np.float64), np.nan_to_num(vis, nan=0.0)


def _pt(p: np.ndarray) -> tuple[int, int]:
    return round(p[0]), round(p[1])


def put_label(frame: np.ndarray, text: str, org: tuple[int, int], color: Color,
              scale: float = 0.6, thickness: int = 1, bg: Color | None = COLORS["panel"],
              anchor: str = "bl") -> tuple[int, int, int, int]:
    """Draw ``text`` (``°`` supported) with a filled background box; return the box.

    ``anchor``: ``"bl"`` = ``org`` is the bottom-left of the text, ``"c"`` = its centre.
    """
    parts = text.split("°")
    sizes = [cv2.getTextSize(p, _FONT, scale, thickness)[0] for p in parts]
    r_deg = max(round(3.5 * scale), 2)
    deg_w = 2 * r_deg + max(int(6 * scale), 3)
    tw = sum(s[0] for s in sizes) + deg_w * (len(parts) - 1)
    th = max((s[1] for s in sizes), default=0) or int(20 * scale)
    x, y = org
    if anchor == "c":
        x, y = x - tw // 2, y + th // 2
    pad = max(int(4 * scale), 2)
    h, w = frame.shape[:2]
    x = int(np.clip(x, pad, max(w - tw - pad, pad)))
    y = int(np.clip(y, th + pad, max(h - pad, th + pad)))
    box = (x - pad, y - th - pad, x + tw + pad, y + pad)
    if bg is not None:
        cv2.rectangle(frame, box[:2], box[2:], bg, -1)
    cx = x
    for i, (p, s) in enumerate(zip(parts, sizes, strict=True)):
        cv2.putText(frame, p, (cx, y), _FONT, scale, color, thickness, cv2.LINE_AA)
        cx += s[0]
        if i < len(parts) - 1:
            cv2.circle(frame, (cx + r_deg + max(int(2 * scale), 1), y - th + r_deg), r_deg,
                       color, max(thickness - 1, 1), cv2.LINE_AA)
            cx += deg_w
    return box


def severity_of(measure: str, value: float) -> str:
    """``"ok"`` / ``"watch"`` / ``"flag"`` of one value against the indicator table
    (``"ok"`` for measures without a row, ``"not_measured"`` for NaN): the thresholds'
    own rule, :func:`posture_check.measures.indicators.value_severity`."""
    from posture_check.measures.indicators import value_severity

    return value_severity(measure, value)


# ------------------------------------------------------------------------------------ skeleton
class SkeletonAnnotator:
    """Bones from :data:`~posture_check.pose.landmarks.POSE_EDGES` and joints, coloured by side.

    Landmarks with visibility below ``min_visibility`` are drawn thin and grey (so a guessed
    foot is shown as a guess), NaN landmarks are skipped.
    """

    def __init__(self, thickness: int | None = None, radius: int | None = None,
                 min_visibility: float = 0.5, legend: bool = True) -> None:
        self.thickness = thickness
        self.radius = radius
        self.min_visibility = min_visibility
        self.legend = legend

    def annotate(self, frame: np.ndarray, pose: PoseSeries | np.ndarray, index: int = 0
                 ) -> np.ndarray:
        """Draw the skeleton of frame ``index`` of ``pose`` (or a ``(33, 2+)`` array)."""
        s = _scale(frame)
        th = self.thickness or max(round(3 * s), 1)
        rad = self.radius or max(round(4 * s), 2)
        xy, vis = _pose_xy(frame, pose, index)
        ok = np.isfinite(xy).all(axis=1)
        if not ok.any():
            return frame
        seen = vis >= self.min_visibility
        for a, b in POSE_EDGES:
            if not (ok[a] and ok[b]):
                continue
            if a in _LEFT and b in _LEFT:
                color = COLORS["left"]
            elif a in _RIGHT and b in _RIGHT:
                color = COLORS["right"]
            else:
                color = COLORS["centre"]
            good = seen[a] and seen[b]
            cv2.line(frame, _pt(xy[a]), _pt(xy[b]), color if good else COLORS["not_measured"],
                     th if good else max(th // 2, 1), cv2.LINE_AA)
        for i in np.flatnonzero(ok):
            if i in (1, 3, 4, 6, 9, 10) or 17 <= i <= 22:  # eye corners, mouth, fingers: skip
                continue
            color = COLORS["left"] if i in _LEFT else COLORS["right"] if i in _RIGHT \
                else COLORS["centre"]
            cv2.circle(frame, _pt(xy[i]), rad, color if seen[i] else COLORS["not_measured"],
                       -1, cv2.LINE_AA)
        if self.legend:
            self._legend(frame, xy, ok, s)
        return frame

    @staticmethod
    def _legend(frame: np.ndarray, xy: np.ndarray, ok: np.ndarray, s: float) -> None:
        for lm, text, color in ((L.LEFT_SHOULDER, "L", COLORS["left"]),
                                (L.RIGHT_SHOULDER, "R", COLORS["right"])):
            if ok[lm]:
                other = L.RIGHT_SHOULDER if lm == L.LEFT_SHOULDER else L.LEFT_SHOULDER
                away = xy[lm] - xy[other] if ok[other] else np.zeros(2)
                n = float(np.hypot(*away)) or 1.0
                pos = xy[lm] + away / n * 22 * s - np.array([0.0, 18.0 * s])
                put_label(frame, text, _pt(pos), color, 0.55 * s, max(int(2 * s), 1),
                          anchor="c")


# -------------------------------------------------------------------------------------- angles
def _mid(xy: np.ndarray, a: int, b: int) -> np.ndarray:
    return (xy[a] + xy[b]) / 2.0


def _dashed(frame: np.ndarray, p0: np.ndarray, p1: np.ndarray, color: Color, th: int,
            dash: float) -> None:
    d = p1 - p0
    n = float(np.hypot(*d))
    if not np.isfinite(n) or n < 1:
        return
    steps = max(int(n // dash), 1)
    for k in range(0, steps, 2):
        a = p0 + d * (k / steps)
        b = p0 + d * (min(k + 1, steps) / steps)
        cv2.line(frame, _pt(a), _pt(b), color, th, cv2.LINE_AA)


class AngleAnnotator:
    """The measured angles drawn on the person, coloured by the indicator thresholds.

    Frontal view: the trunk line against a dashed vertical (lean), the hip line against a dashed
    horizontal (obliquity), the shoulder line (shoulder height, label above the shoulders), the
    foot turn-out under each foot. Side view: trunk flexion and the
    pelvic-tilt proxy. Only measures with a finite value are drawn, so gated measures vanish.
    """

    def __init__(self, text_scale: float = 0.65, show: Sequence[str] | None = None) -> None:
        self.text_scale = text_scale
        self.show = set(show) if show is not None else None
        #: measure -> the text drawn for it by the last :meth:`annotate` (for checks and tests)
        self.drawn: dict[str, str] = {}

    def _text(self, name: str, value: float) -> str:
        text = overlay_text(name, value)
        self.drawn[name] = text
        return text

    def _want(self, name: str, values: Mapping[str, float]) -> bool:
        v = values.get(name, math.nan)
        return (self.show is None or name in self.show) and v is not None and np.isfinite(v)

    def annotate(self, frame: np.ndarray, pose: PoseSeries | np.ndarray,
                 values: Mapping[str, float], index: int = 0) -> np.ndarray:
        """Draw ``values`` (measure name -> degrees, NaN = gated) on frame ``index``."""
        s = _scale(frame)
        ts = self.text_scale * s
        tt = max(round(1.5 * s), 1)
        th = max(round(3 * s), 1)
        self.drawn = {}
        xy, _ = _pose_xy(frame, pose, index)
        ok = np.isfinite(xy).all(axis=1)
        hips = ok[L.LEFT_HIP] and ok[L.RIGHT_HIP]
        shoulders = ok[L.LEFT_SHOULDER] and ok[L.RIGHT_SHOULDER]
        if hips and shoulders:
            mh = _mid(xy, L.LEFT_HIP, L.RIGHT_HIP)
            msh = _mid(xy, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
            trunk = float(np.hypot(*(msh - mh)))
            if self._want("lateral_lean", values):
                v = values["lateral_lean"]
                c = COLORS[severity_of("lateral_lean", v)]
                _dashed(frame, mh, mh - np.array([0.0, trunk]), COLORS["centre"], max(th - 1, 1),
                        8 * s)
                cv2.line(frame, _pt(mh), _pt(msh), c, th + 1, cv2.LINE_AA)
                put_label(frame, self._text("lateral_lean", v),
                          _pt(0.5 * (mh + msh)), c, ts, tt, anchor="c")
            elif self._want("trunk_flexion", values):
                v = values["trunk_flexion"]
                _dashed(frame, mh, mh - np.array([0.0, trunk]), COLORS["centre"], max(th - 1, 1),
                        8 * s)
                cv2.line(frame, _pt(mh), _pt(msh), COLORS["ok"], th + 1, cv2.LINE_AA)
                put_label(frame, self._text("trunk_flexion", v),
                          _pt(0.5 * (mh + msh)), COLORS["ok"], ts, tt, anchor="c")
            if self._want("pelvic_obliquity", values):
                v = values["pelvic_obliquity"]
                c = COLORS[severity_of("pelvic_obliquity", v)]
                lh, rh = xy[L.LEFT_HIP], xy[L.RIGHT_HIP]
                ext = (lh - rh) * 0.35
                cv2.line(frame, _pt(rh - ext), _pt(lh + ext), c, th, cv2.LINE_AA)
                half = abs(lh[0] - rh[0]) / 2 + abs(ext[0])
                _dashed(frame, mh - np.array([half, 0.0]), mh + np.array([half, 0.0]),
                        COLORS["centre"], max(th - 1, 1), 8 * s)
                put_label(frame, self._text("pelvic_obliquity", v),
                          _pt(mh + np.array([0.0, 0.22 * trunk])), c, ts, tt, anchor="c")
            if self._want("shoulder_tilt", values):
                v = values["shoulder_tilt"]
                c = COLORS[severity_of("shoulder_tilt", v)]
                ls, rs = xy[L.LEFT_SHOULDER], xy[L.RIGHT_SHOULDER]
                cv2.line(frame, _pt(rs), _pt(ls), c, max(th - 1, 1), cv2.LINE_AA)
                put_label(frame, self._text("shoulder_tilt", v),
                          _pt(msh - np.array([0.0, 0.28 * trunk])), c, ts, tt, anchor="c")
            if self._want("pelvic_tilt", values) and not self._want("pelvic_obliquity", values):
                v = values["pelvic_tilt"]
                put_label(frame, self._text("pelvic_tilt", v),
                          _pt(mh + np.array([0.0, 0.22 * trunk])), COLORS["ok"], ts, tt,
                          anchor="c")
        for side, heel, toe in (("left", L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
                                ("right", L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)):
            name = f"foot_turnout_{side}"
            if self._want(name, values) and ok[heel] and ok[toe]:
                v = values[name]
                c = COLORS[severity_of(name, v)]
                cv2.line(frame, _pt(xy[heel]), _pt(xy[toe]), c, th + 1, cv2.LINE_AA)
                foot = _mid(xy, heel, toe)
                centre_x = _mid(xy, L.LEFT_HEEL, L.RIGHT_HEEL)[0]
                out = 1.0 if foot[0] >= centre_x else -1.0
                text = self._text(name, v)
                box_w = cv2.getTextSize(text + "  ", _FONT, ts, tt)[0][0]
                put_label(frame, text,
                          _pt(foot + np.array([out * (0.5 * box_w + 16 * s), -24.0 * s])), c,
                          ts, tt, anchor="c")
        for side, knee in (("left", L.LEFT_KNEE), ("right", L.RIGHT_KNEE)):
            name = f"knee_flexion_{side}"
            if self.show is not None and name in self.show and self._want(name, values) \
                    and ok[knee]:
                put_label(frame, self._text(name, values[name]),
                          _pt(xy[knee] + np.array([24.0 * s, 0.0])), COLORS["ok"], ts, tt)
        return frame


# ------------------------------------------------------------------------------------ findings
def finding_short_text(finding) -> str:
    """A few words for a banner, the overlay's words for the finding's value:
    ``"L foot 31.0° out"``, ``"lean 3.2° left"``, ``"hips 4.0° right higher"``."""
    return overlay_text(finding.measure, finding.value)


class FindingsBanner:
    """A band at the top listing the findings at ``watch`` / ``flag`` (or "no findings"),
    and a one-line notice at the bottom (the not-a-diagnosis reminder by default)."""

    def __init__(self, max_items: int = 4, alpha: float = 0.65,
                 footer: str | None = "Informs, never diagnoses. Red flags: see the report.",
                 text_scale: float = 0.6) -> None:
        self.max_items = max_items
        self.alpha = alpha
        self.footer = footer
        self.text_scale = text_scale

    def _band(self, frame: np.ndarray, y0: int, y1: int) -> None:
        roi = frame[y0:y1]
        if roi.size:
            dark = np.full_like(roi, COLORS["panel"])
            cv2.addWeighted(dark, self.alpha, roi, 1 - self.alpha, 0, dst=roi)

    def annotate(self, frame: np.ndarray, findings: Sequence, title: str | None = None
                 ) -> np.ndarray:
        """``findings``: Finding objects or ``(severity, text)`` pairs."""
        s = _scale(frame)
        ts = self.text_scale * s
        tt = max(round(1.5 * s), 1)
        items: list[tuple[str, str]] = []
        for f in findings:
            if isinstance(f, tuple):
                items.append((str(f[0]), str(f[1])))
            elif f.severity in ("watch", "flag"):
                items.append((f.severity, finding_short_text(f)))
        items.sort(key=lambda p: p[0] != "flag")
        h, w = frame.shape[:2]
        line_h = int(30 * s * self.text_scale / 0.6) + 2
        shown = items[: self.max_items]
        rows = 1 if not shown else 1 + (len(shown) - 1) // 2
        band_h = line_h * rows + int(12 * s)
        self._band(frame, 0, band_h)
        x, y = int(10 * s), int(6 * s) + line_h - int(8 * s)
        if title:
            box = put_label(frame, title, (x, y), COLORS["text"], ts, tt, bg=None)
            x = box[2] + int(14 * s)
        if not shown:
            put_label(frame, "no sustained findings", (x, y), COLORS["ok"], ts, tt, bg=None)
        col_w = (w - x) // 2
        for k, (sev, text) in enumerate(shown):
            cx = x + (k % 2) * col_w
            cy = y + (k // 2) * line_h
            r = max(int(6 * s), 3)
            cv2.circle(frame, (cx + r, cy - r - 1), r, COLORS.get(sev, COLORS["text"]), -1,
                       cv2.LINE_AA)
            put_label(frame, text, (cx + 3 * r, cy), COLORS["text"], ts, tt, bg=None)
        if self.footer:
            fh = int(24 * s) + 4
            self._band(frame, h - fh, h)
            put_label(frame, self.footer, (int(10 * s), h - int(8 * s)), COLORS["text"],
                      0.45 * s, max(round(s), 1), bg=None)
        return frame


class HoldTimerAnnotator:
    """A stretch hold timer in a corner: phase name, seconds held / target, progress bar."""

    def __init__(self, corner: str = "bottom_right", text_scale: float = 0.65) -> None:
        if corner not in ("bottom_right", "bottom_left", "top_right", "top_left"):
            raise ValueError(f"corner must be bottom_/top_ left/right, got {corner!r}")
        self.corner = corner
        self.text_scale = text_scale

    def annotate(self, frame: np.ndarray, phase: str, held_s: float | None = None,
                 target_s: float | None = None, color: Color | None = None) -> np.ndarray:
        s = _scale(frame)
        h, w = frame.shape[:2]
        bw, bh = int(230 * s), int(62 * s)
        x0 = int(12 * s) if self.corner.endswith("left") else w - bw - int(12 * s)
        y0 = int(12 * s) if self.corner.startswith("top") else h - bh - int(40 * s)
        roi = frame[max(y0, 0):y0 + bh, max(x0, 0):x0 + bw]
        if roi.size:
            cv2.addWeighted(np.full_like(roi, COLORS["panel"]), 0.7, roi, 0.3, 0, dst=roi)
        c = color or (COLORS["ok"] if phase == "holding" else COLORS["text"])
        text = phase.replace("_", " ")
        if held_s is not None and np.isfinite(held_s):
            text += "  " + hold_text(held_s, target_s)  # the panel's words (presentation)
        put_label(frame, text, (x0 + int(8 * s), y0 + int(26 * s)), c, self.text_scale * s,
                  max(round(1.5 * s), 1), bg=None)
        if held_s is not None and target_s:
            frac = float(np.clip(held_s / target_s, 0.0, 1.0))
            by = y0 + int(40 * s)
            cv2.rectangle(frame, (x0 + int(8 * s), by), (x0 + bw - int(8 * s), by + int(12 * s)),
                          COLORS["not_measured"], 1)
            cv2.rectangle(frame, (x0 + int(8 * s), by),
                          (x0 + int(8 * s) + int(frac * (bw - int(16 * s))), by + int(12 * s)),
                          c, -1)
        return frame


# ----------------------------------------------------------------------------------- composite
_SKELETON = SkeletonAnnotator()
_ANGLES = AngleAnnotator()


def annotate_frame(frame: np.ndarray, pose: PoseSeries | np.ndarray, values: Mapping[str, float],
                   index: int = 0, findings: Sequence | None = None,
                   title: str | None = None) -> np.ndarray:
    """Skeleton + angles (+ findings banner if ``findings`` is given), in place."""
    _SKELETON.annotate(frame, pose, index)
    _ANGLES.annotate(frame, pose, values, index)
    if findings is not None:
        FindingsBanner().annotate(frame, findings, title)
    return frame
