"""Posture measures and indicators: PoseSeries -> angles per frame -> findings citing the docs.

Public API (stable; reports and the app build on it)::

    from posture_check.measures import (
        compute_measures, MeasureSeries, MeasureSummary, MEASURES, MEASURE_SPECS,
        evaluate_findings, Finding, INDICATORS, RED_FLAGS, RedFlag, NOT_A_DIAGNOSIS,
        red_flags_text, LiveMeasures, LiveResult, REASONS, VIEWS,
    )

    ms = compute_measures(series, smoothing="zero_phase", height_m=1.75)
    ms.values["lateral_lean"]        # (T,) float64 degrees, NaN where gated out
    ms.reason_names("lateral_lean")  # (T,) "ok" | "no_person" | "out_of_frame" | ...
    ms.view                          # (T,) "front" | "back" | "left_side" | "right_side" | ...
    ms.summary()["pelvic_obliquity"] # MeasureSummary(median, p10, p90, valid_fraction, ...)
    ms.to_columns()                  # flat dict of columns for CSV
    findings = evaluate_findings(ms, pain_side="left", baseline=first_ms)  # list[Finding]
    live = LiveMeasures(window_s=10); res = live.update(one_frame_series)  # LiveResult

``compute_measures(series, *, smoothing="zero_phase"|"one_euro"|None, height_m=None,
method="calibrated"|"hybrid"|"naive", roll_deg=0.0, pitch_deg=None) -> MeasureSeries``

Measures (degrees unless ``_cm``; subject's own left/right; definitions.md):
``lateral_lean`` (+ toward the subject's right), ``lateral_shift_cm`` (shoulders over pelvis),
``pelvic_obliquity`` (+ right hip higher), ``shoulder_tilt`` (+ right shoulder higher),
``head_shift_cm``, ``foot_turnout_left`` / ``foot_turnout_right`` (+ toes outward),
``foot_turnout_asymmetry`` (right - left), ``knee_flexion_left/right`` (0 straight),
``hip_flexion_left/right`` (+ knee forward), ``trunk_flexion`` (+ forward), ``pelvic_tilt``
(side-view proxy, compare with baseline only). Views where each is valid: ``MEASURE_SPECS``.

Modules: :mod:`geometry` (vector/angle helpers), :mod:`columns` (column layout for speed),
:mod:`body_frame` (hybrid points, U/R/F axes, camera pitch/roll, subject yaw), :mod:`posture`
(the measure definitions), :mod:`view`, :mod:`quality` (gating reasons), :mod:`filters`
(zero-phase and One Euro), :mod:`calibration` (fitted estimators for lean, obliquity and
turn-out, with their fit/validation protocol and limits), :mod:`specs` (what each measure is),
:mod:`gating` (gating rules per block), :mod:`kernel` (measure_block, compute_measures),
:mod:`measure_series` (MeasureSeries, MeasureSummary), :mod:`indicators` (findings table,
evaluate_findings), :mod:`red_flags`, :mod:`online` (LiveMeasures); every summary carries a
90% interval (:mod:`uncertainty`). Hand-computable stick figures for tests and benches live in
:mod:`posture_check.synth.stick_figures`. Accuracy (``posture-check bench accuracy``): see
docs/accuracy.md.
"""

from posture_check.measures.indicators import INDICATORS, Finding, Indicator, evaluate_findings
from posture_check.measures.kernel import compute_measures
from posture_check.measures.measure_series import MeasureSeries, MeasureSummary
from posture_check.measures.online import LiveMeasures, LiveResult
from posture_check.measures.quality import REASONS
from posture_check.measures.red_flags import (
    NOT_A_DIAGNOSIS,
    RED_FLAGS,
    RED_FLAGS_HEADING,
    RedFlag,
    red_flags_text,
)
from posture_check.measures.specs import MEASURE_SPECS, MEASURES, MeasureSpec
from posture_check.measures.view import VIEWS

__all__ = [
    "INDICATORS",
    "MEASURES",
    "MEASURE_SPECS",
    "NOT_A_DIAGNOSIS",
    "REASONS",
    "RED_FLAGS",
    "RED_FLAGS_HEADING",
    "VIEWS",
    "Finding",
    "Indicator",
    "LiveMeasures",
    "LiveResult",
    "MeasureSeries",
    "MeasureSpec",
    "MeasureSummary",
    "RedFlag",
    "compute_measures",
    "evaluate_findings",
    "red_flags_text",
]
