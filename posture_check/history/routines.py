"""Save a guided routine to My progress: one history session per finished step.

Each done step's frames (its time window in the live session's recorded landmarks) are analysed
like a recording of that stretch on that side
(:func:`posture_check.analysis.pipeline.analyze_series`),
and saved with :func:`posture_check.history.save_result` (source ``live``) and the note
``"guided routine: <stretch>, <side> side"``, so My progress shows the holds per side as for any
stretch session. Steps not done are not saved.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np

from posture_check.pose.series import PoseSeries
from posture_check.stretch.routine import StepResult

__all__ = ["save_routine", "step_series"]

PAD_S = 1.0  # seconds kept before and after a step's window


def step_series(series: PoseSeries, result: StepResult) -> PoseSeries | None:
    """The frames of ``series`` within the step's window (± :data:`PAD_S`), None if too few."""
    t = series.t_s
    keep = (t >= result.t_start_s - PAD_S) & (t <= result.t_end_s + PAD_S)
    return series[np.flatnonzero(keep)] if keep.sum() >= 10 else None


def save_routine(series: PoseSeries, results: Iterable[StepResult], profile: str, *,
                 pain_side: str | None = None, db: str | os.PathLike[str] | None = None
                 ) -> list[int]:
    """Save each done step as a session; return the session ids (routine order)."""
    from posture_check.analysis.pipeline import analyze_series
    from posture_check.analysis.results import AnalysisOptions
    from posture_check.history import save_result

    ids = []
    for r in results:
        if not r.done:
            continue
        part = step_series(series, r)
        if part is None:
            continue
        side = None if r.step.side == "both" else r.step.side
        result = analyze_series(part, AnalysisOptions(stretch=r.step.stretch, stretch_side=side,
                                                      pain_side=pain_side))
        ids.append(save_result(result, profile, db=db,
                               note=f"guided routine: {r.step.title.lower()}"))
    return ids
