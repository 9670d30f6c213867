"""Keep native libraries' log lines off the user's terminal.

MediaPipe's C++ core (glog/absl: ``W0000 ... inference_feedback_manager.cc``, ``INFO: Created
TensorFlow Lite XNNPACK delegate``), FFmpeg inside OpenCV (``moov atom not found``, ``Invalid
NAL unit size``) and child processes write straight to file descriptor 2, below Python, so
Python's ``sys.stderr`` cannot filter them. :func:`native_stderr_captured` points descriptor 2
at an anonymous temporary file for the duration of a block, while Python's own ``sys.stderr``
(the CLI's error line, the progress bar, log records) keeps writing to the real terminal through
a duplicate of the original descriptor.

What was captured is dropped when the block succeeds or fails with an error the user can act on
(:class:`~posture_check.errors.PostureCheckError` or :class:`OSError`, whose one line says
everything, or Ctrl-C), and replayed
to the terminal (its last 64 kB) when the block fails unexpectedly, so a crash keeps its
context. ``posture-check --verbose`` does not capture at all.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator

from posture_check.errors import PostureCheckError

_REPLAY_BYTES = 64 * 1024


def _python_stderr_is_fd2() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False  # replaced by a test harness or an IDE: leave it alone


@contextlib.contextmanager
def native_stderr_captured(enabled: bool = True) -> Iterator[None]:
    """Redirect file descriptor 2 into a temporary file for the block (see module docstring).

    ``enabled=False`` is a no-op (``--verbose``). Not re-entrant across threads: it changes the
    process-wide descriptor, which is what native code writes to.
    """
    if not enabled:
        yield
        return
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    with tempfile.TemporaryFile(prefix="posture-check-native-") as capture:
        saved_fd = os.dup(2)
        os.dup2(capture.fileno(), 2)
        old_stderr = sys.stderr
        swapped = _python_stderr_is_fd2()
        if swapped:
            sys.stderr = open(saved_fd, "w", buffering=1,  # noqa: SIM115
                              encoding=old_stderr.encoding, errors="backslashreplace",
                              closefd=False)
        failed_unexpectedly = False
        try:
            yield
        except (PostureCheckError, OSError, KeyboardInterrupt):
            raise  # the CLI's one line says everything
        except BaseException:
            failed_unexpectedly = True
            raise
        finally:
            if swapped:
                with contextlib.suppress(Exception):
                    sys.stderr.flush()
                sys.stderr = old_stderr
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            if failed_unexpectedly:
                with contextlib.suppress(OSError):
                    size = capture.seek(0, os.SEEK_END)
                    capture.seek(max(0, size - _REPLAY_BYTES))
                    os.write(2, capture.read())
