"""Every report format of one result, rendered by one function: the app, the CLI and batch.

:func:`render_reports` turns a result into :class:`Rendered` bytes per format (PDF, HTML,
JSON, CSV, and the annotated video or, for a photo, the annotated PNG); :func:`write_reports`
writes them into a folder, each file atomically. The key frames and figures the PDF and HTML
share are drawn once (:func:`~posture_check.report.content.build_content`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from posture_check.atomic import write_bytes_atomic
from posture_check.report.content import ReportContent, build_content
from posture_check.report.csv_report import csv_text
from posture_check.report.html_report import html_text
from posture_check.report.json_report import dumps
from posture_check.report.pdf_report import pdf_bytes
from posture_check.report.video_report import write_annotated_image, write_video

__all__ = ["FORMATS", "Rendered", "output_names", "render_reports", "write_reports"]

#: Every format, in the order the CLI lists them.
FORMATS: tuple[str, ...] = ("json", "csv", "pdf", "html", "video")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Rendered:
    """One rendered format: its bytes, the file name it goes under, its MIME type."""

    data: bytes
    file_name: str
    mime: str


def output_names(stem: str, kind: str) -> dict[str, str]:
    """File name of each format for an input called ``stem`` (a photo's "video" is a PNG)."""
    return {"json": f"{stem}.json", "csv": f"{stem}.csv", "pdf": f"{stem}.pdf",
            "html": f"{stem}.html",
            "video": f"{stem}_annotated.mp4" if kind == "video" else f"{stem}_annotated.png"}


def _mime(fmt: str, kind: str) -> str:
    return {"json": "application/json", "csv": "text/csv", "pdf": "application/pdf",
            "html": "text/html",
            "video": "video/mp4" if kind == "video" else "image/png"}[fmt]


def _write_visual(result, target: Path, progress: Progress | None) -> Path:
    """The annotated video of a video, the annotated PNG of a photo (atomic)."""
    if result.input.kind == "video":
        return write_video(result, target, progress=progress)
    return write_annotated_image(result, target)


def _check(formats: Sequence[str]) -> None:
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report formats {sorted(unknown)}; expected some of {FORMATS}")


def _document_bytes(result, fmt: str, since, content: ReportContent | None) -> bytes:
    """The bytes of a document format (every format but the video)."""
    if fmt == "json":
        return dumps(result).encode("utf-8")
    if fmt == "csv":
        return csv_text(result).encode("utf-8")
    if fmt == "html":
        return html_text(result, since, content=content).encode("utf-8")
    return pdf_bytes(result, since, content=content)


def render_reports(result, formats: Sequence[str] = FORMATS, *, since=None,
                   content: ReportContent | None = None, stem: str | None = None,
                   progress: Progress | None = None) -> dict[str, Rendered]:
    """Render ``formats`` of ``result`` in memory: {format: :class:`Rendered`}.

    ``since``: a :class:`posture_check.history.since.SinceBaseline`; the PDF and HTML then carry
    a "Since your baseline" section. ``content``: the result's report content when the caller
    has it already (the app shows it too). ``progress(done, total)``: frames of the video.
    """
    _check(formats)
    kind = result.input.kind
    names = output_names(stem or Path(result.input.file_name).stem, kind)
    if content is None and {"pdf", "html"} & set(formats):
        content = build_content(result)
    out: dict[str, Rendered] = {}
    for fmt in formats:
        if fmt == "video":
            with tempfile.TemporaryDirectory(prefix="posture-check-render-") as tmp:
                data = _write_visual(result, Path(tmp) / names[fmt], progress).read_bytes()
        else:
            data = _document_bytes(result, fmt, since, content)
        out[fmt] = Rendered(data, names[fmt], _mime(fmt, kind))
    return out


def write_reports(result, out_dir: str | os.PathLike[str], formats: Sequence[str] = FORMATS,
                  stem: str | None = None, progress: Progress | None = None,
                  since=None) -> dict[str, Path]:
    """Write ``formats`` into ``out_dir`` (created if needed), each file atomically; return
    {format: path}. The same bytes as :func:`render_reports`; the video is encoded straight
    into its file rather than held in memory."""
    _check(formats)
    docs = render_reports(result, [f for f in formats if f != "video"], since=since, stem=stem)
    out = Path(out_dir)
    paths: dict[str, Path] = {}
    for fmt in formats:
        if fmt == "video":
            names = output_names(stem or Path(result.input.file_name).stem, result.input.kind)
            paths[fmt] = _write_visual(result, out / names[fmt], progress)
        else:
            write_bytes_atomic(out / docs[fmt].file_name, docs[fmt].data)
            paths[fmt] = out / docs[fmt].file_name
    return paths
