"""Every user-facing word from one place: labels, value texts, document names, severities."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from helpers.findings import by_measure, measure_series

from posture_check.measures import MEASURE_SPECS, evaluate_findings
from posture_check.presentation import (
    DOC_TITLES,
    MEASURE_LABELS,
    doc_title,
    error_text,
    measure_label,
    overlay_text,
    severity_label,
    side_of,
    value_text,
)


def test_every_measure_has_a_label_and_no_label_is_a_machine_name():
    assert set(MEASURE_SPECS) <= set(MEASURE_LABELS)
    for m in MEASURE_SPECS:
        assert "_" not in measure_label(m) and measure_label(m)[0].isupper()


@pytest.mark.parametrize("measure", sorted(MEASURE_LABELS))
@pytest.mark.parametrize("value", [-7.25, -0.04, 0.0, 3.96, 12.5])
def test_table_and_overlay_say_the_same_number_and_side(measure, value):
    table, overlay = value_text(measure, value), overlay_text(measure, value)
    num = re.compile(r"(\d+\.\d)")
    assert num.findall(table)[0] == num.findall(overlay)[0] == f"{abs(value):.1f}"
    side = side_of(measure, value)
    if side is not None and value != 0 and side != side_of(measure, -value):  # sign = side
        assert side in table and side in overlay
        other = "left" if side == "right" else "right"
        assert other not in table and other not in overlay
    assert value_text(measure, math.nan) == "—"


def test_documents_are_named_by_subject():
    assert doc_title("doc 000") == "the restorative therapist's talk on sciatic pain"
    assert doc_title("003_f1656872b7ed7076.txt") == doc_title("003")
    assert all(".txt" not in t and "doc 0" not in t for t in DOC_TITLES.values())
    assert doc_title("NHS, Sciatica") == "NHS, Sciatica"  # other references unchanged


def test_a_value_past_its_limit_is_never_called_ok():
    lean = np.zeros(100)
    lean[:50] = -4.0  # median past the 1.5 limit... only in 50% of frames
    lean[50:55] = -2.0
    f = by_measure(evaluate_findings(measure_series({"lateral_lean": lean})))["lateral_lean"]
    assert f.severity == "ok" and f.extra.get("not_steady")
    assert severity_label(f) == "not steady"
    assert "within the usual range" not in f.message and "comes and goes" in f.message
    calm = by_measure(evaluate_findings(measure_series({"lateral_lean": np.zeros(100)})))
    assert severity_label(calm["lateral_lean"]) == "ok"


def test_not_measured_messages_use_words():
    f = by_measure(evaluate_findings(measure_series({"lateral_lean": np.full(100, np.nan)})))
    msg = f["pelvic_tilt"].message
    assert msg.startswith("Trunk-thigh angle (side view): not measured")
    assert "_" not in msg


def test_error_text_hides_temporary_paths_and_library_names(tmp_path):
    path = tmp_path / "posture-check-upload-x1" / "clip.mp4"
    exc = ValueError(f"{path}: not a video OpenCV can open (no video stream, or corrupt)")
    text = error_text(exc, path, "clip.mp4")
    assert text == "clip.mp4: not a video this app can open (no video stream, or corrupt)"


def test_severity_order_colours_and_one_sidedness_are_defined_once():
    """Presentation data live on the measure spec and in presentation.py; the frame drawing,
    the report figures, the reports' ordering and the app read them from there."""
    import math

    from posture_check import draw
    from posture_check.measures import MEASURE_SPECS
    from posture_check.measures.indicators import INDICATORS, value_severity
    from posture_check.presentation import SEVERITY_COLORS, SEVERITY_ORDER
    from posture_check.report import common, plots

    assert set(SEVERITY_COLORS) == set(SEVERITY_ORDER) == {"ok", "watch", "flag", "not_measured"}
    assert sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get) == ["flag", "watch", "ok",
                                                              "not_measured"]
    assert common.SEVERITY_ORDER is SEVERITY_ORDER
    for sev, c in SEVERITY_COLORS.items():
        assert draw.COLORS[sev] == c.rgb
        if sev != "not_measured":
            assert plots.BAND_COLORS[sev] == c.band and plots.LINE_COLORS[sev] == c.line
    assert {m for m, s in MEASURE_SPECS.items() if s.one_sided} == {"foot_turnout_left",
                                                                    "foot_turnout_right"}
    # one value's severity: the indicator thresholds, signed only where one-sided
    toe = next(i for i in INDICATORS if i.measure == "foot_turnout_right")
    lean = next(i for i in INDICATORS if i.measure == "lateral_lean")
    assert value_severity("foot_turnout_right", toe.flag + 1) == "flag"
    assert value_severity("foot_turnout_right", -(toe.flag + 1)) == "ok"  # toes inward
    assert value_severity("foot_turnout_right", toe.watch) == "watch"
    assert value_severity("lateral_lean", -(lean.flag + 1)) == "flag"
    assert value_severity("lateral_lean", math.nan) == "not_measured"
    assert draw.severity_of("lateral_lean", -(lean.flag + 1)) == "flag"
