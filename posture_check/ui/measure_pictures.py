"""Small pictures of what each measure is: a body outline with the angle drawn (SVG, no files).

Each picture is a 120 x 150 SVG: a grey stick figure (front view for the frontal measures, the
feet from above for foot turn-out, a side view for the sagittal ones), the reference line dashed
(the vertical, the horizontal, straight ahead) and the measured part in orange with its angle
arc. The angles drawn are illustrative (about 12-25 degrees, larger than typical, so the angle
can be seen), never the person's value. Front views are drawn as seen by the camera: the
subject's left is on the picture's right; the feet are seen from above, toes up the picture,
so there the subject's left is on the left; both labelled "L" / "R".

Generated once per measure (:func:`measure_svg` is cached); pure string building.
"""

from __future__ import annotations

import base64
import math
from functools import cache

__all__ = ["PICTURED", "measure_svg", "svg_data_uri"]

_GREY = "#9e9e9e"
_HI = "#e65100"
_REF = "#1e88e5"
W, H = 120, 150


def _line(x1: float, y1: float, x2: float, y2: float, color: str = _GREY, width: float = 4,
          dash: bool = False) -> str:
    d = " stroke-dasharray='4 3'" if dash else ""
    return (f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='{color}' "
            f"stroke-width='{width}' stroke-linecap='round'{d}/>")


def _arc(cx: float, cy: float, r: float, a0: float, a1: float) -> str:
    """An arc from angle a0 to a1 (degrees, 0 = +x, counter-clockwise on screen = negative y)."""
    x0, y0 = cx + r * math.cos(math.radians(a0)), cy - r * math.sin(math.radians(a0))
    x1, y1 = cx + r * math.cos(math.radians(a1)), cy - r * math.sin(math.radians(a1))
    sweep = 0 if a1 > a0 else 1
    return (f"<path d='M{x0:.1f},{y0:.1f} A{r},{r} 0 0,{sweep} {x1:.1f},{y1:.1f}' fill='none' "
            f"stroke='{_HI}' stroke-width='2'/>")


def _text(x: float, y: float, s: str, color: str = "#333", size: int = 10) -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-family='sans-serif' font-size='{size}' "
            f"fill='{color}' text-anchor='middle'>{s}</text>")


def _rot(cx: float, cy: float, length: float, deg_from_up: float) -> tuple[float, float]:
    """The end of a segment of ``length`` from (cx, cy), ``deg_from_up`` clockwise from up."""
    a = math.radians(deg_from_up)
    return cx + length * math.sin(a), cy - length * math.cos(a)


def _front(trunk_deg: float = 0.0, hips_deg: float = 0.0, shoulders_deg: float = 0.0,
           shift: float = 0.0, head_shift: float = 0.0, hi: str = "") -> list[str]:
    """A front-view figure; ``hi`` names the part drawn in orange."""
    hx, hy = 60.0, 88.0
    sx, sy = _rot(hx, hy, 46, trunk_deg)
    sx += shift
    out = []
    # legs
    for dx in (-10, 10):
        out.append(_line(hx + dx, hy, hx + dx * 1.2, 140))
    # hips
    dxh, dyh = 14 * math.cos(math.radians(hips_deg)), 14 * math.sin(math.radians(hips_deg))
    out.append(_line(hx - dxh, hy + dyh, hx + dxh, hy - dyh, _HI if hi == "hips" else _GREY))
    # trunk
    out.append(_line(hx, hy, sx, sy, _HI if hi in ("trunk", "shift") else _GREY))
    # shoulders
    dxs, dys = 20 * math.cos(math.radians(shoulders_deg)), 20 * math.sin(
        math.radians(shoulders_deg))
    out.append(_line(sx - dxs, sy + dys, sx + dxs, sy - dys,
                     _HI if hi == "shoulders" else _GREY))
    # arms
    out.append(_line(sx - dxs, sy + dys, sx - dxs - 3, sy + dys + 38, width=3))
    out.append(_line(sx + dxs, sy - dys, sx + dxs + 3, sy - dys + 38, width=3))
    # head
    color = _HI if hi == "head" else _GREY
    out.append(f"<circle cx='{sx + head_shift:.1f}' cy='{sy - 14:.1f}' r='9' fill='{color}'/>")
    out.append(_text(8, 146, "R", _GREY, 9) + _text(112, 146, "L", _GREY, 9))
    return out


def _feet(left_deg: float, right_deg: float, hi: tuple[str, ...]) -> list[str]:
    """Both feet seen from above (toes up the picture), turned out by the given angles."""
    out = [_text(60, 14, "feet from above", "#555", 9)]
    for side, x, deg in (("left", 38, left_deg), ("right", 82, right_deg)):
        # seen from above with the toes up the picture, the subject's right foot is on the
        # picture's right; turning out rotates its toes further right
        sign = 1 if side == "right" else -1
        hxp, hyp = x, 118.0
        out.append(_line(hxp, hyp, hxp, 50, _REF, 1.5, dash=True))
        tx, ty = _rot(hxp, hyp, 62, sign * deg)
        out.append(_line(hxp, hyp, tx, ty, _HI if side in hi else _GREY, 9))
        if side in hi and deg:
            a_up = 90.0
            out.append(_arc(hxp, hyp, 40, a_up, a_up - sign * deg))
        out.append(_text(hxp, 138, side[0].upper(), _GREY, 9))
    return out


def _side(trunk_fwd: float = 0.0, thigh_back: float = 0.0, hi: str = "") -> list[str]:
    """A side view (facing the picture's right): hip at the middle, trunk leaning forward by
    ``trunk_fwd`` degrees, the thigh back by ``thigh_back``."""
    hx, hy = 55.0, 85.0
    sx, sy = _rot(hx, hy, 45, trunk_fwd)
    kx, ky = _rot(hx, hy, 32, 180 + thigh_back)
    out = [_line(kx, ky, kx - 2, 140), _line(hx, hy, kx, ky, _HI if hi == "thigh" else _GREY),
           _line(hx, hy, sx, sy, _HI if hi in ("trunk", "thigh") else _GREY),
           f"<circle cx='{sx + 4:.1f}' cy='{sy - 12:.1f}' r='9' fill='{_GREY}'/>",
           _line(kx - 2, 140, kx + 14, 140, width=3)]
    return out


def _svg(parts: list[str], caption: str) -> str:
    body = "".join(parts)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' height='{H + 14}' "
            f"viewBox='0 0 {W} {H + 14}' role='img' aria-label='{caption}'>"
            f"<rect width='100%' height='100%' fill='#fafafa'/>{body}"
            f"{_text(60, H + 10, caption, '#333', 9)}</svg>")


def _lean() -> str:
    p = _front(trunk_deg=-14, hi="trunk")
    p += [_line(60, 88, 60, 36, _REF, 1.5, dash=True), _arc(60, 88, 30, 90, 104)]
    return _svg(p, "trunk vs vertical")


def _hips() -> str:
    p = _front(hips_deg=12, hi="hips")
    p += [_line(36, 88, 84, 88, _REF, 1.5, dash=True), _arc(60, 88, 22, 0, 12)]
    return _svg(p, "hip line vs level")


def _shoulders() -> str:
    p = _front(shoulders_deg=-10, hi="shoulders")
    p += [_line(30, 42, 90, 42, _REF, 1.5, dash=True), _arc(60, 42, 26, 0, -10)]
    return _svg(p, "shoulder line vs level")


def _shift() -> str:
    p = _front(shift=-9, hi="shift")
    p += [_line(60, 88, 60, 30, _REF, 1.5, dash=True), _line(51, 32, 60, 32, _HI, 1.5)]
    return _svg(p, "shoulders over hips (cm)")


def _head() -> str:
    p = _front(head_shift=-9, hi="head")
    p += [_line(60, 88, 60, 16, _REF, 1.5, dash=True)]
    return _svg(p, "head over hips (cm)")


def _trunk_flexion() -> str:
    p = _side(trunk_fwd=35, hi="trunk")
    p += [_line(55, 85, 55, 35, _REF, 1.5, dash=True), _arc(55, 85, 26, 90, 55)]
    return _svg(p, "trunk vs vertical (side)")


def _trunk_thigh() -> str:
    p = _side(trunk_fwd=12, thigh_back=8, hi="thigh")
    p += [_arc(55, 85, 18, 78, -98)]  # from the trunk, round the front, to the thigh
    return _svg(p, "trunk-thigh angle (side)")


_PICTURES = {
    "lateral_lean": _lean,
    "pelvic_obliquity": _hips,
    "shoulder_tilt": _shoulders,
    "lateral_shift_cm": _shift,
    "head_shift_cm": _head,
    "foot_turnout_left": lambda: _svg(_feet(25, 0, ("left",)), "left foot vs straight"),
    "foot_turnout_right": lambda: _svg(_feet(0, 25, ("right",)), "right foot vs straight"),
    "foot_turnout_asymmetry": lambda: _svg(_feet(5, 28, ("left", "right")),
                                           "right out - left out"),
    "trunk_flexion": _trunk_flexion,
    "pelvic_tilt": _trunk_thigh,
}
#: Measures that have a picture.
PICTURED: tuple[str, ...] = tuple(_PICTURES)


@cache
def measure_svg(measure: str) -> str | None:
    """The SVG picture of ``measure`` (None if it has none)."""
    make = _PICTURES.get(measure)
    return make() if make is not None else None


def svg_data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,...`` for an ``<img>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
