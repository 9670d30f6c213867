"""Every bad input a person can hand the library, in one table: how the input is made, the error
class it must raise and a part of the message (a regular expression). Real files, the real
model, a real SQLite file.

Each row's ``make(tmp_path)`` builds the input and returns ``(call, after)``: ``call()`` must
raise; ``after()`` (or ``None``) then checks that nothing was lost (a refused database is left
byte for byte as it was). Every message is one line. Inputs the library accepts with a warning
(several people, part of the body out of the picture) are analysed in test_analysis.py; the
command line's version of this table (exit 2, nothing written) is tests/test_cli_errors.py.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from helpers.media import SAMPLES, write_audio_only, write_video, write_zero_frames

from posture_check.analysis.pipeline import analyze, analyze_series
from posture_check.errors import InputError, NoPersonError
from posture_check.history import HistoryError, HistoryStore
from posture_check.history.schema import LATEST
from posture_check.pose.series import PoseSeries

Check = Callable[[], None] | None
Make = Callable[[Path], tuple[Callable[[], object], Check]]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _analyze(make_file: Callable[[Path], Path]) -> Make:
    return lambda d: ((lambda: analyze(make_file(d))), None)


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name
    return make


def _half_of(src: Path) -> Callable[[Path], Path]:
    return lambda d: _bytes("cut.mp4", src.read_bytes()[: src.stat().st_size // 2])(d)


def _wall(d: Path) -> Path:
    """A clip of a plain, noisy wall: nobody in it."""
    rng = np.random.default_rng(1)
    y = np.linspace(0, 255, 96, dtype=np.float32)[:, None, None]
    frames = [np.clip(y + rng.normal(0, 6, (96, 128, 3)), 0, 255).astype(np.uint8)
              for _ in range(12)]
    return write_video(d / "wall.mp4", frames)


def _nan_landmarks(_d: Path) -> tuple[Callable[[], object], Check]:
    """Landmarks that are all missing (NaN), as a camera session where nobody was seen."""
    n = 30
    nan = np.full((n, 33, 3), np.nan)
    series = PoseSeries(nan, nan.copy(), np.full((n, 33), np.nan), np.full((n, 33), np.nan),
                        np.arange(n) / 30.0, (640, 480), source="camera")
    return (lambda: analyze_series(series)), None


def _refused_db(write: Callable[[Path], None]) -> Make:
    """A history database made by ``write``: refused, and left exactly as it was."""
    def make(d: Path) -> tuple[Callable[[], object], Check]:
        db = d / "h.sqlite3"
        write(db)
        before = _digest(db)

        def after() -> None:
            assert _digest(db) == before
        return (lambda: HistoryStore(db)), after
    return make


def _newer_schema(db: Path) -> None:
    with HistoryStore(db):
        pass
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_migrations VALUES (?, '2030-01-01T00:00:00Z', 'future')",
                 (LATEST + 1,))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _foreign_db(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.commit()
    conn.close()


def _no_wal(write: Callable[[Path], None]) -> Make:
    """As :func:`_refused_db`, and no write-ahead log was started beside the file."""
    inner = _refused_db(write)

    def make(d: Path) -> tuple[Callable[[], object], Check]:
        call, after = inner(d)

        def both() -> None:
            assert after is not None
            after()
            assert not (d / "h.sqlite3-wal").exists()
        return call, both
    return make


def _landmarks(make_file: Callable[[Path], Path]) -> Make:
    return lambda d: ((lambda: PoseSeries.load(make_file(d))), None)


# row id -> (make, error class, message part)
ROWS: dict[str, tuple[Make, type[Exception], str]] = {
    # ---- files that are not a usable video or photo
    "video-missing": (_analyze(lambda d: d / "nope.mp4"), InputError, "no such file"),
    "text-as-video": (_analyze(_bytes("notes.mp4", b"this is not a video\n" * 50)), InputError,
                      "not a video"),
    "random-bytes": (_analyze(_bytes("noise.mp4", np.random.default_rng(0).integers(
        0, 256, 50_000, dtype=np.uint8).tobytes())), InputError, "not a video"),
    "video-cut-in-half": (_analyze(_half_of(SAMPLES / "lean_left8_front.mp4")), InputError,
                          r"truncated|corrupt|not a video"),
    "zero-frames": (_analyze(lambda d: write_zero_frames(d / "empty.avi")), InputError,
                    "no frames"),
    "audio-only": (_analyze(lambda d: write_audio_only(d / "voice.m4a")), InputError, "video"),
    # ---- nobody to measure
    "no-person": (_analyze(_wall), NoPersonError, "no person"),
    "nan-landmarks": (_nan_landmarks, NoPersonError, "no person found in any of the 30"),
    # ---- landmark files (posture-check landmarks -o ...)
    "landmarks-missing": (_landmarks(lambda d: d / "missing.npz"), InputError, "no such file"),
    "landmarks-not-ours": (_landmarks(_bytes("bad.npz", b"not a zip")), InputError,
                           "not a posture-check landmark file"),
    # ---- the history database: refused, never written to
    "db-newer-schema": (_refused_db(_newer_schema), HistoryError, "newer posture-check"),
    "db-text-file": (_no_wal(lambda db: db.write_bytes(
        b"this is a text file, not a database\n" * 50)), HistoryError,
        "damaged or not a posture-check history"),
    "db-damaged-sqlite": (_no_wal(lambda db: db.write_bytes(
        b"SQLite format 3\x00" + bytes(range(256)) * 20)), HistoryError,
        "damaged or not a posture-check history"),
    "db-foreign-sqlite": (_refused_db(_foreign_db), HistoryError,
                          "not a posture-check history"),
}


#: Rows whose input reaches the pose model (a decodable clip): run with the model, so slow.
MODEL_ROWS = ("no-person",)
QUICK_ROWS = [r for r in ROWS if r not in MODEL_ROWS]


@pytest.mark.parametrize("row", QUICK_ROWS, ids=QUICK_ROWS)
def test_bad_input_gets_its_one_line_error(row, tmp_path):
    _check_row(row, tmp_path)


@pytest.mark.parametrize("row", MODEL_ROWS, ids=MODEL_ROWS)
def test_bad_footage_gets_its_one_line_error(row, tmp_path, model_path):
    _check_row(row, tmp_path)


def _check_row(row: str, tmp_path: Path) -> None:
    make, error, part = ROWS[row]
    call, after = make(tmp_path)
    with pytest.raises(error) as info:
        call()
    text = str(info.value)
    assert re.search(part, text), text
    assert "\n" not in text, text
    if after is not None:
        after()
