"""The task a batch sends to a Dask worker: one recording in, its reports and table rows out.

:func:`analyze_recording` makes the same library calls as ``posture-check analyze``
(:func:`posture_check.analysis.pipeline.analyze`, then the report content functions of
:mod:`posture_check.report`), and returns everything as data: nothing is written on the
worker's disk except the annotated video's temporary file (the encoder needs a file), which is
read back and deleted. The client writes the report folder.

A problem with the recording (:class:`~posture_check.errors.PostureCheckError`: corrupt,
nobody in view, ...) comes back as an ``error`` with ``error_kind="input"`` (the same content
fails the same way, so a resumed batch does not retry it); any other exception is
``error_kind="error"`` (retried by the next run). A worker that dies is the client's business
(:mod:`posture_check.batch.runner`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

__all__ = ["RecordingOutput", "analyze_recording"]


@dataclass
class RecordingOutput:
    """What a worker sends back for one recording.

    ``reports``: format -> file bytes (names as :func:`posture_check.report.output_names`);
    ``rows``: :func:`posture_check.batch.table.recording_rows`; ``result``: the
    :class:`~posture_check.analysis.results.AnalysisResult` itself when the client asked for it (to
    save it in the history and draw the "since your baseline" sections); ``summary``: the
    one-line summary ``analyze`` prints; ``seconds``: wall time on the worker.
    """

    path: str
    sha256: str
    reports: dict[str, bytes] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    result: object | None = None
    summary: str = ""
    error: str = ""
    error_kind: str = ""  # "" | "input" | "error"
    seconds: float = 0.0
    worker_pid: int = 0


def _report_bytes(result, formats: tuple[str, ...]) -> dict[str, bytes]:
    from posture_check.report import render_reports

    return {fmt: r.data for fmt, r in render_reports(result, formats).items()}


def summary_line(result) -> str:
    """The line ``posture-check analyze`` prints for a result (without the timing)."""
    n_flag = sum(f.severity == "flag" for f in result.findings)
    n_watch = sum(f.severity == "watch" for f in result.findings)
    return (f"{result.n_frames} frame(s), person in {result.n_detected}, {n_flag} flag(s), "
            f"{n_watch} to watch"
            + (f", stretch: {result.stretch.verdict}" if result.stretch is not None else "")
            + (", PARTIAL (damaged recording)" if result.partial else ""))


def analyze_recording(path: str, sha256: str, options, formats: tuple[str, ...],
                      keep_result: bool = False) -> RecordingOutput:
    """Analyse one recording (see module docstring). ``options``: an
    :class:`~posture_check.analysis.results.AnalysisOptions`; ``sha256``: the content hash the
    client
    computed; a file whose bytes differ here (another file at the same path on a remote
    worker, or changed meanwhile) is an input error."""
    from posture_check.errors import PostureCheckError

    t0 = time.perf_counter()
    out = RecordingOutput(path=path, sha256=sha256, worker_pid=os.getpid())
    try:
        from posture_check.analysis.pipeline import analyze
        from posture_check.atomic import file_sha256
        from posture_check.batch.table import recording_rows

        try:
            here = file_sha256(path)
        except OSError as exc:
            raise PostureCheckError(f"{path}: cannot read it on the worker "
                                    f"({exc.strerror or exc})") from exc
        if here != sha256:
            raise PostureCheckError(f"{path}: its content on the worker differs from the "
                                    "client's (changed meanwhile, or another file at that path)")
        result = analyze(path, options)
        out.reports = _report_bytes(result, formats)
        out.rows = recording_rows(result, path, sha256)
        out.summary = summary_line(result)
        if keep_result:
            out.result = result
    except PostureCheckError as exc:
        out.error, out.error_kind = str(exc), "input"
    except Exception as exc:  # a bug or an environment problem: listed, retried next run
        out.error, out.error_kind = f"{type(exc).__name__}: {exc}", "error"
    out.seconds = time.perf_counter() - t0
    return out
