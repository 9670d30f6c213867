"""Which files a batch analyses, and the content hash that makes a batch resumable."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from posture_check.errors import InputError
from posture_check.pose.video_io import IMAGE_SUFFIXES

__all__ = ["VIDEO_SUFFIXES", "find_recordings"]

#: File name endings taken as recordings when a folder is given (photos: ``IMAGE_SUFFIXES``).
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg",
                            ".wmv", ".3gp"})


def _is_recording(path: Path) -> bool:
    suffix = path.suffix.lower()
    return path.is_file() and (suffix in VIDEO_SUFFIXES or suffix in IMAGE_SUFFIXES)


def find_recordings(folder_or_glob: str | os.PathLike[str]) -> list[Path]:
    """The recordings named by a folder (its videos and photos, not its sub-folders) or a glob
    pattern (``"study/**/*.mp4"``; every file it matches is taken), sorted by path.

    Raises:
        InputError: the folder does not exist, or nothing that looks like a recording is there.
    """
    text = os.fspath(folder_or_glob)
    path = Path(text)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if _is_recording(p))
        where = f"folder {path}"
    elif glob.has_magic(text):
        found = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        where = f"pattern {text!r}"
    elif path.is_file():
        found, where = [path], str(path)
    else:
        raise InputError(f"{text}: no such folder or file")
    if not found:
        kinds = ", ".join(sorted(VIDEO_SUFFIXES | IMAGE_SUFFIXES))
        raise InputError(f"{where}: no recordings found (looked for {kinds})")
    return found
