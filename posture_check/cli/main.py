"""``posture-check`` command line: a thin layer over the library.

Each subcommand lives in a module exposing ``add_arguments(parser)`` and ``run(args) -> int``;
:data:`COMMANDS` maps command names to those modules, so adding a command is adding a line.
Only the module of the command being run is imported (the others' one-line help is read from
their docstrings without importing them), so a bad path or a damaged video is refused in about
a second, not after importing SciPy, matplotlib and the renderer.
Errors a user can fix (:class:`PostureCheckError`) and file-system errors (:class:`OSError`)
print one line, ``posture-check: error: ...``, and exit with status 2.

The terminal shows only the CLI's own lines: without ``--verbose``, native libraries' logs
(MediaPipe's C++ start-up lines, FFmpeg's demuxer complaints) are captured by
:func:`posture_check.cli.native_logs.native_stderr_captured`, Python warnings and third-party log
records are dropped, and only posture-check's own warnings are shown. ``--verbose`` shows all.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from posture_check.cli.native_logs import native_stderr_captured
from posture_check.cli.output_paths import os_error_message
from posture_check.errors import PostureCheckError

# command -> module; "bench <name>" entries become subcommands of "bench".
COMMANDS: dict[str, str] = {
    "analyze": "posture_check.cli.analyze",
    "batch": "posture_check.cli.batch",
    "history": "posture_check.cli.history",
    "landmarks": "posture_check.cli.landmarks",
    "model": "posture_check.cli.model",
    "synth": "posture_check.synth.cli",
    "bench accuracy": "posture_check.bench.accuracy",
    "bench batch": "posture_check.bench.batch",
    "bench gating": "posture_check.bench.gating",
    "bench live": "posture_check.bench.live_speed",
    "bench measures": "posture_check.bench.measures_speed",
    "bench history": "posture_check.bench.history",
    "bench model": "posture_check.bench.model_speed",
    "bench pipeline": "posture_check.bench.pipeline",
    "bench render": "posture_check.bench.render",
    "bench repeatability": "posture_check.bench.repeatability",
    "bench stretch": "posture_check.bench.stretch",
}


def _summary(module_name: str) -> str:
    """First paragraph of a module's docstring, read from its source without importing it."""
    spec = importlib.util.find_spec(module_name)
    doc = ""
    if spec is not None and spec.origin and spec.origin.endswith(".py"):
        doc = ast.get_docstring(ast.parse(Path(spec.origin).read_text(encoding="utf-8"))) or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def _selected(argv: Sequence[str]) -> str | None:
    """The :data:`COMMANDS` key named by ``argv`` (``"bench live"`` for ``bench live ...``)."""
    words = [a for a in argv if not a.startswith("-")]
    if not words:
        return None
    if words[0] == "bench":
        return f"bench {words[1]}" if len(words) > 1 else None
    return words[0]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The CLI parser. With ``argv``, only the command it names is imported and gets its
    arguments (see module docstring); without, every command is."""
    chosen = _selected(argv) if argv is not None else None
    parser = argparse.ArgumentParser(
        prog="posture-check",
        description="Check posture and stretch form from a camera, a video or a photo. "
        "It informs and never diagnoses.",
    )
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log progress details, and show the native libraries' own logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bench_sub = None
    for name, module_name in COMMANDS.items():
        summary = _summary(module_name)
        if name.startswith("bench "):
            if bench_sub is None:
                bench = sub.add_parser("bench", help="benchmarks that print their figures")
                bench_sub = bench.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
            p = bench_sub.add_parser(name.split(" ", 1)[1], help=summary, description=summary)
        else:
            p = sub.add_parser(name, help=summary, description=summary)
        if argv is None or name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(p)
            p.set_defaults(_run=module.run)
    return parser


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (it is swapped while native logs are
    captured, see :mod:`posture_check.cli.native_logs`)."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _configure_logging(verbose: bool) -> None:
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    if not verbose:  # only posture-check's own records; others and py.warnings only when asked
        handler.addFilter(lambda r: r.name.split(".")[0] == "posture_check")
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.captureWarnings(True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    _configure_logging(args.verbose)
    try:
        with native_stderr_captured(enabled=not args.verbose):
            return int(args._run(args) or 0)
    except PostureCheckError as exc:
        print(f"posture-check: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file-system problem the user can fix, not a crash
        if args.verbose:
            logging.getLogger(__name__).exception("file-system error")
        print(f"posture-check: error: {os_error_message(exc, action='')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("posture-check: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
