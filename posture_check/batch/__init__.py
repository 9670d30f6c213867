"""Many recordings at once: ``posture-check batch`` on Dask distributed.

Public API::

    from posture_check.batch import find_recordings, run_batch
    summary = run_batch(find_recordings("week/"), Path("week_reports"), AnalysisOptions(),
                        ("json", "csv", "pdf", "html"))
    summary.done, summary.skipped, summary.failed       # paths; failed: path -> error

Modules: :mod:`.discover` (which files; content hash), :mod:`.task` (the worker's task: the
same library calls as ``analyze``, results as data), :mod:`.runner` (cluster, resubmission,
atomic report folders, progress), :mod:`.manifest` (resumable done-manifest), :mod:`.table`
(the combined Parquet / CSV table).
"""

from __future__ import annotations

from posture_check.batch.discover import find_recordings
from posture_check.batch.runner import BatchSummary, HistorySink, dask_client, run_batch
from posture_check.batch.table import COLUMNS, recording_rows, write_table

__all__ = ["COLUMNS", "BatchSummary", "HistorySink", "dask_client",
           "find_recordings", "recording_rows", "run_batch", "write_table"]
