"""Reports from real analyses: JSON against its schema, CSV rows, HTML self-contained, PDF pages,
annotated video decodable as H.264, drawing on frames."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import numpy as np
import pytest
from helpers.media import REAL, analysed

from posture_check.draw import (
    AngleAnnotator,
    FindingsBanner,
    HoldTimerAnnotator,
    SkeletonAnnotator,
    put_label,
)
from posture_check.measures import NOT_A_DIAGNOSIS, RED_FLAGS
from posture_check.report import (
    SCHEMA_ID,
    build_report,
    csv_text,
    dumps,
    html_text,
    pdf_bytes,
    validate,
    write_reports,
)

pytestmark = pytest.mark.usefixtures("model_path")  # runs the real model: slow
FRONT = "foot_turnout_right30_left5_front"
STRETCH = ("hamstring_bouncing_side", {"stretch": "standing_hamstring"})


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF (fpdf2 writes page dictionaries uncompressed)."""
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def test_json_validates_and_has_stable_keys():
    r = analysed(FRONT)
    rep = build_report(r)
    validate(rep)
    assert rep["schema"] == SCHEMA_ID
    assert rep["analysis"]["n_frames_analysed"] == r.n_frames
    assert rep["main_view"] == "front"
    assert set(rep["measures"]) >= {"lateral_lean", "pelvic_obliquity", "foot_turnout_left"}
    assert rep["measures"]["foot_turnout_right"]["unit"] == "deg"
    f = next(f for f in rep["findings"] if f["measure"] == "foot_turnout_right")
    assert f["severity"] in ("watch", "flag") and f["source_doc"].startswith("000_")
    lo, hi = rep["measures"]["foot_turnout_right"]["ci90"]
    assert lo < rep["measures"]["foot_turnout_right"]["median"] < hi
    assert f["ci90"] == [lo, hi]
    assert len(rep["red_flags"]["items"]) == len(RED_FLAGS)
    assert rep["not_a_diagnosis"] == NOT_A_DIAGNOSIS
    assert "000_d6bce9b67209ff87.txt" in rep["sources"]
    # strict JSON: NaN became null
    text = dumps(r)
    assert "NaN" not in text
    shown = json.loads(text)["findings"]
    nan_at = [i for i, f in enumerate(r.findings) if not math.isfinite(f.value)]
    assert nan_at and all(shown[i]["value"] is None for i in nan_at)
    pt = next(f for f in json.loads(text)["findings"] if f["measure"] == "pelvic_tilt")
    assert pt["severity"] == "not_measured" and pt["value"] is None


def test_schema_rejects_a_broken_report():
    import jsonschema

    rep = build_report(analysed(FRONT))
    rep["findings"][0]["severity"] = "terrible"
    with pytest.raises(jsonschema.ValidationError):
        validate(rep)
    rep = build_report(analysed(FRONT))
    del rep["red_flags"]
    with pytest.raises(jsonschema.ValidationError):
        validate(rep)


def test_stretch_json_has_repetitions_and_phases():
    rep = build_report(analysed(STRETCH[0], **STRETCH[1]))
    validate(rep)
    st = rep["stretch"]
    assert st["name"] == "standing_hamstring" and st["verdict"] == "bouncing"
    assert st["repetitions"][0]["verdict"] == "bouncing"
    assert [p["phase"] for p in st["phases"]["both"]][:3] == ["rest", "moving_in", "holding"]
    assert st["target_hold_s"] == [20.0, 30.0]


def test_photo_and_multi_person_reports_validate():
    validate(build_report(analysed(str(REAL / "COCO_val2014_000000000241.jpg"))))
    rep = build_report(analysed(str(REAL / "video.avi"), max_frames=60))
    validate(rep)
    assert any(w["code"] == "several_people" for w in rep["quality_warnings"])


def test_csv_one_row_per_frame():
    r = analysed(FRONT)
    rows = list(csv.DictReader(io.StringIO(csv_text(r))))
    assert len(rows) == r.n_frames
    first = rows[0]
    for col in ("frame_index", "t_s", "person_detected", "valid", "view", "lateral_lean",
                "foot_turnout_right", "foot_turnout_right_reason", "lateral_shift_cm"):
        assert col in first
    t = np.array([float(x["t_s"]) for x in rows])
    np.testing.assert_allclose(t, r.series.t_s, atol=1e-3)
    v = np.array([float(x["lateral_lean"]) if x["lateral_lean"] else math.nan for x in rows])
    np.testing.assert_allclose(v, r.measures.values["lateral_lean"], atol=1e-3)
    assert {x["pelvic_tilt"] for x in rows} == {""}
    assert {x["pelvic_tilt_reason"] for x in rows} <= {"wrong_view", "low_visibility",
                                                        "out_of_frame"}


def test_html_is_self_contained():
    r = analysed(STRETCH[0], **STRETCH[1])
    text = html_text(r)
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)=[\"']https?://", text)
    assert "<script" not in text
    assert text.count("data:image/png;base64,") >= 2  # stretch timeline + measures plot
    assert "data:image/jpeg;base64," in text  # key frames
    assert "Not a diagnosis" in text and RED_FLAGS[0].text in text
    assert "bouncing" in text


def test_pdf_pages():
    front = pdf_bytes(analysed(FRONT))
    stretch = pdf_bytes(analysed(STRETCH[0], **STRETCH[1]))
    n_front, n_stretch = pdf_pages(front), pdf_pages(stretch)
    # summary + red flags, key frames, measures table + summary chart, time series
    assert 3 <= n_front <= 8
    assert n_stretch >= 3 and n_stretch <= 10
    assert b"/Title (Posture report: foot_turnout" in front


def test_write_reports_all_formats(tmp_path):
    import av

    r = analysed(FRONT)
    paths = write_reports(r, tmp_path / "out")
    assert {p.name for p in paths.values()} == {
        f"{FRONT}.json", f"{FRONT}.csv", f"{FRONT}.pdf", f"{FRONT}.html",
        f"{FRONT}_annotated.mp4"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        p.name for p in paths.values())  # no temporary files left
    with av.open(str(paths["video"])) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        frames = list(c.decode(video=0))
    assert len(frames) == r.n_frames
    assert frames[0].format.name == "yuv420p"
    assert (frames[0].width, frames[0].height) == r.input.analysed_size
    ts = np.array([float(f.pts * f.time_base) for f in frames])
    np.testing.assert_allclose(ts - ts[0], r.series.t_s - r.series.t_s[0], atol=0.002)


def test_photo_video_output_is_an_annotated_png(tmp_path):
    import cv2

    r = analysed(str(REAL / "COCO_val2014_000000000241.jpg"))
    paths = write_reports(r, tmp_path, formats=("video", "pdf"))
    img = cv2.imread(str(paths["video"]))
    assert paths["video"].suffix == ".png"
    assert img.shape[:2] == (r.input.height, r.input.width)
    assert pdf_pages(paths["pdf"].read_bytes()) >= 2


# ---------------------------------------------------------------------------------- drawing
def test_annotators_draw_on_the_person_and_only_there():
    r = analysed(FRONT)
    kf = r.key_frames[0]
    img = kf.image.copy()
    before = img.copy()
    out = SkeletonAnnotator(legend=False).annotate(img, r.series, kf.index)
    assert out is img
    changed = np.any(img != before, axis=2)
    xy = r.series.image[kf.index, :, :2] * [img.shape[1], img.shape[0]]
    x0, y0 = np.floor(xy.min(axis=0)).astype(int) - 8
    x1, y1 = np.ceil(xy.max(axis=0)).astype(int) + 8
    inside = changed[max(y0, 0):y1, max(x0, 0):x1].sum()
    assert inside > 500 and inside == changed.sum()
    # each hip joint is drawn where the landmark is
    hx, hy = np.round(xy[24]).astype(int)
    assert changed[hy - 2:hy + 3, hx - 2:hx + 3].any()


def test_angle_annotator_skips_gated_measures_and_banner_lists_findings():
    r = analysed(FRONT)
    kf = r.key_frames[0]
    a = kf.image.copy()
    AngleAnnotator().annotate(a, r.series, {k: math.nan for k in r.measures.values}, kf.index)
    assert np.array_equal(a, kf.image)  # nothing valid, nothing drawn
    AngleAnnotator().annotate(a, r.series, r.frame_values(kf.index), kf.index)
    assert not np.array_equal(a, kf.image)
    b = np.zeros((360, 640, 3), np.uint8)
    FindingsBanner(footer=None).annotate(b, r.findings)
    assert b[:40].any() and not b[80:].any()
    c = np.zeros((360, 640, 3), np.uint8)
    HoldTimerAnnotator().annotate(c, "holding", 12.0, 30.0)
    assert c.any()
    box = put_label(np.zeros((50, 200, 3), np.uint8), "lean 2.5° L", (10, 30), (255, 255, 255))
    assert box[2] > box[0] and box[3] > box[1]


def test_a_bouncing_stretch_is_named_in_the_banner_and_its_sources_are_listed():
    from posture_check.report.common import (
        cited_docs,
        measure_rows,
        overlay_measures,
        stretch_faults_at,
    )

    r = analysed(STRETCH[0], **STRETCH[1])
    rep = r.stretch.repetitions[0]
    mid = 0.5 * (rep.t_hold_start_s + rep.t_hold_end_s)
    faults = stretch_faults_at(r, mid)
    hz = [float(text.split()[1]) for sev, text in faults
          if sev == "flag" and text.startswith("bouncing ")]
    assert hz and hz[0] == pytest.approx(2.0, abs=0.3), faults  # the clip bounces at 2 Hz
    assert stretch_faults_at(r, rep.t_end_s + 1.0) == []
    # the stretch text cites the talk and the self-massage guide: both are in the sources
    docs = cited_docs(r)
    assert any(d.startswith("000_") for d in docs) and any(d.startswith("003_") for d in docs)
    text = html_text(r)
    assert "003_f1656872b7ed7076.txt" in text.split("<h2>Sources</h2>")[1]
    assert "003_f1656872b7ed7076.txt" not in text.split("<h2>Sources</h2>")[0]
    # only the hinge's own angles are drawn and tabled: no knee bend on straight legs
    assert not any(m.startswith("knee_flexion") for m in overlay_measures(r))
    assert not any("knee" in row[0].lower() for row in measure_rows(r))


@pytest.mark.parametrize(("missing", "front", "side"), [
    (("pelvic_tilt",), False, True),  # a front view: only the side-view proxy is missing
    (("lateral_lean", "foot_turnout_left"), True, False),  # a side view (the real squat)
    (("lateral_lean", "pelvic_tilt"), True, True),
    ((), False, False),
])
def test_the_not_measured_paragraph_says_only_what_the_missing_measures_need(missing, front,
                                                                             side):
    from types import SimpleNamespace

    from posture_check.report.common import not_measured_text

    result = SimpleNamespace(findings=[
        SimpleNamespace(measure=m, severity="not_measured", extra={"reason": "wrong_view"})
        for m in missing] + [SimpleNamespace(measure="shoulder_tilt", severity="ok", extra={})])
    text = not_measured_text(result)
    assert ("front view" in text) == front
    assert ("side view" in text) == side
    assert (text == "") == (not missing)
