"""Findings: what the measures may mean, as a table of data, with the source document cited.

:data:`INDICATORS` is the table: for each measure the thresholds (``watch`` and ``flag``, on the
magnitude in the measure's own unit), the document it comes from (file name in
``/work/shared/docs``), the literature reference behind the threshold, and whether the
threshold is a heuristic. :func:`evaluate_findings` turns a :class:`MeasureSeries` into
:class:`Finding` objects.

Rules (decided here, documented for reports):

* Sustained only: a severity applies when at least :data:`SUSTAINED_FRACTION` (60%) of the
  valid frames are beyond its threshold in the same direction; one frame never flags.
* At least :data:`MIN_VALID_FRAMES` valid frames and :data:`MIN_VALID_S` seconds of them are
  needed, otherwise the severity is ``"not_measured"`` with the dominant gating reason. A
  caller judging a single still photo passes ``min_valid_frames=1, min_valid_s=0``.
* ``value`` is the median over valid frames.
* Personal baseline: pass the summary of a first recording (or its MeasureSeries); each
  finding then carries ``change_since_baseline`` (median now - median then). The pelvic tilt
  proxy is judged only by its change since baseline (no population norm exists for it).
* Pain side: for the lean, doc 000 says people mostly lean *away* from the painful side; the
  message says whether the observed lean matches that.
* Messages are plain language, never a diagnosis, and name the document by its subject
  (:data:`posture_check.presentation.DOC_TITLES`); file names appear only in sources lists.
* An ``ok`` whose median is past the ``watch`` limit (beyond it, but in fewer than 60% of the
  frames) carries ``extra["not_steady"] = True``; screens show it as "not steady", never "ok".
* Findings use the 90% interval: a ``flag`` needs the whole interval beyond the flag threshold
  (``extra["flag_withheld"]`` otherwise, and it is a ``watch``), and a ``watch`` needs the
  interval to exclude zero, i.e. the direction must be known (otherwise ``ok`` with
  ``extra["watch_withheld"]``, shown as "uncertain"): e.g. a live turn-out asymmetry of 9 deg
  "likely -16 to 34" says nothing about which foot turns out more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from posture_check.measures import uncertainty, wording
from posture_check.measures.measure_series import (
    MIN_VALID_FRAMES,
    MIN_VALID_S,
    MeasureSeries,
    MeasureSummary,
)
from posture_check.measures.quality import REASON_HINTS, REASONS
from posture_check.measures.specs import MEASURE_SPECS
from posture_check.presentation import (
    side_of,
    view_label,
)

__all__ = [
    "DOCS",
    "INDICATORS",
    "MIN_VALID_FRAMES",
    "MIN_VALID_S",
    "SUSTAINED_FRACTION",
    "Finding",
    "Indicator",
    "baseline_from",
    "evaluate_findings",
    "value_severity",
]

Severity = Literal["ok", "watch", "flag", "not_measured"]
Side = Literal["left", "right"]

DOCS = {
    "000": "000_d6bce9b67209ff87.txt",
    "003": "003_f1656872b7ed7076.txt",
    "004": "004_46944711b1f5bc22.txt",
}
SUSTAINED_FRACTION = 0.6

REF_SHIFT = ("Lateral trunk shift > 12 mm is abnormal in young adults; sciatic list with lumbar "
             "disc herniation averages 26 +/- 18 mm, usually away from the disc side "
             "(Global Spine J 2024, PMC11192132). Thresholds converted to degrees over a "
             "~0.29 x height hip-to-shoulder trunk: 1.5 deg ~ 1.2 cm, 3 deg ~ 2.6 cm.")
REF_OBLIQUITY = ("A 1 cm iliac-crest height difference is the usual radiographic cut-off for "
                 "pelvic obliquity / leg-length difference (PMC6151938); ~3 deg over a typical "
                 "hip-joint width. Small asymmetries are normal.")
REF_TOE_OUT = ("Toe-out in walking averages ~7.5 deg, most people 5-10 deg, > 15 deg rare "
               "(Morton 1932, in Morton, The Human Foot, 1935). No validated standing norm: "
               "thresholds are heuristic.")
REF_TOE_ASYM = ("No validated norm for left-right toe-out difference; heuristic threshold "
                "(8-10 deg) above typical side-to-side variation.")
REF_TILT = ("Pelvic tilt needs ASIS/PSIS landmarks that pose models lack; people with disc "
            "problems tend toward a flatter lumbar curve (PMC6584466). Proxy judged only "
            "against the person's own baseline; heuristic thresholds.")
REF_SHOULDER = "Supporting measure; heuristic thresholds (no clinical cut-off used)."


@dataclass(frozen=True)
class Indicator:
    """One row of the findings table."""

    measure: str
    watch: float
    flag: float
    source_doc: str
    reference: str
    heuristic: bool
    what: str
    hint: str
    baseline_only: bool = False


INDICATORS: tuple[Indicator, ...] = (
    Indicator("lateral_lean", 1.5, 3.0, DOCS["000"], REF_SHIFT, False,
              "your upper body leans to your {side}",
              "{doc} says people with sciatic pain often lean to one side, mostly away from "
              "the painful side, to take pressure off the nerve"),
    Indicator("pelvic_obliquity", 2.0, 3.0, DOCS["004"], REF_OBLIQUITY, False,
              "your {side} hip sits higher than the other",
              "{doc} describes the gluteus medius keeping the pelvis level, and the lower-back "
              "QL muscle taking over (and tightening) when the glutes are tight or weak"),
    Indicator("foot_turnout_left", 15.0, 20.0, DOCS["000"], REF_TOE_OUT, True,
              "your left foot points outward",
              "{doc} says that standing straight with one foot slanted out suggests the "
              "piriformis muscle is overworking, which can crowd the sciatic nerve"),
    Indicator("foot_turnout_right", 15.0, 20.0, DOCS["000"], REF_TOE_OUT, True,
              "your right foot points outward",
              "{doc} says that standing straight with one foot slanted out suggests the "
              "piriformis muscle is overworking, which can crowd the sciatic nerve"),
    Indicator("foot_turnout_asymmetry", 8.0, 10.0, DOCS["000"], REF_TOE_ASYM, True,
              "your {side} foot turns out more than the other",
              "{doc} points to one foot slanted out (not both) as the sign of an "
              "overworking piriformis on that side"),
    Indicator("shoulder_tilt", 2.0, 4.0, DOCS["004"], REF_SHOULDER, True,
              "your {side} shoulder sits higher than the other",
              "{doc} notes that one-sided muscle tightness makes the other side work harder; "
              "shoulder height often follows a lean or a pelvic tilt"),
    Indicator("pelvic_tilt", 5.0, 10.0, DOCS["004"], REF_TILT, True,
              "the angle between your trunk and thighs (side view) has {changed}",
              "{doc} links an excessive lumbar curve or a flattened lower back to tight "
              "lower-back and hip muscles", baseline_only=True),
)
_BY_MEASURE = {i.measure: i for i in INDICATORS}


@dataclass(frozen=True)
class Finding:
    """One finding for one measure.

    ``severity``: ``"ok"``, ``"watch"``, ``"flag"``, or ``"not_measured"`` (too few valid
    frames; ``message`` says why). ``value`` is the median over valid frames (measure unit),
    ``fraction_of_valid_frames`` the share of valid frames beyond the threshold of the given
    severity (for ``ok``: beyond ``watch``), ``direction`` the subject's side the value points
    to (``"left"``/``"right"``, ``None`` if not sided), ``ci90`` the 90% interval of the true
    value (:mod:`~posture_check.measures.uncertainty`; NaN where none can be given).
    """

    measure: str
    severity: Severity
    value: float
    unit: str
    message: str
    source_doc: str
    reference: str
    fraction_of_valid_frames: float
    valid_fraction: float
    n_valid: int
    direction: str | None = None
    change_since_baseline: float | None = None
    heuristic: bool = False
    thresholds: tuple[float, float] = (math.nan, math.nan)
    extra: dict[str, Any] = field(default_factory=dict)
    ci90: tuple[float, float] = (math.nan, math.nan)


def baseline_from(baseline: MeasureSeries | dict[str, Any] | None) -> dict[str, float]:
    """Baseline medians by measure from a MeasureSeries, a summary dict or a name->float dict."""
    if baseline is None:
        return {}
    if isinstance(baseline, MeasureSeries):
        baseline = baseline.summary()
    out: dict[str, float] = {}
    for k, v in baseline.items():
        med = v.median if isinstance(v, MeasureSummary) else float(v)
        if np.isfinite(med):
            out[k] = med
    return out


def _side_of(measure: str, median: float) -> str | None:
    # one rule for the side everywhere (table, overlay, findings): presentation.side_of
    return side_of(measure, median)


def _severity(v: np.ndarray, signed_dir: float, ind: Indicator) -> tuple[Severity, float]:
    mag = v * signed_dir
    frac_flag = float(np.mean(mag >= ind.flag))
    frac_watch = float(np.mean(mag >= ind.watch))
    if frac_flag >= SUSTAINED_FRACTION:
        return "flag", frac_flag
    if frac_watch >= SUSTAINED_FRACTION:
        return "watch", frac_watch
    return "ok", frac_watch


def _not_measured(ind: Indicator, ms: MeasureSeries, v: np.ndarray, n_valid: int) -> Finding:
    codes = ms.reasons[ind.measure]
    bad = codes[codes != 0]
    why = REASONS[int(np.bincount(bad).argmax())] if bad.size else "too_short"
    if not bad.size and ind.measure == "pelvic_tilt" and n_valid < len(ms):
        why = "not_standing"  # the proxy is gated where the knees or hips are bent
    views = " or ".join(dict.fromkeys("side-on to the camera" if v.endswith("_side") else
                                      view_label(v) for v in MEASURE_SPECS[ind.measure].views))
    msg = wording.not_measured_message(ind.measure, n_valid, why, views,
                                       REASON_HINTS.get(why, REASON_HINTS["too_short"]))
    return Finding(ind.measure, "not_measured", math.nan, MEASURE_SPECS[ind.measure].unit, msg,
                   ind.source_doc, ind.reference, 0.0, n_valid / max(len(ms), 1), n_valid,
                   heuristic=ind.heuristic, thresholds=(ind.watch, ind.flag),
                   extra={"reason": why})


def _interval(measure: str, ms: MeasureSeries, v_all: np.ndarray, ok: np.ndarray, dur: float,
              median: float) -> tuple[float, float]:
    """90% interval of the true value around ``median`` (NaN, NaN where none)."""
    yaw = np.abs(np.asarray(ms.subject_yaw_deg, dtype=np.float64))
    src = ms.meta.get("roll_source", "none")
    hw = uncertainty.summary_half_width(measure, v_all, np.minimum(yaw, 180.0 - yaw), dur,
                                        src if isinstance(src, str) else "none",
                                        flip_averaged=ms.flipped)
    return (median - hw, median + hw) if np.isfinite(hw) else (math.nan, math.nan)


def _evaluate_one(ind: Indicator, ms: MeasureSeries, base: dict[str, float],
                  pain_side: Side | None, min_frames: int, min_s: float) -> Finding:
    v_all = ms.values[ind.measure]
    ok = np.isfinite(v_all)
    v = v_all[ok]
    n_valid = int(v.size)
    t_valid = ms.t_s[ok]
    dur = float(t_valid[-1] - t_valid[0]) if n_valid > 1 else 0.0
    if n_valid < min_frames or dur < min_s:
        return _not_measured(ind, ms, v_all, n_valid)
    unit = MEASURE_SPECS[ind.measure].unit
    median = float(np.median(v))
    change = median - base[ind.measure] if ind.measure in base else None
    extra: dict[str, Any] = {}
    hint = wording.hint_sentence(ind.hint, ind.source_doc)

    if ind.baseline_only:
        if change is None:
            msg = wording.first_baseline_message(median)
            return Finding(ind.measure, "ok", median, unit, msg, ind.source_doc, ind.reference,
                           0.0, n_valid / len(ms), n_valid, None, None, ind.heuristic,
                           (ind.watch, ind.flag), {"needs_baseline": True})
        d = v - base[ind.measure]
        sev, frac = _severity(d, 1.0 if change >= 0 else -1.0, ind)
        msg = wording.baseline_only_message(ind.what, change, unit, hint, ind.watch,
                                            reported=sev != "ok")
        return Finding(ind.measure, sev, median, unit, msg, ind.source_doc, ind.reference, frac,
                       n_valid / len(ms), n_valid, None, change, ind.heuristic,
                       (ind.watch, ind.flag), extra)

    one_sided = MEASURE_SPECS[ind.measure].one_sided
    direction = 1.0 if (one_sided or median >= 0) else -1.0
    sev, frac = _severity(v, direction, ind)
    side = _side_of(ind.measure, median)
    ci = _interval(ind.measure, ms, v_all, ok, dur, median)
    near = min(direction * ci[0], direction * ci[1])  # the interval's bound nearest "normal"
    if sev == "flag" and not near >= ind.flag:
        # a flag needs the whole 90% interval beyond the threshold; otherwise it is a watch
        sev = "watch"
        extra["flag_withheld"] = "the 90% interval reaches below the flag threshold"
    if sev == "watch" and not near > 0.0:
        # nor is a watch given when the interval reaches "no difference at all" (zero, or the
        # other direction): a reading that cannot tell which way it goes is not a finding
        sev = "ok"
        extra["watch_withheld"] = "the 90% interval includes zero"
    if sev == "ok":
        beyond = (median if one_sided else abs(median)) >= ind.watch
        if beyond and "watch_withheld" not in extra:
            extra["not_steady"] = True  # the median is past the limit but not often enough
        msg = wording.ok_message(ind.measure, median, ci, unit, ind.watch, beyond,
                                 "watch_withheld" in extra, frac, SUSTAINED_FRACTION)
    else:
        msg = wording.finding_message(ind.what.format(side=side), median, ci, unit, frac, hint)
        if ind.measure == "lateral_lean":
            shift = ms.values.get("lateral_shift_cm")
            if shift is not None and np.isfinite(shift).any():
                cm = float(np.nanmedian(shift))
                extra["shift_cm"] = cm
                msg += wording.shift_note(cm, side)
            if pain_side is not None:
                away = side != pain_side
                extra["lean_away_from_pain"] = away
                msg += wording.lean_pain_note(pain_side, away)
        if ind.measure == "pelvic_obliquity":
            kl = ms.values.get("knee_flexion_left")
            kr = ms.values.get("knee_flexion_right")
            if kl is not None and kr is not None:
                dk = float(np.nanmedian(kl - kr)) if np.isfinite(kl - kr).any() else math.nan
                extra["knee_flexion_left_minus_right"] = dk
                low = "left" if side == "right" else "right"
                bent_low = (dk > 0) if low == "left" else (dk < 0)
                if np.isfinite(dk) and abs(dk) >= 8.0 and bent_low:
                    msg += wording.knee_note(low, dk)
        if ind.heuristic:
            msg += wording.heuristic_note()
    if change is not None:
        msg += wording.baseline_change_note(change, unit)
    return Finding(ind.measure, sev, median, unit, msg, ind.source_doc, ind.reference, frac,
                   n_valid / len(ms), n_valid, side, change, ind.heuristic,
                   (ind.watch, ind.flag), extra, ci)


def value_severity(measure: str, value: float) -> Severity:
    """``"ok"`` / ``"watch"`` / ``"flag"`` of one value against :data:`INDICATORS` (the value
    drawn on a frame; findings use the whole recording): ``"ok"`` for measures without a row or
    compared only with a baseline, ``"not_measured"`` for NaN. One-sided measures
    (``MeasureSpec.one_sided``) compare the signed value, the others its magnitude."""
    if not np.isfinite(value):
        return "not_measured"
    for ind in INDICATORS:
        if ind.measure == measure and not ind.baseline_only:
            mag = value if MEASURE_SPECS[measure].one_sided else abs(value)
            return "flag" if mag >= ind.flag else "watch" if mag >= ind.watch else "ok"
    return "ok"


def evaluate_findings(
    measures: MeasureSeries,
    *,
    pain_side: Side | None = None,
    baseline: MeasureSeries | dict[str, Any] | None = None,
    indicators: tuple[Indicator, ...] = INDICATORS,
    min_valid_frames: int = MIN_VALID_FRAMES,
    min_valid_s: float = MIN_VALID_S,
) -> list[Finding]:
    """One :class:`Finding` per indicator (table order), judged over the whole series.

    Args:
        measures: output of :func:`compute_measures` (or a slice of it).
        pain_side: the side the person feels the pain on, ``"left"``/``"right"``, if known.
        baseline: an earlier recording (MeasureSeries, its ``summary()``, or name -> median).
        min_valid_frames, min_valid_s: the least valid data a finding needs (a still photo:
            1 frame, 0 s).
    """
    if pain_side not in (None, "left", "right"):
        raise ValueError(f"pain_side must be 'left', 'right' or None, got {pain_side!r}")
    if len(measures) == 0:
        raise ValueError("measures is empty (0 frames); expected at least one frame")
    base = baseline_from(baseline)
    return [_evaluate_one(ind, measures, base, pain_side, min_valid_frames, min_valid_s)
            for ind in indicators]


def indicator(measure: str) -> Indicator:
    """The table row for ``measure`` (KeyError if it has none)."""
    return _BY_MEASURE[measure]
