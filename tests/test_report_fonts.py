"""The PDF report shows Chinese, Japanese and Korean names, not boxes (real analysis, real PDF)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import warnings

from helpers.media import SAMPLES

from posture_check.analysis.pipeline import analyze
from posture_check.report.fonts import BASE_FAMILY, find_cjk_font, report_font_family
from posture_check.report.pdf_report import pdf_bytes


def test_cjk_file_name_is_drawn_with_a_cjk_font(tmp_path, model_path, caplog):
    assert find_cjk_font() is not None, "no CJK font: `make setup` installs fonts-wqy-zenhei"
    clip = tmp_path / "张伟_站立.mp4"
    shutil.copy(SAMPLES / "lean_left8_front.mp4", clip)
    result = analyze(clip)
    caplog.set_level(logging.WARNING, logger="fpdf")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = pdf_bytes(result)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []  # matplotlib (the figures)
    # fpdf2 (the page text) logs each font that lacks glyphs it was asked to draw
    assert [r.getMessage() for r in caplog.records if "missing the following glyphs" in
            r.getMessage()] == []
    family = report_font_family()
    assert family[0] == BASE_FAMILY and len(family) == 2
    assert family[1].replace(" ", "").encode() in data  # the CJK font is embedded
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    if shutil.which("pdftotext"):  # the name can be read back from the PDF
        text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "张伟_站立.mp4" in text


def test_cjk_font_search_falls_back_to_nothing(tmp_path):
    assert find_cjk_font((tmp_path,)) is None  # no font: the report keeps DejaVu Sans only
    real = find_cjk_font()
    assert real is not None
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / real.name).symlink_to(real)
    assert find_cjk_font((tmp_path,)) == tmp_path / "fonts" / real.name
