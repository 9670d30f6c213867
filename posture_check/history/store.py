"""The history store: one SQLite file on this computer (see the package docstring for decisions).

Every write is one ``BEGIN IMMEDIATE`` transaction (committed whole or rolled back whole); the
file is in WAL mode with a busy timeout, so the app, a second browser tab and a CLI run can write
at the same time (each waits for the others' short transactions). ``secure_delete`` is on, so a
deleted session's pages are overwritten with zeros, and :meth:`HistoryStore.delete_everything`
also VACUUMs and truncates the write-ahead log: nothing of the deleted data stays in the file.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import json
import math
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posture_check.atomic import file_sha256
from posture_check.errors import PostureCheckError
from posture_check.history.schema import APPLICATION_ID, LATEST, MIGRATIONS

__all__ = [
    "DB_ENV",
    "DEFAULT_PROFILE",
    "HistoryError",
    "HistoryStore",
    "SessionRow",
    "default_db_path",
    "save_result",
]

DB_ENV = "POSTURE_CHECK_DB"
DEFAULT_PROFILE = "me"
BUSY_TIMEOUT_S = 30.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
_MAX_PROFILE = 40
_MAX_NOTE = 2000


class HistoryError(PostureCheckError):
    """The history database cannot be used (damaged, newer version, unknown session...)."""


def default_db_path() -> Path:
    """``$POSTURE_CHECK_DB`` if set, else ``history.sqlite3`` in the user's data folder
    (platformdirs: ``~/.local/share/posture-check`` on Linux)."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("posture-check", appauthor=False) / "history.sqlite3"


def _now_utc() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _num(v) -> float | None:
    """A finite float, or None (NULL) for NaN / None."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def _nan(v) -> float:
    return math.nan if v is None else float(v)


def check_profile_name(name: str) -> str:
    """A profile name: 1-40 printable characters, surrounding spaces removed."""
    name = (name or "").strip()
    if not name or len(name) > _MAX_PROFILE or not name.isprintable():
        raise HistoryError(f"profile name must be 1-{_MAX_PROFILE} printable characters, "
                           f"got {name!r}")
    return name


@dataclass(frozen=True)
class SessionRow:
    """One saved session (list view). ``recorded_utc`` is ISO 8601 UTC ("...Z")."""

    id: int
    profile: str
    recorded_utc: str
    source_kind: str
    source_name: str
    source_sha256: str | None
    view: str
    n_frames: int
    duration_s: float
    pain_side: str | None
    pain_score: int | None
    note: str
    stretch: str | None
    stretch_verdict: str | None
    is_baseline: bool = False


_SESSION_COLS = ("s.id, p.name, s.recorded_utc, s.source_kind, s.source_name, s.source_sha256, "
                 "s.view, s.n_frames, s.duration_s, s.pain_side, s.pain_score, s.note, "
                 "s.stretch, s.stretch_verdict")


def recording_sha256(path: str | os.PathLike[str]) -> str | None:
    """sha256 of a recording's content, or None if it is gone (an upload deleted after
    analysis)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def _interval(summary) -> tuple[float | None, float | None, str]:
    """(lo, hi, kind) of a MeasureSummary: its 90% confidence interval of the median when it
    has one (``ci90_lo``/``ci90_hi`` or a ``ci90`` pair), else the 10th-90th percentile range
    (``"p10_p90"``) as the fallback."""
    lo = getattr(summary, "ci90_lo", None)
    hi = getattr(summary, "ci90_hi", None)
    pair = getattr(summary, "ci90", None)
    if (lo is None or hi is None) and pair is not None:
        lo, hi = pair
    if lo is not None and hi is not None:
        return _num(lo), _num(hi), "ci90"
    return _num(summary.p10), _num(summary.p90), "p10_p90"


def _landmarks_blob(series) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, image=series.image.astype(np.float32),
                        world=series.world.astype(np.float32),
                        visibility=series.visibility.astype(np.float32),
                        presence=series.presence.astype(np.float32), t_s=series.t_s,
                        frame_size=np.asarray(series.frame_size))
    return buf.getvalue()


class HistoryStore:
    """The history database at ``path`` (default :func:`default_db_path`).

    Opening creates the file (and its folder) if it does not exist, migrates an older schema
    to :data:`~posture_check.history.schema.LATEST`, and raises :class:`HistoryError` for a
    damaged file, a file that is not a posture-check history, or one written by a newer
    version. A file that cannot be read is never written to.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self._check_header()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, timeout=busy_timeout_s,
                                        isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot open the history database {self.path}: {exc}") from exc
        try:
            self._configure(busy_timeout_s)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise self._damaged(exc) from exc
        except BaseException:
            self.conn.close()
            raise

    # ------------------------------------------------------------------------ open / migrate
    def _damaged(self, exc: Exception) -> HistoryError:
        return HistoryError(f"the history database {self.path} is damaged or not a "
                            f"posture-check history ({exc}); it was left untouched: move it "
                            "away or choose another file with --db / POSTURE_CHECK_DB")

    def _check_header(self) -> None:
        """Refuse, without writing, a file that is not an SQLite database."""
        if not self.path.exists():
            return
        if self.path.is_dir():
            raise HistoryError(f"the history database path {self.path} is a folder")
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise HistoryError(f"cannot read the history database {self.path}: "
                               f"{exc.strerror}") from exc
        if head and head != _SQLITE_MAGIC:
            raise self._damaged(ValueError("not an SQLite file"))

    def _configure(self, busy_timeout_s: float) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA secure_delete = ON")
        # read-only checks first: nothing is written to a file we do not recognise
        app_id = c.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id not in (0, APPLICATION_ID) or (tables and "schema_migrations" not in tables):
            raise HistoryError(f"{self.path} is an SQLite database but not a posture-check "
                               "history; it was left untouched: choose another file with --db")
        if "schema_migrations" in tables:
            found = c.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0
            if found > LATEST:
                raise HistoryError(
                    f"the history database {self.path} was written by a newer posture-check "
                    f"(schema version {found}; this version reads up to {LATEST}): update "
                    "posture-check, or choose another file with --db")
        ok = c.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise self._damaged(ValueError(ok))
        mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise HistoryError(f"could not switch {self.path} to WAL mode (got {mode})")
        c.execute("PRAGMA synchronous = NORMAL")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` if the body raises). An SQLite
        error (still locked after the busy timeout, read-only file, disk full) becomes a
        :class:`HistoryError`; nothing of the transaction is written."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise HistoryError(f"cannot write to the history database {self.path}: {exc}"
                               ) from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError | sqlite3.OperationalError):
                raise HistoryError(f"the history database {self.path} refused the change: "
                                   f"{exc}") from exc
            raise

    def _version(self) -> int:
        """Highest applied migration (0 for a new file); a read, no lock."""
        c = self.conn
        if c.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                     "name='schema_migrations'").fetchone() is None:
            return 0
        return int(c.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0)

    def _migrate(self, target: int = LATEST) -> None:
        """Apply the missing migrations, in one write transaction; an up-to-date file is only
        read (opening it does not wait for other writers)."""
        if self._version() >= target:
            return
        with self.transaction() as c:
            c.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
                      "KEY, applied_utc TEXT NOT NULL, description TEXT NOT NULL)")
            current = c.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0
            if current > LATEST:  # a newer writer got in between the check and this lock
                raise HistoryError(f"the history database {self.path} was written by a newer "
                                   f"posture-check (schema version {current}; this version "
                                   f"reads up to {LATEST})")
            for version in range(current + 1, target + 1):
                description, script = MIGRATIONS[version]
                for statement in script.split(";"):
                    if statement.strip():
                        c.execute(statement)
                c.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                          (version, _now_utc(), description))
            c.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------- write
    def _profile_id(self, c: sqlite3.Connection, name: str, create: bool) -> int | None:
        row = c.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        return int(c.execute("INSERT INTO profiles (name, created_utc) VALUES (?, ?)",
                             (name, _now_utc())).lastrowid)

    def save_result(self, result, profile: str = DEFAULT_PROFILE, *, note: str = "",
                    pain_score: int | None = None, source_sha256: str | None = None,
                    keep_landmarks: bool = False, recorded_utc: str | None = None) -> int:
        """Save an :class:`~posture_check.analysis.results.AnalysisResult` as a session; return its
        id.

        Stored: time (``recorded_utc``, default the analysis time), source (the file name and
        the sha256 of its content when the file still exists, or ``"live"`` for a camera
        session), main view, each measure's median / p10 / p90 and interval, the findings, the
        stretch repetitions (side, verdict, hold, angle, faults), pain side, ``note`` and
        ``pain_score`` (0-10). Landmarks only with ``keep_landmarks``; video never.
        """
        profile = check_profile_name(profile)
        if pain_score is not None and (int(pain_score) != pain_score or
                                       not 0 <= int(pain_score) <= 10):
            raise HistoryError(f"pain score must be a whole number from 0 to 10, got {pain_score}")
        note = note or ""
        if len(note) > _MAX_NOTE:
            raise HistoryError(f"the note is {len(note)} characters; at most {_MAX_NOTE}")
        info = result.input
        source = str(result.series.source or "")
        live = (result.series.meta.get("running_mode") == "live" or source.startswith("live")
                or info.path in ("camera", "live"))
        kind = "live" if live else "file"
        name = "live" if live else info.file_name
        sha = None if live else (source_sha256 or recording_sha256(info.path))
        duration = (float(result.series.t_s[-1] - result.series.t_s[0])
                    if len(result.series) > 1 else 0.0)
        sa = result.stretch
        summary = result.measures.summary()
        blob = _landmarks_blob(result.series) if keep_landmarks else None
        with self.transaction() as c:
            pid = self._profile_id(c, profile, create=True)
            sid = int(c.execute(
                "INSERT INTO sessions (profile_id, recorded_utc, source_kind, source_name, "
                "source_sha256, view, n_frames, duration_s, pain_side, note, stretch, "
                "stretch_verdict, pain_score) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (pid, recorded_utc or result.created_utc, kind, name, sha, result.main_view,
                 len(result.series), duration, result.options.pain_side, note,
                 sa.stretch if sa is not None else None, sa.verdict if sa is not None else None,
                 None if pain_score is None else int(pain_score))).lastrowid)
            rows = []
            for m, s in summary.items():
                lo, hi, kind_ = _interval(s)
                rows.append((sid, m, s.unit, _num(s.median), _num(s.p10), _num(s.p90),
                             float(s.valid_fraction), int(s.n_valid), lo, hi, kind_))
            c.executemany("INSERT INTO measures (session_id, measure, unit, median, p10, p90, "
                          "valid_fraction, n_valid, ci90_lo, ci90_hi, interval_kind) "
                          "VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            c.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?)",
                [(sid, f.measure, f.severity, _num(f.value), f.unit, f.direction,
                  _num(f.change_since_baseline), f.message, f.source_doc)
                 for f in result.findings])
            if sa is not None:
                c.executemany(
                    "INSERT INTO stretch_reps VALUES (?,?,?,?,?,?,?)",
                    [(sid, r.index, r.side, r.verdict, _num(r.hold_s),
                      _num(r.angle_reached_deg), ",".join(r.faults)) for r in sa.repetitions])
            if blob is not None:
                c.execute("INSERT INTO landmarks VALUES (?,?,?)", (sid, len(result.series), blob))
        return sid

    def set_baseline(self, session_id: int) -> None:
        """Make ``session_id`` the baseline of its profile."""
        with self.transaction() as c:
            row = c.execute("SELECT profile_id FROM sessions WHERE id = ?",
                            (session_id,)).fetchone()
            if row is None:
                raise HistoryError(f"no saved session #{session_id}")
            c.execute("UPDATE profiles SET baseline_session_id = ? WHERE id = ?",
                      (session_id, row[0]))

    def delete_session(self, session_id: int) -> None:
        """Delete one session and everything stored with it (pages zeroed: secure_delete).

        If it was the baseline, the profile's first remaining session becomes the baseline.
        """
        with self.transaction() as c:
            n = c.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount
            if n == 0:
                raise HistoryError(f"no saved session #{session_id}")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def delete_profile(self, profile: str) -> int:
        """Delete a profile and all its sessions; return how many sessions went."""
        with self.transaction() as c:
            pid = self._profile_id(c, profile, create=False)
            if pid is None:
                raise HistoryError(f"no profile named {profile!r}")
            n = c.execute("SELECT COUNT(*) FROM sessions WHERE profile_id = ?",
                          (pid,)).fetchone()[0]
            c.execute("DELETE FROM profiles WHERE id = ?", (pid,))
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(n)

    def delete_everything(self) -> int:
        """Delete every profile and session, then VACUUM and truncate the write-ahead log so
        the file keeps no trace of them; return how many sessions went."""
        with self.transaction() as c:
            n = c.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
            for table in ("landmarks", "stretch_reps", "findings", "measures", "sessions",
                          "profiles"):
                c.execute(f"DELETE FROM {table}")
        self.conn.execute("VACUUM")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(n)

    # -------------------------------------------------------------------------------- read
    def profiles(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM profiles ORDER BY name")]

    def baseline_id(self, profile: str) -> int | None:
        """The profile's baseline session: the one set, else the first by time."""
        row = self.conn.execute(
            "SELECT p.baseline_session_id, (SELECT s.id FROM sessions s WHERE s.profile_id = "
            "p.id ORDER BY s.recorded_utc, s.id LIMIT 1) FROM profiles p WHERE p.name = ?",
            (profile,)).fetchone()
        if row is None:
            return None
        return row[0] if row[0] is not None else row[1]

    def sessions(self, profile: str | None = None) -> list[SessionRow]:
        """Sessions in time order (one profile, or all)."""
        where, args = ("WHERE p.name = ?", (profile,)) if profile is not None else ("", ())
        rows = self.conn.execute(
            f"SELECT {_SESSION_COLS} FROM sessions s JOIN profiles p ON p.id = s.profile_id "
            f"{where} ORDER BY s.recorded_utc, s.id", args).fetchall()
        bases = {}
        out = []
        for r in rows:
            if r[1] not in bases:
                bases[r[1]] = self.baseline_id(r[1])
            out.append(SessionRow(*r, is_baseline=bases[r[1]] == r[0]))
        return out

    def session(self, session_id: int) -> dict:
        """Everything stored about one session, JSON-ready."""
        rows = self.conn.execute(
            f"SELECT {_SESSION_COLS} FROM sessions s JOIN profiles p ON p.id = s.profile_id "
            "WHERE s.id = ?", (session_id,)).fetchall()
        if not rows:
            raise HistoryError(f"no saved session #{session_id}")
        row = SessionRow(*rows[0])
        row = SessionRow(**{**row.__dict__,
                            "is_baseline": self.baseline_id(row.profile) == row.id})
        out = dict(row.__dict__)
        out["measures"] = {
            m: {"unit": u, "median": med, "p10": p10, "p90": p90, "valid_fraction": vf,
                "n_valid": nv, "ci90_lo": lo, "ci90_hi": hi, "interval_kind": ik}
            for m, u, med, p10, p90, vf, nv, lo, hi, ik in self.conn.execute(
                "SELECT measure, unit, median, p10, p90, valid_fraction, n_valid, ci90_lo, "
                "ci90_hi, interval_kind FROM measures WHERE session_id = ? ORDER BY measure",
                (session_id,))}
        out["findings"] = [
            dict(zip(("measure", "severity", "value", "unit", "direction",
                      "change_since_baseline", "message", "source_doc"), r, strict=True))
            for r in self.conn.execute(
                "SELECT measure, severity, value, unit, direction, change_since_baseline, "
                "message, source_doc FROM findings WHERE session_id = ?", (session_id,))]
        out["stretch_repetitions"] = [
            {"index": i, "side": s, "verdict": v, "hold_s": h, "angle_reached_deg": a,
             "faults": [x for x in f.split(",") if x]}
            for i, s, v, h, a, f in self.conn.execute(
                "SELECT idx, side, verdict, hold_s, angle_reached_deg, faults FROM stretch_reps "
                "WHERE session_id = ? ORDER BY idx", (session_id,))]
        lm = self.conn.execute("SELECT n_frames FROM landmarks WHERE session_id = ?",
                               (session_id,)).fetchone()
        out["landmarks_frames"] = None if lm is None else int(lm[0])
        return out

    def landmarks(self, session_id: int) -> dict[str, np.ndarray] | None:
        """The stored landmark arrays of a session (None unless saved with keep_landmarks)."""
        row = self.conn.execute("SELECT npz FROM landmarks WHERE session_id = ?",
                                (session_id,)).fetchone()
        if row is None:
            return None
        with np.load(io.BytesIO(row[0])) as z:
            return {k: z[k] for k in z.files}

    def baseline_summary(self, profile: str) -> dict[str, float]:
        """Measure -> baseline median ({} without a baseline): what
        ``AnalysisOptions(baseline=...)`` takes, so new findings carry the change."""
        sid = self.baseline_id(profile)
        if sid is None:
            return {}
        # per measure: the baseline session's value, else the first later session's that has
        # one (as posture_check.history.Progress.baseline_index)
        when = self.conn.execute("SELECT recorded_utc FROM sessions WHERE id = ?",
                                 (sid,)).fetchone()[0]
        out: dict[str, float] = {}
        for m, v in self.conn.execute(
                "SELECT m.measure, m.median FROM measures m JOIN sessions s ON s.id = "
                "m.session_id JOIN profiles p ON p.id = s.profile_id WHERE p.name = ? AND "
                "m.median IS NOT NULL AND (s.recorded_utc, s.id) >= (?, ?) "
                "ORDER BY s.recorded_utc, s.id", (profile, when, sid)):
            out.setdefault(m, v)
        return out

    def measure_rows(self, profile: str) -> list[tuple]:
        """(session id, measure, unit, median, lo, hi, interval kind) of a profile's sessions,
        in time order: the trend data of the progress page, in one query."""
        return self.conn.execute(
            "SELECT m.session_id, m.measure, m.unit, m.median, m.ci90_lo, m.ci90_hi, "
            "m.interval_kind FROM measures m JOIN sessions s ON s.id = m.session_id "
            "JOIN profiles p ON p.id = s.profile_id WHERE p.name = ? "
            "ORDER BY s.recorded_utc, s.id", (profile,)).fetchall()

    def stretch_rows(self, profile: str) -> list[tuple]:
        """(session id, stretch, side, rep index, verdict, hold_s) in time order."""
        return self.conn.execute(
            "SELECT r.session_id, s.stretch, r.side, r.idx, r.verdict, r.hold_s FROM "
            "stretch_reps r JOIN sessions s ON s.id = r.session_id JOIN profiles p ON "
            "p.id = s.profile_id WHERE p.name = ? ORDER BY s.recorded_utc, s.id, r.idx",
            (profile,)).fetchall()

    # ------------------------------------------------------------------------------ export
    def export(self, profile: str | None = None) -> dict:
        """Every session (one profile or all) with everything stored, JSON-ready (landmark
        arrays are not included; their frame count is)."""
        return {"schema": "posture-check.history-export/1", "schema_version": LATEST,
                "exported_utc": _now_utc(),
                "sessions": [self.session(s.id) for s in self.sessions(profile)]}

    def export_json(self, profile: str | None = None) -> str:
        return json.dumps(self.export(profile), indent=2, allow_nan=False)

    def export_csv(self, profile: str | None = None) -> str:
        """One row per session and measure: session columns, then the measure summary."""
        import csv

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["session_id", "profile", "recorded_utc", "source_kind", "source_name",
                    "source_sha256", "view", "pain_side", "pain_score", "note", "stretch",
                    "stretch_verdict", "is_baseline", "measure", "unit", "median", "p10", "p90",
                    "interval_lo", "interval_hi", "interval_kind", "valid_fraction"])
        for s in self.sessions(profile):
            for m, v in self.session(s.id)["measures"].items():
                w.writerow([s.id, s.profile, s.recorded_utc, s.source_kind, s.source_name,
                            s.source_sha256 or "", s.view, s.pain_side or "",
                            "" if s.pain_score is None else s.pain_score, s.note,
                            s.stretch or "", s.stretch_verdict or "", int(s.is_baseline), m,
                            v["unit"], *("" if v[k] is None else f"{v[k]:.4f}" for k in
                                         ("median", "p10", "p90", "ci90_lo", "ci90_hi")),
                            v["interval_kind"], f"{v['valid_fraction']:.3f}"])
        return buf.getvalue()


def save_result(result, profile: str = DEFAULT_PROFILE, *,
                db: str | os.PathLike[str] | None = None, **kwargs) -> int:
    """Save ``result`` into the history at ``db`` (default :func:`default_db_path`); return the
    session id. One call, for the live check's "End session" and the CLI; keyword arguments
    as :meth:`HistoryStore.save_result` (``note``, ``pain_score``, ``keep_landmarks`` ...)."""
    with HistoryStore(db) as store:
        return store.save_result(result, profile, **kwargs)
