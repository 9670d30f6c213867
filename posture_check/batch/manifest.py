"""The done-manifest of a batch: ``batch_manifest.json`` in the output folder.

One entry per recording content (sha256 of the bytes, so a renamed or moved file is still
known and a re-encoded one is not): ``status`` (``done`` / ``failed``), the file it came from,
its report folder, its table rows (so a resumed batch writes the whole table without
re-analysing), the one-line summary, or the error and its kind (``input``: the recording
itself is the problem, skipped by later runs unless ``--retry-failed``; ``error`` / ``crash``:
retried by the next run), and the ``settings`` it was analysed with (the analysis options, the
report formats and the package version: :func:`posture_check.batch.runner.batch_settings`). A
recording done with other settings is analysed again: a resumed batch never mixes results of
different options in one table. Rewritten atomically after every recording, so an interrupted batch
resumes where it stopped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from posture_check.atomic import write_text_atomic
from posture_check.errors import OutputError

__all__ = ["MANIFEST_NAME", "SCHEMA", "Manifest"]

MANIFEST_NAME = "batch_manifest.json"
SCHEMA = "posture-check.batch-manifest/1"


class Manifest:
    """The manifest file of one output folder (see module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.entries: dict[str, dict] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise OutputError(f"{self.path}: not a readable batch manifest ({exc}); move "
                                  "it away to start the batch afresh") from exc
            if not isinstance(data, dict) or data.get("schema") != SCHEMA:
                raise OutputError(f"{self.path}: not a {SCHEMA} file; choose another --out")
            self.entries = dict(data.get("recordings", {}))

    def get(self, sha256: str) -> dict | None:
        return self.entries.get(sha256)

    def is_done(self, sha256: str, out: Path, settings: dict | None = None) -> bool:
        """Done, its report folder still there, and (if ``settings`` is given) with these
        settings (an entry written before settings were recorded has none: not done)."""
        e = self.entries.get(sha256)
        return bool(e and e.get("status") == "done" and (out / e["report_dir"]).is_dir()
                    and (settings is None or e.get("settings") == settings))

    def set(self, sha256: str, entry: dict) -> None:
        self.entries[sha256] = entry
        self.save()

    def save(self) -> None:
        text = json.dumps({"schema": SCHEMA, "recordings": self.entries}, indent=1,
                          ensure_ascii=False, allow_nan=False)
        write_text_atomic(self.path, text + "\n")
