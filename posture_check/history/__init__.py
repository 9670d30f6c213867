"""My progress: a personal history of sessions, baselines and trends, in one SQLite file.

Public API::

    from posture_check.history import HistoryStore, load_progress, save_result
    with HistoryStore() as store:                  # default file, or HistoryStore("x.sqlite3")
        sid = store.save_result(result, "anna", pain_score=4, note="after the walk")
        progress = load_progress(store, "anna")    # sessions, baseline, trends, stretch holds
        progress.changes()                         # latest session vs baseline, beyond the SDC
    save_result(result, "anna")                    # one call (the live check's End session)

Decisions:

* **Plain ``sqlite3`` with a migration table**, not SQLAlchemy: the store is a dozen short SQL
  statements on one embedded file; the standard library gives full control of what matters
  here (``BEGIN IMMEDIATE`` transactions, WAL, busy timeout, ``secure_delete``, VACUUM,
  refusing a file before writing to it) with no new dependency. Migrations are numbered SQL
  scripts (:mod:`.schema`), each applied in the same transaction as its ``schema_migrations``
  row; a file with a version above this code's is refused with a one-line message.
* **Where**: ``$POSTURE_CHECK_DB``, or ``--db PATH`` on the CLI, else ``history.sqlite3`` in the
  user's data folder (``platformdirs``; ``~/.local/share/posture-check/`` on Linux). The file
  never leaves the machine: no code here opens a network connection.
* **What**: per session the time, source (file name and sha256 of its content, or ``live``),
  main view, each measure's median, p10, p90 and an interval (``ci90_lo``/``ci90_hi``: the 90%
  confidence interval of the median when the measure summary carries one, else the p10-p90
  range, marked ``interval_kind='p10_p90'``), the findings, stretch repetitions (side,
  verdict, hold, angle, faults), pain side, note, pain score 0-10. Landmarks only if asked
  (``keep_landmarks``); video never.
* **Baseline**: the first session of a profile unless another one is set; a measure that
  session did not take (e.g. the side-view pelvic tilt proxy after a front-view baseline) takes
  its baseline from the first later session that took it. A change since
  baseline counts only beyond the measure's smallest detectable change (:mod:`.sdc`: SDC =
  1.96 * sqrt(2) * SEM, SEM measured by ``posture-check bench repeatability``; e.g. lean
  1.5 deg, pelvic obliquity 3.9 deg, foot turn-out 5.9 / 7.3 deg).
* **Deleting** deletes: ``secure_delete`` zeroes freed pages; deleting everything also VACUUMs
  and truncates the write-ahead log.
"""

from __future__ import annotations

from posture_check.history.progress import (
    TREND_MEASURES,
    Change,
    MeasureTrend,
    Progress,
    changes_between,
    load_progress,
)
from posture_check.history.sdc import SDC, SEM, sdc_of
from posture_check.history.store import (
    DB_ENV,
    DEFAULT_PROFILE,
    HistoryError,
    HistoryStore,
    SessionRow,
    default_db_path,
    recording_sha256,
    save_result,
)

__all__ = [
    "DB_ENV",
    "DEFAULT_PROFILE",
    "SDC",
    "SEM",
    "TREND_MEASURES",
    "Change",
    "HistoryError",
    "HistoryStore",
    "MeasureTrend",
    "Progress",
    "SessionRow",
    "changes_between",
    "default_db_path",
    "load_progress",
    "recording_sha256",
    "save_result",
    "sdc_of",
]
