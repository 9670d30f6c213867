"""Reports of an analysed recording: JSON (versioned schema), CSV, PDF, HTML, annotated video.

Public API::

    from posture_check.report import FORMATS, build_report, write_reports
    report = build_report(result)                 # JSON-ready dict, schema "posture-check.report/2"
    paths = write_reports(result, "out/", formats=("json", "pdf"))   # {format: Path}

The HTML and PDF reports and the app render one :class:`~.content.ReportContent` (annotated key
frames, figures, summary lines), built once per result by :func:`~.content.build_content` and
passed as ``content=`` (each builds its own when not given).

Content functions for in-memory downloads (the app): :func:`json_report.dumps`,
:func:`csv_report.csv_text`, :func:`html_report.html_text`, :func:`pdf_report.pdf_bytes`;
the annotated video needs a file: :func:`video_report.write_video`. Every writer is atomic.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .content import ReportContent, build_content
from .csv_report import csv_text, write_csv
from .html_report import html_text, write_html
from .json_report import build_report, dumps, write_json
from .pdf_report import pdf_bytes, write_pdf
from .schema import REPORT_SCHEMA, SCHEMA_ID, validate
from .video_report import write_annotated_image, write_video

__all__ = [
    "FORMATS",
    "REPORT_SCHEMA",
    "SCHEMA_ID",
    "ReportContent",
    "build_content",
    "build_report",
    "csv_text",
    "dumps",
    "html_text",
    "output_names",
    "pdf_bytes",
    "validate",
    "write_csv",
    "write_html",
    "write_json",
    "write_pdf",
    "write_reports",
    "write_video",
]

FORMATS: tuple[str, ...] = ("json", "csv", "pdf", "html", "video")


def output_names(stem: str, kind: str) -> dict[str, str]:
    """File name of each format for an input called ``stem`` (a photo's "video" is a PNG)."""
    return {"json": f"{stem}.json", "csv": f"{stem}.csv", "pdf": f"{stem}.pdf",
            "html": f"{stem}.html",
            "video": f"{stem}_annotated.mp4" if kind == "video" else f"{stem}_annotated.png"}


def write_reports(result, out_dir: str | os.PathLike[str], formats: Sequence[str] = FORMATS,
                  stem: str | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  since=None) -> dict[str, Path]:
    """Write the chosen formats into ``out_dir`` (created if needed); return {format: path}.

    ``since``: a :class:`posture_check.history.SinceBaseline`; the PDF and HTML reports then
    carry a "Since your baseline" section."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report formats {sorted(unknown)}; expected some of {FORMATS}")
    out = Path(out_dir)
    names = output_names(stem or Path(result.input.file_name).stem, result.input.kind)
    paths: dict[str, Path] = {}
    writers: dict[str, Callable[..., Path]] = {"json": write_json, "csv": write_csv,
                                               "pdf": write_pdf, "html": write_html}
    # key frames and figures drawn once for the PDF and the HTML
    content = build_content(result) if {"pdf", "html"} & set(formats) else None
    for fmt in formats:
        target = out / names[fmt]
        if fmt == "video":
            paths[fmt] = (write_video(result, target, progress=progress)
                          if result.input.kind == "video" else
                          write_annotated_image(result, target))
        elif fmt in ("pdf", "html"):
            paths[fmt] = writers[fmt](result, target, since=since, content=content)
        else:
            paths[fmt] = writers[fmt](result, target)
    return paths
