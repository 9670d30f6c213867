"""Output paths checked before any work is done, and OS errors turned into one clear line.

The CLI checks where it will write *before* decoding a frame or loading the model, so a typo in
``--out`` costs a second, not a whole analysis: :func:`check_output_dir` (a report folder) and
:func:`check_output_file` (one file). "Writable" is tested by creating and removing a probe file
in the folder (or in its nearest existing ancestor, when the folder is still to be created), which
is the only test that also holds for root, read-only mounts and full quotas.

Writing can still fail later (disk full, folder removed meanwhile): :func:`os_error_message`
words any :class:`OSError` for the one ``posture-check: error:`` line, and
:func:`remove_created_dirs_on_failure` removes the folders a failed write created, never raising
a second error that would hide the first.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from posture_check.errors import OutputError

__all__ = ["check_output_dir", "check_output_file", "os_error_message",
           "remove_created_dirs_on_failure"]


def os_error_message(exc: OSError, action: str = "cannot write") -> str:
    """``"<action> <file>: <reason>"`` for an :class:`OSError` (no traceback, no errno);
    ``"<file>: <reason>"`` when ``action`` is empty."""
    reason = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))
    reason = reason or exc.__class__.__name__
    name = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        name = f"{name} -> {exc.filename2}"
    head = " ".join(part for part in (action, str(name)) if part)
    return f"{head}: {reason}" if head else reason


def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _probe_writable(folder: Path, label: str) -> None:
    try:
        fd, name = tempfile.mkstemp(prefix=".posture-check-probe-", dir=folder)
    except OSError as exc:
        raise OutputError(f"{label}: cannot write into {folder} "
                          f"({exc.strerror or exc})") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)


def _check_parent(path: Path, label: str) -> None:
    """The folder that will hold ``path`` exists and is writable, or can be created."""
    anchor = _nearest_existing(path.parent)
    if not anchor.is_dir():
        raise OutputError(f"{label}: {anchor} is a file, not a folder")
    _probe_writable(anchor, label)


def check_output_dir(out: str | os.PathLike[str], names: Iterable[str] = (),
                     label: str = "--out") -> Path:
    """Raise :class:`OutputError` unless the report folder ``out`` can be written.

    ``out`` must be an existing writable folder or a path whose nearest existing ancestor is a
    writable folder; none of ``names`` (the files to be written in it) may be a folder. Nothing
    is created.
    """
    out = Path(out)
    label = f"{label} {out}"
    if out.exists() and not out.is_dir():
        raise OutputError(f"{label}: exists and is not a folder; name a folder for the reports")
    if out.is_dir():
        for name in names:
            if (out / name).is_dir():
                raise OutputError(f"{label}: {out / name} is a folder; cannot write a report "
                                  "file there")
        _probe_writable(out, label)
    else:
        _check_parent(out, label)
    return out


def check_output_file(path: str | os.PathLike[str], label: str = "-o") -> Path:
    """Raise :class:`OutputError` unless a file can be written at ``path`` (nothing created)."""
    path = Path(path)
    label = f"{label} {path}"
    if path.is_dir():
        raise OutputError(f"{label}: is a folder; give a file name, e.g. {path / 'out.npz'}")
    if path.exists() and not path.is_file():
        raise OutputError(f"{label}: exists and is not a regular file")
    if path.name in ("", ".", ".."):
        raise OutputError(f"{label}: not a file name")
    _check_parent(path, label)
    return path


@contextlib.contextmanager
def remove_created_dirs_on_failure(folder: str | os.PathLike[str]) -> Iterator[None]:
    """On an exception in the block, remove the (empty) folders up to ``folder`` that did not
    exist before it; clean-up errors are suppressed so the original error is the one reported."""
    folder = Path(folder).absolute()
    missing: list[Path] = []
    p = folder
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    try:
        yield
    except BaseException:
        for d in missing:  # deepest first
            with contextlib.suppress(OSError):
                if d.is_dir() and not any(d.iterdir()):
                    d.rmdir()
        raise
