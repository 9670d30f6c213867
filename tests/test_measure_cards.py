"""Numbers a person understands: the interval and the usual range in words, a picture of what
each measure is, the card on the result page (real app with AppTest, real model)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from posture_check.live.config import LIVE_MEASURES
from posture_check.presentation import MEASURE_LABELS, interval_text, normal_text
from posture_check.ui.measure_pictures import PICTURED, measure_svg, svg_data_uri

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.mark.parametrize(("measure", "ci", "text"), [
    ("lateral_lean", (-6.0, 5.0), "likely between 6.0° left and 5.0° right"),
    ("pelvic_obliquity", (1.0, 3.5), "likely between 1.0° right and 3.5° right"),
    ("foot_turnout_right", (-3.0, 12.0), "likely between 3.0° in and 12.0° out"),
    ("foot_turnout_asymmetry", (-14.0, 20.0), "likely between 14.0° left and 20.0° right"),
    ("lateral_shift_cm", (-1.2, 0.0), "likely between 1.2 cm left and 0.0 cm"),
    ("trunk_flexion", (10.0, 14.0), "likely between 10.0° and 14.0°"),
    ("lateral_lean", (math.nan, math.nan), ""),
    ("lateral_lean", None, ""),
])
def test_interval_text(measure, ci, text):
    assert interval_text(measure, ci) == text


@pytest.mark.parametrize(("measure", "watch", "heuristic", "text"), [
    ("lateral_lean", 1.5, False, "usual: under 1.5° either way"),
    ("foot_turnout_left", 15.0, True, "usual: up to 15° out (a rule of thumb)"),
    ("lateral_shift_cm", 2.0, False, "usual: under 2 cm either way"),
    ("trunk_flexion", 10.0, False, "usual: under 10°"),
    ("pelvic_tilt", math.nan, True, "no fixed normal: compare with your own earlier recordings"),
])
def test_normal_text(measure, watch, heuristic, text):
    assert normal_text(measure, watch, heuristic) == text


@pytest.mark.parametrize("measure", PICTURED)
def test_every_picture_is_valid_svg_with_the_angle_drawn(measure):
    svg = measure_svg(measure)
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("aria-label")
    colors = re.findall(r"stroke='(#[0-9a-f]{6})'|fill='(#[0-9a-f]{6})'", svg)
    assert any("#e65100" in c for c in colors)  # the measured part, highlighted
    assert measure_svg(measure) is svg  # generated once
    assert svg_data_uri(svg).startswith("data:image/svg+xml;base64,")


def test_every_live_and_report_measure_has_a_label_and_a_picture():
    for m in (*LIVE_MEASURES, "foot_turnout_asymmetry", "trunk_flexion", "lateral_shift_cm"):
        assert m in MEASURE_LABELS and m in PICTURED, m
    assert measure_svg("knee_flexion_left") is None


@pytest.mark.slow
def test_result_page_shows_measure_cards(model_path):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.button[0].click().run()  # analyse the pre-selected sample (right foot out 30 deg)
    assert not at.exception, at.exception
    cards = [m.value for m in at.markdown if "measure-card" in str(m.value)]
    assert len(cards) >= 4, [str(m.value)[:80] for m in at.markdown]
    right = next(c for c in cards if "data-measure='foot_turnout_right'" in c)
    assert "<b>Right foot turn-out</b>" in right
    assert re.search(r"\d+\.\d° out", right) and "likely between" in right
    assert "usual: up to" in right and "data:image/svg+xml;base64," in right
    # the camera set-up of the recording's first seconds, as in the reports
    setup = [e for e in at.expander if "Camera set-up (first 3 s" in e.label]
    assert len(setup) == 1 and "6 of 6 ready" in setup[0].label, [e.label for e in at.expander]
