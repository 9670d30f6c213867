"""``posture-check`` command line: a thin layer over the library.

Each subcommand lives in a module exposing ``add_arguments(parser)`` and ``run(args) -> int``;
:data:`COMMANDS` maps command names to those modules, so adding a command is adding a line.
Errors a user can fix (:class:`PostureCheckError`) and file-system errors (:class:`OSError`)
print one line, ``posture-check: error: ...``, and exit with status 2.

The terminal shows only the CLI's own lines: without ``--verbose``, native libraries' logs
(MediaPipe's C++ start-up lines, FFmpeg's demuxer complaints) are captured by
:func:`posture_check.native_logs.native_stderr_captured`, Python warnings and third-party log
records are dropped, and only posture-check's own warnings are shown. ``--verbose`` shows all.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from .errors import PostureCheckError
from .native_logs import native_stderr_captured
from .output_paths import os_error_message

# command -> module; "bench <name>" entries become subcommands of "bench".
COMMANDS: dict[str, str] = {
    "analyze": "posture_check.commands.analyze",
    "landmarks": "posture_check.commands.landmarks",
    "model": "posture_check.commands.model",
    "synth": "posture_check.synth.cli",
    "bench accuracy": "posture_check.bench.accuracy",
    "bench live": "posture_check.bench.live",
    "bench measures": "posture_check.bench.measures_speed",
    "bench model": "posture_check.bench.model_speed",
    "bench pipeline": "posture_check.bench.pipeline",
    "bench render": "posture_check.bench.render",
    "bench stretch": "posture_check.bench.stretch",
}


def build_parser() -> argparse.ArgumentParser:
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
        module = importlib.import_module(module_name)
        summary = " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())
        if name.startswith("bench "):
            if bench_sub is None:
                bench = sub.add_parser("bench", help="benchmarks that print their figures")
                bench_sub = bench.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
            p = bench_sub.add_parser(name.split(" ", 1)[1], help=summary, description=summary)
        else:
            p = sub.add_parser(name, help=summary, description=summary)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (it is swapped while native logs are
    captured, see :mod:`posture_check.native_logs`)."""

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
    args = build_parser().parse_args(argv)
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
        print(f"posture-check: error: {os_error_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("posture-check: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
