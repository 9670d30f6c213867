"""The CSV report: one row per analysed frame.

Columns: ``frame_index``, ``t_s``, ``person_detected`` (0/1), ``n_people`` (people in view,
capped at the landmarker's ``num_poses``), ``valid`` (1 if any measure is valid), ``view``,
``subject_yaw_deg``, then every measure in its unit (the unit is in :data:`MEASURE_SPECS`; the
``_cm`` ones say so in their name; angles are degrees) and, for each, ``<measure>_reason``
(``ok`` or why it is empty). Empty cell = not measured.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np

from posture_check.atomic import write_text_atomic

__all__ = ["csv_text", "write_csv"]


def _cell(v) -> str:
    if isinstance(v, float | np.floating):
        return f"{float(v):.4f}" if np.isfinite(v) else ""
    return str(v)


def csv_text(result) -> str:
    """The CSV report as text.

    Values and reasons come from their own fields of the measure table
    (:attr:`MeasureSeries.values`, :meth:`MeasureSeries.reason_names`); ``<measure>_reason`` is
    only the CSV's header for a reason column, never parsed back.
    """
    ms = result.measures
    measures = list(ms.values)
    header = ["frame_index", "t_s", "person_detected", "n_people", "valid", "view",
              "subject_yaw_deg", *measures, *(f"{m}_reason" for m in measures)]
    det = result.series.detected
    ppf = result.people_per_frame
    valid = result.valid
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    data = [ms.values[m] for m in measures]
    why = [ms.reason_names(m) for m in measures]
    for i in range(len(ms)):
        w.writerow([i, f"{ms.t_s[i]:.4f}", int(det[i]), int(ppf[i]), int(valid[i]),
                    ms.view[i], _cell(ms.subject_yaw_deg[i]),
                    *(_cell(c[i]) for c in data), *(str(c[i]) for c in why)])
    return buf.getvalue()


def write_csv(result, path: str | os.PathLike[str]) -> Path:
    """Write the CSV report atomically; return the path."""
    write_text_atomic(path, csv_text(result))
    return Path(path)
