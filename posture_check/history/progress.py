"""Progress of one profile: trends per measure, stretch holds per side, pain score, and the
change of a session since the baseline, counted only beyond the smallest detectable change.

:func:`load_progress` reads everything the "My progress" page shows in three queries
(``posture-check bench history`` times it with 1,000 sessions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from posture_check.history.sdc import sdc_of
from posture_check.history.store import HistoryStore, SessionRow
from posture_check.measures import MEASURE_SPECS

__all__ = ["TREND_MEASURES", "Change", "MeasureTrend", "Progress", "changes_between",
           "load_progress"]

#: Measures the findings judge, in the order the page and the report show them.
TREND_MEASURES = ("lateral_lean", "pelvic_obliquity", "foot_turnout_left", "foot_turnout_right",
                  "foot_turnout_asymmetry", "shoulder_tilt", "pelvic_tilt")
#: Measures judged by their signed value against their own baseline only (no typical value).
_NO_NEUTRAL = ("pelvic_tilt",)
#: Typical value of a measure when it is not 0: standing toe-out averages ~7.5 deg (Morton,
#: see ``measures.indicators.REF_TOE_OUT``).
TYPICAL = {"foot_turnout_left": 7.5, "foot_turnout_right": 7.5}


@dataclass(frozen=True)
class Change:
    """One measure now against the baseline (measure unit; ``change`` = now - baseline).

    ``detectable`` is True only when ``|change|`` exceeds the measure's smallest detectable
    change ``sdc`` (False when either value is missing or the SDC is unknown).
    """

    measure: str
    unit: str
    baseline: float
    value: float
    sdc: float

    @property
    def change(self) -> float:
        return self.value - self.baseline

    @property
    def detectable(self) -> bool:
        c = self.change
        return bool(math.isfinite(c) and math.isfinite(self.sdc) and abs(c) > self.sdc)

    @property
    def verdict(self) -> str:
        """``"no detectable change"``, ``"closer to typical"``, ``"further from typical"``
        (typical = 0, or :data:`TYPICAL`), or for the pelvic tilt proxy ``"increased"`` /
        ``"decreased"``; ``"not measured"`` when either session lacks the measure."""
        if not (math.isfinite(self.value) and math.isfinite(self.baseline)):
            return "not measured"
        if not self.detectable:
            return "no detectable change"
        if self.measure in _NO_NEUTRAL:
            return "increased" if self.change > 0 else "decreased"
        typical = TYPICAL.get(self.measure, 0.0)
        closer = abs(self.value - typical) < abs(self.baseline - typical)
        return "closer to typical" if closer else "further from typical"


@dataclass(frozen=True)
class MeasureTrend:
    """One measure over the profile's sessions (arrays aligned with ``Progress.sessions``;
    NaN where a session did not measure it). ``lo``/``hi``: the stored interval."""

    measure: str
    unit: str
    median: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    interval_kind: str


@dataclass(frozen=True)
class Progress:
    """Everything the "My progress" page and the report's "Since your baseline" show."""

    profile: str
    sessions: list[SessionRow]
    baseline_id: int | None
    trends: dict[str, MeasureTrend]
    stretch: list[dict] = field(default_factory=list)

    @property
    def times(self) -> np.ndarray:
        """``(N,)`` datetime64[s] of the sessions (UTC)."""
        return np.array([s.recorded_utc.rstrip("Z") for s in self.sessions],
                        dtype="datetime64[s]")

    @property
    def pain_scores(self) -> np.ndarray:
        return np.array([np.nan if s.pain_score is None else s.pain_score
                         for s in self.sessions], dtype=float)

    def index_of(self, session_id: int) -> int:
        for i, s in enumerate(self.sessions):
            if s.id == session_id:
                return i
        raise KeyError(session_id)

    def baseline_index(self, measure: str) -> int | None:
        """Index of the session that is ``measure``'s baseline: the baseline session if it
        measured it, else the first later session that did (a front-view baseline cannot give
        the side-view pelvic tilt proxy; its baseline is the first side view from then on)."""
        if self.baseline_id is None or measure not in self.trends:
            return None
        b = self.index_of(self.baseline_id)
        ok = np.flatnonzero(np.isfinite(self.trends[measure].median[b:]))
        return int(b + ok[0]) if ok.size else None

    def baseline_values(self) -> dict[str, float]:
        """Measure -> its baseline value (see :meth:`baseline_index`)."""
        out = {}
        for m, t in self.trends.items():
            k = self.baseline_index(m)
            if k is not None:
                out[m] = float(t.median[k])
        return out

    def changes(self, session_id: int | None = None) -> list[Change]:
        """Change of ``session_id`` (default the latest) since the baseline, per trend
        measure measured in either ([] without a baseline)."""
        if self.baseline_id is None or not self.sessions:
            return []
        k = self.index_of(session_id) if session_id is not None else len(self.sessions) - 1
        now = {m: t.median[k] for m, t in self.trends.items()}
        units = {m: t.unit for m, t in self.trends.items()}
        return changes_between(self.baseline_values(), now, units)


def changes_between(baseline: dict[str, float], now: dict[str, float],
                    units: dict[str, str] | None = None) -> list[Change]:
    """:class:`Change` per trend measure with a value in ``baseline`` or ``now``."""
    out = []
    for m in TREND_MEASURES:
        a, v = _f(baseline.get(m)), _f(now.get(m))
        if math.isnan(a) and math.isnan(v):
            continue
        unit = (units or {}).get(m) or MEASURE_SPECS[m].unit
        out.append(Change(m, unit, a, v, sdc_of(m)))
    return out


def _f(v) -> float:
    return math.nan if v is None else float(v)


def load_progress(store: HistoryStore, profile: str) -> Progress:
    """The profile's sessions, baseline, trends and stretch repetitions."""
    sessions = store.sessions(profile)
    pos = {s.id: i for i, s in enumerate(sessions)}
    n = len(sessions)
    cols: dict[str, dict] = {}
    for sid, m, unit, med, lo, hi, kind in store.measure_rows(profile):
        c = cols.get(m)
        if c is None:
            c = cols[m] = {"unit": unit, "kind": kind, "a": np.full((3, n), np.nan)}
        i = pos[sid]
        c["a"][:, i] = (_f(med), _f(lo), _f(hi))
        if kind == "ci90":
            c["kind"] = kind
    trends = {m: MeasureTrend(m, c["unit"], c["a"][0], c["a"][1], c["a"][2], c["kind"])
              for m, c in cols.items()}
    stretch = [{"session_id": sid, "stretch": st, "side": side, "rep": idx, "verdict": v,
                "hold_s": _f(h)}
               for sid, st, side, idx, v, h in store.stretch_rows(profile)]
    return Progress(profile, sessions, store.baseline_id(profile), trends, stretch)
