"""The set-up check in the reports' quality section, from real analyses (real model): a
recording that starts half out of the picture says so with the fixes and when the set-up held;
a well set-up sample holds from the start. JSON validates; HTML and PDF carry the lines."""

from __future__ import annotations

import pytest
from helpers.media import SAMPLES, analysed, write_video

from posture_check.pose.video_io import iter_frames
from posture_check.report import build_report, html_text, pdf_bytes, validate
from posture_check.synth.stepback import stepback_frames

pytestmark = pytest.mark.usefixtures("model_path")  # runs the real model: slow


@pytest.fixture(scope="module")
def stepback_result(tmp_path_factory):
    frames = [rgb for _, rgb in iter_frames(SAMPLES / "standing_neutral_front.mp4")][::2]
    path = tmp_path_factory.mktemp("setup") / "stepback.mp4"
    write_video(path, list(stepback_frames(frames, 15.0, near_s=3.5, step_s=1.0,
                                           after_s=3.5)), fps=15)
    return analysed(str(path))


def test_report_setup_of_a_clip_starting_half_out_of_the_picture(stepback_result, tmp_path):
    rep = build_report(stepback_result)
    validate(rep)
    setup = rep["setup_check"]
    items = {i["name"]: i for i in setup["items"]}
    assert not setup["all_ok"]
    assert not items["in_view"]["ok"] and not items["distance"]["ok"]
    assert items["distance"]["fix"].startswith("Step back about")
    assert items["square"]["ok"] and items["light"]["ok"] and items["one_person"]["ok"]
    # the step back ends at 4.5 s; then 1.5 s of hold
    assert setup["ready_at_s"] == pytest.approx(6.0, abs=0.7)
    html = html_text(stepback_result)
    assert "Camera set-up (first 3 s; the set-up held from" in html
    assert "fix: Distance to the camera: Step back about" in html
    pdf = pdf_bytes(stepback_result)
    out = tmp_path / "report.pdf"
    out.write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")


def test_report_setup_of_a_well_set_up_sample():
    setup = build_report(analysed("standing_neutral_front"))["setup_check"]
    assert setup["all_ok"], setup
    assert setup["ready_at_s"] == pytest.approx(1.5, abs=0.1)
    assert all(i["fix"] == "" for i in setup["items"])
