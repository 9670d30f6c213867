"""The history database schema, as numbered migrations (plain SQL, applied in order).

Each migration runs inside one ``BEGIN IMMEDIATE`` transaction together with the row that records
it in ``schema_migrations``; :data:`LATEST` is the version this code writes and reads. A file
whose highest applied version is above :data:`LATEST` was written by a newer posture-check and
is refused (see :mod:`posture_check.history.store`).

Version 1 (first release): profiles, sessions, measure summaries (median, p10, p90), findings,
stretch repetitions, optional landmarks.

Version 2: a pain score 0-10 per session; an interval per measure summary (``ci90_lo``,
``ci90_hi``, ``interval_kind``). Rows migrated from version 1 have no confidence interval, so
the migration fills the interval with the 10th-90th percentile range and marks it
``interval_kind = 'p10_p90'``; an index on (profile, time) for the progress page.
"""

from __future__ import annotations

__all__ = ["APPLICATION_ID", "LATEST", "MIGRATIONS"]

#: ``PRAGMA application_id`` of a posture-check history file ("PCH1").
APPLICATION_ID = 0x50434831

_V1 = """
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_utc TEXT NOT NULL,
    baseline_session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    recorded_utc TEXT NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('file', 'live')),
    source_name TEXT NOT NULL,
    source_sha256 TEXT,
    view TEXT NOT NULL,
    n_frames INTEGER NOT NULL,
    duration_s REAL NOT NULL,
    pain_side TEXT CHECK (pain_side IN ('left', 'right')),
    note TEXT NOT NULL DEFAULT '',
    stretch TEXT,
    stretch_verdict TEXT
);
CREATE TABLE measures (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    measure TEXT NOT NULL,
    unit TEXT NOT NULL,
    median REAL,
    p10 REAL,
    p90 REAL,
    valid_fraction REAL NOT NULL,
    n_valid INTEGER NOT NULL,
    PRIMARY KEY (session_id, measure)
) WITHOUT ROWID;
CREATE TABLE findings (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    measure TEXT NOT NULL,
    severity TEXT NOT NULL,
    value REAL,
    unit TEXT NOT NULL,
    direction TEXT,
    change_since_baseline REAL,
    message TEXT NOT NULL,
    source_doc TEXT NOT NULL,
    PRIMARY KEY (session_id, measure)
) WITHOUT ROWID;
CREATE TABLE stretch_reps (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    side TEXT NOT NULL,
    verdict TEXT NOT NULL,
    hold_s REAL,
    angle_reached_deg REAL,
    faults TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, idx)
) WITHOUT ROWID;
CREATE TABLE landmarks (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    n_frames INTEGER NOT NULL,
    npz BLOB NOT NULL
);
CREATE INDEX sessions_profile ON sessions(profile_id);
"""

_V2 = """
ALTER TABLE sessions ADD COLUMN pain_score INTEGER CHECK (pain_score BETWEEN 0 AND 10);
ALTER TABLE measures ADD COLUMN ci90_lo REAL;
ALTER TABLE measures ADD COLUMN ci90_hi REAL;
ALTER TABLE measures ADD COLUMN interval_kind TEXT NOT NULL DEFAULT 'p10_p90'
    CHECK (interval_kind IN ('ci90', 'p10_p90'));
UPDATE measures SET ci90_lo = p10, ci90_hi = p90, interval_kind = 'p10_p90';
CREATE INDEX sessions_profile_time ON sessions(profile_id, recorded_utc);
DROP INDEX sessions_profile;
"""

#: version -> (description, SQL script), applied in order.
MIGRATIONS: dict[int, tuple[str, str]] = {
    1: ("profiles, sessions, measures, findings, stretch repetitions, landmarks", _V1),
    2: ("pain score; measure intervals (ci90_lo/ci90_hi, p10/p90 for old rows); time index",
        _V2),
}
LATEST = max(MIGRATIONS)
