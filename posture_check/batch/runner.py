"""Run a batch on Dask distributed: submit one task per recording, write what comes back.

Flow (:func:`run_batch`):

1. Every recording is hashed (sha256) on the client; the done-manifest
   (:mod:`.manifest`) says which contents are already done with the same settings
   (:func:`batch_settings`: skipped; done with other options, formats or version: analysed
   again) or failed as bad input (listed again, not retried unless ``retry_failed``).
2. One :func:`posture_check.batch.task.analyze_recording` task per remaining recording goes to
   the cluster (:func:`dask_client`): by default a ``LocalCluster`` sized to this machine (one
   single-threaded worker process per core, bound to 127.0.0.1, no dashboard); or a running
   scheduler (``tcp://HOST:PORT``).
3. Results come back as data. The client writes each report folder atomically: the files go
   into a hidden ``.NAME.partial-XXXX`` folder which is renamed to ``NAME`` when complete, so
   Ctrl-C (or a crash) never leaves a half-written report; stale partial folders of a killed
   run are removed at the next start. Then the manifest is rewritten (atomically).
4. The combined table (:mod:`.table`) is written from the manifest at the end, also after
   Ctrl-C, for every recording of this run that is done.

A worker that dies while analysing a recording (out of memory, killed): the scheduler is told
not to retry by itself (``distributed.scheduler.allowed-failures = 0`` on the local cluster),
the client re-submits the recording once, and lists it as failed (``crash``) if the second
try dies too. A running cluster's own ``allowed-failures`` (Dask's default: 3) applies before
that. Progress with an ETA (from the bytes analysed so far) goes to stderr, one line per
recording.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from posture_check.atomic import current_umask, file_sha256, write_bytes_atomic
from posture_check.batch.manifest import MANIFEST_NAME, Manifest
from posture_check.batch.table import write_table
from posture_check.batch.task import RecordingOutput, analyze_recording
from posture_check.errors import PostureCheckError

if TYPE_CHECKING:
    from posture_check.analysis.results import AnalysisOptions

__all__ = ["FAILED_NAME", "TABLE_CSV", "TABLE_PARQUET", "BatchSummary", "dask_client",
           "report_dir_names", "run_batch"]

log = logging.getLogger(__name__)

TABLE_PARQUET = "batch_table.parquet"
TABLE_CSV = "batch_table.csv"
FAILED_NAME = "batch_failed.csv"
_PARTIAL = re.compile(r"^\..+\.(partial|old)-[A-Za-z0-9_]+$")
_SCHEDULER = re.compile(r"^(tcp|tls|inproc|ws|wss|ucx)://[^\s/]+:\d+$")


@dataclass
class HistorySink:
    """Where ``--save`` / ``--profile`` put sessions (an open
    :class:`~posture_check.history.HistoryStore`)."""

    store: object
    profile: str
    save: bool
    note: str = ""
    pain_score: int | None = None
    keep_landmarks: bool = False


@dataclass
class BatchSummary:
    """What a batch did. Lists hold paths (str) in input order."""

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # path -> error
    retried: list[str] = field(default_factory=list)
    redone: list[str] = field(default_factory=list)  # done before with other settings
    report_dirs: dict[str, Path] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)  # path -> history session id
    n_rows: int = 0
    seconds: float = 0.0


def batch_settings(options: AnalysisOptions, formats: Sequence[str]) -> dict:
    """What a recording's results depend on besides its content, as JSON data: the analysis
    options (model file name, stretch, sides, height, roll, sampling and its rule, flip
    averaging, sizes, smoothing, frame cap; a baseline by its median values), the report
    formats and the package version. The manifest keeps it per recording
    (:mod:`.manifest`)."""
    from posture_check import __version__

    opts = {f.name: getattr(options, f.name) for f in fields(options)}
    model = opts.pop("model_path")
    rule = opts.pop("sampling_rule")
    base = opts.pop("baseline")
    if base is not None and not isinstance(base, dict):
        base = {k: s.median for k, s in base.summary().items()}
    settings = json.loads(json.dumps({
        **opts, "model": None if model is None else Path(model).name,
        "sampling_rule": None if rule is None else asdict(rule),
        "baseline": base, "formats": sorted(formats), "version": __version__,
    }, default=str, allow_nan=True))
    return _finite(settings)


def _finite(x):
    """``x`` (JSON data) with NaN and infinities as None: equal settings compare equal, and the
    manifest (strict JSON) can hold them."""
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return None if isinstance(x, float) and not math.isfinite(x) else x


# ----------------------------------------------------------------------------------- cluster
@contextlib.contextmanager
def dask_client(scheduler: str | None = None, n_workers: int | None = None,
                connect_timeout_s: float = 10.0) -> Iterator[object]:
    """A ``distributed.Client``: to ``scheduler`` (``tcp://HOST:PORT``) if given, else to a new
    ``LocalCluster`` of ``n_workers`` (default: the machine's cores) single-threaded worker
    processes bound to 127.0.0.1 without a dashboard. Closed on exit.

    Raises:
        PostureCheckError: a malformed address, an unreachable scheduler, or no workers.
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        if not _SCHEDULER.match(scheduler):
            raise PostureCheckError(f"--scheduler {scheduler!r}: expected tcp://HOST:PORT")
        try:
            client = Client(scheduler, timeout=connect_timeout_s, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise PostureCheckError(f"cannot reach the Dask scheduler at {scheduler} within "
                                    f"{connect_timeout_s:g} s ({type(exc).__name__}); is it "
                                    "running, and is the address right?") from exc
        try:
            try:
                client.wait_for_workers(1, timeout=connect_timeout_s)
            except (OSError, TimeoutError) as exc:
                raise PostureCheckError(f"the Dask scheduler at {scheduler} has no workers "
                                        f"(waited {connect_timeout_s:g} s)") from exc
            yield client
        finally:
            client.close()
        return
    n = max(1, n_workers or os.cpu_count() or 1)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.scheduler.worker-saturation": 1.0}):
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None,
                               silence_logs=logging.CRITICAL)
        try:
            client = Client(cluster, set_as_default=False)
            try:
                yield client
            finally:
                client.close()
        finally:
            cluster.close()


# ----------------------------------------------------------------------------------- writing
def _clean_partials(out: Path) -> None:
    for p in out.iterdir() if out.is_dir() else ():
        if _PARTIAL.match(p.name) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


def write_report_dir(out: Path, name: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` (file name -> bytes) as the folder ``out/name``, atomically: built in a
    hidden partial folder, then renamed over any earlier folder of that name."""
    final = out / name
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=out))
    old: Path | None = None
    try:
        for fname, data in files.items():
            write_bytes_atomic(tmp / fname, data)
        os.chmod(tmp, 0o777 & ~current_umask())
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{name}.old-", dir=out))
            os.replace(final, old / "x")
        os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return final


def report_dir_names(paths: list[Path], shas: list[str], manifest: Manifest) -> list[str]:
    """``<stem>_report`` per recording (as ``analyze``'s default folder); a name taken by
    another content gets ``_<sha256[:8]>``; a content already in the manifest keeps its name."""
    names: list[str] = []
    taken: dict[str, str] = {e["report_dir"]: sha for sha, e in manifest.entries.items()
                             if e.get("report_dir")}
    for path, sha in zip(paths, shas, strict=True):
        e = manifest.get(sha)
        name = e["report_dir"] if e and e.get("report_dir") else f"{path.stem}_report"
        if taken.get(name, sha) != sha:
            name = f"{path.stem}_{sha[:8]}_report"
        taken[name] = sha
        names.append(name)
    return names


# ---------------------------------------------------------------------------------- progress
class _Progress:
    """One line per finished recording on stderr, with an ETA from the bytes done so far."""

    def __init__(self, sizes: dict[str, int], stream=None) -> None:
        self.total = sum(sizes.values())
        self.sizes = sizes
        self.done_bytes = 0
        self.n_total = len(sizes)
        self.n = 0
        self.t0 = time.perf_counter()
        self.stream = stream

    def finished(self, path: str, status: str) -> None:
        self.n += 1
        self.done_bytes += self.sizes.get(path, 0)
        el = time.perf_counter() - self.t0
        left = self.total - self.done_bytes
        eta = el * left / self.done_bytes if self.done_bytes and left > 0 else 0.0
        stream = self.stream or sys.stderr
        print(f"batch: [{self.n}/{self.n_total}] {Path(path).name}: {status}; elapsed "
              f"{_hms(el)}, ETA {_hms(eta) if self.n < self.n_total else '0:00'}",
              file=stream, flush=True)


def _hms(s: float) -> str:
    s = round(s)
    h, rem = divmod(s, 3600)
    return f"{h}:{rem // 60:02d}:{rem % 60:02d}" if h else f"{rem // 60}:{rem % 60:02d}"


# ------------------------------------------------------------------------------------- batch
def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _history(sink: HistorySink | None, out: RecordingOutput, formats: tuple[str, ...]
             ) -> int | None:
    """Save the session (``--save``); with a baseline, redraw PDF/HTML with the "since your
    baseline" section (as ``analyze --profile`` does). Returns the session id."""
    if sink is None or out.result is None:
        return None
    from posture_check.history.since import since_baseline
    from posture_check.report import build_content, html_text, pdf_bytes

    sid = None
    if sink.save:
        sid = sink.store.save_result(out.result, sink.profile, note=sink.note,
                                     pain_score=sink.pain_score, source_sha256=out.sha256,
                                     keep_landmarks=sink.keep_landmarks)
    since = since_baseline(sink.store, sink.profile, out.result, sid)
    if since is not None and {"pdf", "html"} & set(formats):
        content = build_content(out.result)  # drawn once for both
        if "pdf" in formats:
            out.reports["pdf"] = pdf_bytes(out.result, since=since, content=content)
        if "html" in formats:
            out.reports["html"] = html_text(out.result, since=since,
                                            content=content).encode("utf-8")
    return sid


def run_batch(
    inputs: list[Path],
    out: Path,
    options,
    formats: tuple[str, ...],
    *,
    client_factory: Callable[[], contextlib.AbstractContextManager] | None = None,
    retry_failed: bool = False,
    history: HistorySink | None = None,
    progress_stream=None,
) -> BatchSummary:
    """Analyse ``inputs`` into ``out`` (see module docstring); return what happened.

    ``options``: :class:`~posture_check.analysis.results.AnalysisOptions` for every recording;
    ``client_factory``: a context manager yielding a ``distributed.Client`` (default
    :func:`dask_client` with a local cluster), entered only when something is left to do.
    """
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    from posture_check.pose.video_io import is_image_path
    from posture_check.report import output_names

    t0 = time.perf_counter()
    _clean_partials(out)
    manifest = Manifest(out / MANIFEST_NAME)
    summary = BatchSummary()
    shas: list[str] = []
    readable: list[Path] = []
    for p in inputs:
        try:
            shas.append(file_sha256(p))
            readable.append(p)
        except OSError as exc:
            summary.failed[str(p)] = f"cannot read it ({exc.strerror or exc})"
    names = report_dir_names(readable, shas, manifest)
    settings = batch_settings(options, formats)
    todo: dict[str, tuple[Path, str]] = {}  # sha -> (path, report dir name)
    for p, sha, name in zip(readable, shas, names, strict=True):
        e = manifest.get(sha)
        if manifest.is_done(sha, out, settings) or sha in todo:
            summary.skipped.append(str(p))
        elif e and e.get("status") == "failed" and e.get("error_kind") == "input" \
                and not retry_failed:
            summary.failed[str(p)] = e["error"]
            summary.skipped.append(str(p))
        else:
            if manifest.is_done(sha, out):
                summary.redone.append(str(p))
            todo[sha] = (p, name)
    keep_result = history is not None
    started = not todo  # nothing is written before the cluster answered (or was not needed)
    try:
        if todo:
            progress = _Progress({str(p): p.stat().st_size for p, _ in todo.values()},
                                 progress_stream)
            with (client_factory or dask_client)() as client:
                n_workers = len(client.scheduler_info(n_workers=-1).get("workers", {}))
                started = True
                print(f"batch: analysing {len(todo)} recording(s) on {n_workers} Dask "
                      f"worker(s) ({client.scheduler.address}); {len(summary.skipped)} "
                      f"seen before"
                      + (f", {len(summary.redone)} done before with other settings, analysed "
                         "again" if summary.redone else ""),
                      file=progress_stream or sys.stderr, flush=True)
                def submit(sha: str, attempt: int):
                    path = str(todo[sha][0])
                    return client.submit(analyze_recording, path, sha, options, formats,
                                         keep_result, key=f"posture-check-{sha[:20]}-{attempt}",
                                         pure=False)

                futures = {submit(sha, 0): (sha, 0) for sha in todo}
                pending = as_completed(list(futures), loop=client.loop)
                try:
                    for fut in pending:
                        sha, attempt = futures.pop(fut)
                        path, name = todo[sha]
                        entry = {"path": str(path), "name": path.name, "report_dir": name,
                                 "finished_utc": _now(), "settings": settings}
                        try:
                            res: RecordingOutput = fut.result()
                        except KilledWorker:
                            if attempt == 0:
                                summary.retried.append(str(path))
                                print(f"batch: {path.name}: the worker analysing it died; "
                                      "retrying once", file=progress_stream or sys.stderr,
                                      flush=True)
                                new = submit(sha, 1)
                                futures[new] = (sha, 1)
                                pending.add(new)
                                continue
                            res = RecordingOutput(str(path), sha, error="the worker analysing "
                                                  "it died twice (out of memory or a crash)",
                                                  error_kind="crash")
                        except FutureCancelledError as exc:
                            raise PostureCheckError(f"the Dask cluster cancelled the analysis "
                                                    f"of {path.name} ({exc})") from exc
                        except Exception as exc:  # e.g. the task could not be unpickled
                            res = RecordingOutput(str(path), sha,
                                                  error=f"{type(exc).__name__}: {exc}",
                                                  error_kind="error")
                        if res.error:
                            summary.failed[str(path)] = res.error
                            manifest.set(sha, {**entry, "status": "failed", "error": res.error,
                                               "error_kind": res.error_kind})
                            progress.finished(str(path), f"FAILED: {res.error}")
                            continue
                        sid = _history(history, res, formats)
                        if sid is not None:
                            summary.sessions[str(path)] = sid
                        fnames = output_names(
                            path.stem, "image" if is_image_path(path) else "video")
                        files = {fnames[f]: res.reports[f] for f in formats}
                        summary.report_dirs[str(path)] = write_report_dir(out, name, files)
                        manifest.set(sha, {**entry, "status": "done", "rows": res.rows,
                                           "summary": res.summary,
                                           "seconds": round(res.seconds, 3)})
                        summary.done.append(str(path))
                        progress.finished(str(path), f"{res.summary} ({res.seconds:.1f} s)")
                finally:
                    leftover = list(futures)
                    if leftover:
                        client.cancel(leftover)
    finally:
        if started:
            summary.n_rows = _write_tables(out, readable, shas, manifest, summary)
        summary.seconds = time.perf_counter() - t0
    return summary


def _write_tables(out: Path, readable: list[Path], shas: list[str], manifest: Manifest,
                  summary: BatchSummary) -> int:
    """The combined table of every done recording of this run (a content listed under two
    names once), and the failed list; returns the number of rows."""
    rows: list[dict] = []
    seen: set[str] = set()
    for p, sha in zip(readable, shas, strict=True):
        e = manifest.get(sha)
        if e and e.get("status") == "done" and str(p) not in summary.failed:
            summary.report_dirs.setdefault(str(p), out / e["report_dir"])
            if sha not in seen:
                rows.extend(e["rows"])
                seen.add(sha)
    write_table(rows, out / TABLE_PARQUET, out / TABLE_CSV)
    _write_failed(out / FAILED_NAME, summary.failed)
    return len(rows)


def _write_failed(path: Path, failed: dict[str, str]) -> None:
    import csv
    import io

    from posture_check.atomic import write_text_atomic

    if not failed:
        path.unlink(missing_ok=True)
        return
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["path", "error"])
    for p, err in failed.items():
        w.writerow([p, err])
    write_text_atomic(path, buf.getvalue())
