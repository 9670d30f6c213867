"""Stretch form: slow, controlled, held long enough, no bouncing (issue 5).

Public API (stable; reports and the app build on it)::

    from posture_check.stretch import (CATALOGUE, get_stretch, stretch_angle, analyze_stretch,
                                       analyze_series, OnlineStretchChecker)
    st = get_stretch("standing_hamstring")
    angle = stretch_angle(series, st, side="both")          # (T,) deg, NaN where no person
    result = analyze_stretch(series.t_s, angle, st)          # StretchAnalysis
    result = analyze_series(series, "seated_figure_four")    # both sides, compared
    checker = OnlineStretchChecker(st, side="left")
    fb = checker.update(t_s, angle_deg)                       # LiveFeedback, O(1) per frame
    fb = checker.update_frame(one_frame_series)               # or straight from the estimator

Angles are the posture measures' own definitions (``docs/definitions.md``; :mod:`.angles`).

Sources: doc 000 (fluid and slow movement, don't push; open the hip flexors first), doc 003 (holds
20-30 s glutes / 30-60 s piriformis, avoid pulsing, stop on sharp pain); SPARC/LDLJ from
Balasubramanian et al. 2015 (JNER 12:112).
"""

from __future__ import annotations

import numpy as np

from posture_check.pose.series import PoseSeries
from posture_check.stretch.catalogue import CATALOGUE, HOLD_GRACE_S, Stretch, get_stretch
from posture_check.stretch.form import (
    VERDICTS,
    Repetition,
    SideSummary,
    StretchAnalysis,
    analyze_series,
    analyze_stretch,
    side_angles,
)
from posture_check.stretch.online import LiveFeedback, OnlineStretchChecker


def stretch_angle(series: PoseSeries, stretch: str | Stretch, side: str = "both",
                  method: str = "measures") -> np.ndarray:
    """The angle that defines ``stretch`` on ``side``, ``(T,)`` degrees (see :mod:`.angles`).

    For a recording: the facing decision runs over the whole series. Live, feed frames to
    :meth:`OnlineStretchChecker.update_frame`, which keeps it across frames."""
    return side_angles(series, stretch, side, method)


__all__ = [
    "CATALOGUE", "HOLD_GRACE_S", "VERDICTS", "LiveFeedback", "OnlineStretchChecker", "Repetition",
    "SideSummary", "Stretch", "StretchAnalysis", "analyze_series", "analyze_stretch", "get_stretch",
    "stretch_angle",
]
