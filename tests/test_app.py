"""The Streamlit app's analysis flow with Streamlit's AppTest: real app, real model, real sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posture_check.measures import NOT_A_DIAGNOSIS
from posture_check.stretch.catalogue import stretch_title

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture()
def app(model_path) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for kind in (at.markdown, at.subheader, at.info, at.warning, at.error)
             for m in kind]
    return "\n".join(str(p) for p in parts)


def test_sample_is_preselected_and_analysis_shows_findings_and_downloads(app):
    assert app.selectbox[0].value == "foot_turnout_right30_left5_front.mp4"
    app.button[0].click().run()  # the form's "Analyse" button
    assert not app.exception, app.exception
    text = _text(app)
    # the right foot's finding is shown with its severity word (flag or watch), in its colour
    right = next(f for f in app.session_state["analysis"]["result"].findings
                 if f.measure == "foot_turnout_right")
    assert right.severity in ("flag", "watch")
    assert f"[**{right.severity}**]: {right.message}" in text
    assert NOT_A_DIAGNOSIS in text  # the notice is on the page
    downloads = [el for el in app.get("download_button")]
    assert len(downloads) == 5  # PDF, HTML, JSON, CSV, annotated video


def test_stretch_analysis_of_a_sample(app):
    app.selectbox[0].select("hamstring_too_short_side.mp4")
    app.selectbox[1].select("standing_hamstring")
    app.button[0].click().run()
    assert not app.exception, app.exception
    result = app.session_state["analysis"]["result"]
    labels = json.loads((APP.parent / "sample_videos" / "hamstring_too_short_side.json")
                        .read_text())["stretch"]
    assert result.stretch.verdict == labels["expected_verdict"] == "too_short"
    text = _text(app)
    assert f"**Stretch form: {stretch_title('standing_hamstring')}**" in text
    assert result.stretch.messages
    for message in result.stretch.messages:  # every message on the page, as a list item
        assert f"- {message}" in text
    # the too-short fault's advice, with the hold the labels give (to a second)
    held = [re.search(r"Hold for .* you held (\d+) s", m) for m in result.stretch.messages]
    held = [h for h in held if h is not None]
    assert held and held[0] is not None, result.stretch.messages
    assert abs(int(held[0].group(1)) - labels["hold_s"]) <= 1



def test_an_analysis_is_computed_once_per_input_and_options(app):
    app.button[0].click().run()
    first = app.session_state["analysis"]["result"]
    app.button[0].click().run()  # same sample, same options: served from the session cache
    assert app.session_state["analysis"]["result"] is first
    assert len(app.session_state["analysis_cache"]) == 1
    for el in app.get("download_button"):
        assert el.proto.ignore_rerun is True  # a download never reruns the page


def test_choices_show_words_not_machine_names(app):
    samples = app.selectbox[0]
    assert all(not o.endswith(".mp4") and "_" not in o for o in samples.options)
    stretches = app.selectbox[1].options
    assert "Standing hamstring stretch (hip hinge)" in stretches
    assert not any("_" in o for o in stretches)


def test_a_broken_upload_gets_one_clean_line(tmp_path):
    from posture_check.analysis.pipeline import analyze
    from posture_check.errors import PostureCheckError
    from posture_check.presentation import error_text

    folder = tmp_path / "posture-check-upload-abc123"
    folder.mkdir()
    bad = folder / "my clip.mp4"
    bad.write_bytes(b"\x00not a video" * 100)
    with pytest.raises(PostureCheckError) as info:
        analyze(bad)
    text = error_text(info.value, bad, "my clip.mp4")
    assert "my clip.mp4" in text
    assert str(tmp_path) not in text and "OpenCV" not in text and "\n" not in text
