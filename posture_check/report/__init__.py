"""Reports of an analysed recording: JSON (versioned schema), CSV, PDF, HTML, annotated video.

Public API::

    from posture_check.report import FORMATS, build_report, render_reports, write_reports
    report = build_report(result)                 # JSON-ready dict, schema "posture-check.report/2"
    files = render_reports(result, ("pdf", "json"))          # {format: Rendered(data, name, mime)}
    paths = write_reports(result, "out/", formats=("json", "pdf"))   # {format: Path}

:func:`~.render.render_reports` is the one way every caller (the app, ``posture-check
analyze``, batch) renders formats. The HTML and PDF render one :class:`~.content.ReportContent`
(annotated key frames, figures, summary lines), built once per result by
:func:`~.content.build_content`. Every writer is atomic.
"""

from __future__ import annotations

from posture_check.report.content import ReportContent, build_content
from posture_check.report.csv_report import csv_text, write_csv
from posture_check.report.html_report import html_text, write_html
from posture_check.report.json_report import build_report, dumps, write_json
from posture_check.report.pdf_report import pdf_bytes, write_pdf
from posture_check.report.render import (
    FORMATS,
    Rendered,
    output_names,
    render_reports,
    write_reports,
)
from posture_check.report.schema import REPORT_SCHEMA, SCHEMA_ID, validate
from posture_check.report.video_report import write_annotated_image, write_video

__all__ = [
    "FORMATS",
    "REPORT_SCHEMA",
    "SCHEMA_ID",
    "Rendered",
    "ReportContent",
    "build_content",
    "build_report",
    "csv_text",
    "dumps",
    "html_text",
    "output_names",
    "pdf_bytes",
    "render_reports",
    "validate",
    "write_annotated_image",
    "write_csv",
    "write_html",
    "write_json",
    "write_pdf",
    "write_reports",
    "write_video",
]
