"""Content shared by the HTML and PDF reports: ordering, headlines, annotated key frames."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from posture_check.draw import AngleAnnotator, FindingsBanner, SkeletonAnnotator
from posture_check.measures import MEASURE_SPECS
from posture_check.presentation import (
    REASON_TEXT,
    SEVERITY_ORDER,
    measure_label,
    number_text,
)
from posture_check.stretch.catalogue import stretch_title

__all__ = [
    "SEVERITY_ORDER",
    "annotated_key_frames",
    "cited_docs",
    "headline",
    "measure_rows",
    "not_measured_text",
    "overlay_measures",
    "png_of",
    "sorted_findings",
    "stretch_faults_at",
    "stretch_rows",
]



def cited_docs(result) -> list[str]:
    """Every document the report cites, by file name, sorted: the findings' sources, the red
    flags' (always in the report) and, with a stretch check, the stretch messages' (the talk on
    slow fluid stretching and the self-massage guide's holds and no pulsing)."""
    from posture_check.measures import RED_FLAGS
    from posture_check.presentation import DOC_TITLES

    docs = {f.source_doc for f in result.findings if f.source_doc}
    docs |= {r.source_doc for r in RED_FLAGS if r.source_doc}
    if result.stretch is not None:
        docs |= {d for d in DOC_TITLES if d.startswith(("000", "003"))}
    return sorted(docs)


def sorted_findings(result) -> list:
    return sorted(result.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))


def not_measured_text(result) -> str:
    """One paragraph naming the measures that could not be taken, and why ("" if none)."""
    items, views = [], set()
    for f in result.findings:
        if f.severity == "not_measured":
            why = str(f.extra.get("reason", ""))
            why = REASON_TEXT.get(why, why.replace("_", " "))
            items.append(f"{measure_label(f.measure).lower()}"
                         + (f" ({why})" if why else ""))
            views.add("side" if f.measure == "pelvic_tilt" else "front")
    if not items:
        return ""
    # what each missing measure needs, only for those missing
    needs = [text for view, text in (
        ("front", "lean, hip height and foot turn-out need a front view with the whole body in "
                  "the picture"),
        ("side", "the pelvic tilt proxy needs a side view")) if view in views]
    need = "; ".join(needs)
    return f"Not measured in this recording: {'; '.join(items)}. {need[0].upper()}{need[1:]}."


def headline(result) -> str:
    """One sentence: how many findings to flag / watch, and a stretch verdict."""
    n_flag = sum(f.severity == "flag" for f in result.findings)
    n_watch = sum(f.severity == "watch" for f in result.findings)
    if n_flag or n_watch:
        parts = []
        if n_flag:
            parts.append(f"{n_flag} sign{'s' if n_flag > 1 else ''} to raise with a clinician")
        if n_watch:
            parts.append(f"{n_watch} to watch")
        text = "Posture: " + " and ".join(parts) + "."
    else:
        text = "Posture: no sustained sign among the measures that could be taken."
    sa = result.stretch
    if sa is not None:
        verdict = (sa.verdict.replace("_", " ") if sa.repetitions else "no repetition found")
        text += f" {stretch_title(sa.stretch)}: {verdict}."
    lost = (result.series.meta.get("damaged") or {}).get("lost_s")
    if getattr(result, "partial", False) and lost:
        text = (f"Partial report: the recording is damaged, {lost[0]:.1f}-{lost[1]:.1f} s "
                "could not be read. " + text)
    return text


def fmt_with_interval(s) -> str:
    """``"+6.0° (likely +4 to +8)"``: a summary's median and its 90% interval, if it has one."""
    text = number_text(s.median, s.unit)
    if np.isfinite(s.ci90_lo) and np.isfinite(s.ci90_hi):
        u = "°" if s.unit == "deg" else f" {s.unit}"
        text += f" (likely {s.ci90_lo:+.0f} to {s.ci90_hi:+.0f}{u})"
    return text


def measure_rows(result) -> list[tuple[str, str, str, str, str]]:
    """(label, median with its 90% interval, p10 to p90, valid share, positive means) for
    measures with data; knee and hip bends only where a stretch is defined by them
    (:func:`overlay_measures`)."""
    rows = []
    drawn = overlay_measures(result) or ()
    for name, s in result.measures.summary().items():
        if s.n_valid == 0:
            continue
        if name.startswith(("knee_flexion", "hip_flexion")) and name not in drawn:
            continue  # supporting measures (gating); on a straight leg within the error
        spec = MEASURE_SPECS.get(name)
        rows.append((measure_label(name), fmt_with_interval(s),
                     f"{number_text(s.p10, s.unit)} to {number_text(s.p90, s.unit)}",
                     f"{100 * s.valid_fraction:.0f}%", spec.positive if spec else ""))
    return rows


def stretch_rows(result) -> list[tuple[str, ...]]:
    """(rep, side, verdict, hold, reached, peak speed in/out, bounce) per repetition."""
    sa = result.stretch
    if sa is None:
        return []
    out: list[tuple[str, ...]] = []
    for r in sa.repetitions:
        bounce = (f"±{r.bounce_amplitude_deg:.0f}° at {r.bounce_frequency_hz:.1f} Hz"
                  if "bouncing" in r.faults else "none")
        out.append((str(r.index + 1), r.side, r.verdict.replace("_", " "), f"{r.hold_s:.0f} s",
                    f"{r.angle_reached_deg:.0f}°",
                    f"{r.entry_peak_speed_deg_s:.0f} / {r.exit_peak_speed_deg_s:.0f} °/s", bounce))
    return out


def overlay_measures(result) -> list[str] | None:
    """The measures drawn on frames: all (None) for a posture check; with a stretch, the
    stretch's own angles (catalogue angle, both sides, and its alternatives) and the frontal
    posture measures. Knee bends are drawn only for a stretch defined by one (a figure-four):
    elsewhere a knee bend of 10-20 deg on a straight leg is within the pose estimate's error."""
    sa = result.stretch
    if sa is None:
        return None
    from posture_check.stretch import get_stretch

    st = get_stretch(sa.stretch)
    own = {a.format(side=s, other=o) for a in (st.angle, *st.alt_angles)
           for s, o in (("left", "right"), ("right", "left"))}
    return ["lateral_lean", "pelvic_obliquity", "foot_turnout_left", "foot_turnout_right",
            *sorted(own)]


def stretch_faults_at(result, t: float) -> list[tuple[str, str]]:
    """(severity, words) of the stretch faults of the repetition under way at ``t`` (s), for
    the banner: a bounce shows while it happens, never "no sustained findings"."""
    sa = result.stretch
    if sa is None:
        return []
    out = []
    for r in sa.repetitions:
        if r.t_start_s <= t <= r.t_end_s:
            for fault in r.faults:
                text = {"bouncing": f"bouncing {r.bounce_frequency_hz:.1f} Hz",
                        "too_fast": "moving too fast", "pushing": "pushing deeper",
                        "too_short": "hold too short",
                        "not_reached": "stretch not reached"}.get(fault, fault.replace("_", " "))
                out.append(("flag" if fault in ("bouncing", "pushing") else "watch", text))
    return out


def annotated_key_frames(result, max_side: int = 720) -> list[tuple[Any, np.ndarray]]:
    """(KeyFrame, annotated RGB) pairs: skeleton, the angles of that frame, findings banner."""
    skeleton = SkeletonAnnotator()
    angles = AngleAnnotator(show=overlay_measures(result))
    banner = FindingsBanner()
    out = []
    for kf in result.key_frames:
        img = kf.image.copy()
        h, w = img.shape[:2]
        if max(h, w) > max_side:
            k = max_side / max(h, w)
            img = cv2.resize(img, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA)
        skeleton.annotate(img, result.series, kf.index)
        angles.annotate(img, result.series, result.frame_values(kf.index), kf.index)
        banner.annotate(img, [*stretch_faults_at(result, kf.t_s), *result.findings],
                        title=f"{kf.t_s:.1f} s" if result.input.kind == "video" else None)
        out.append((kf, img))
    return out


def png_of(rgb: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("could not encode image as PNG")
    return buf.tobytes()
