"""The report's "Since your baseline" section: one analysed recording against the profile's
baseline session, counted only beyond the smallest detectable change (SDC)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure

from posture_check.history.plots import trend_figure
from posture_check.history.progress import (
    TREND_MEASURES,
    Change,
    Progress,
    changes_between,
    load_progress,
)
from posture_check.history.store import HistoryStore, SessionRow
from posture_check.presentation import measure_label, number_text

__all__ = ["SinceBaseline", "since_baseline"]


@dataclass(frozen=True)
class SinceBaseline:
    """What the report's "Since your baseline" section shows for one analysed recording.

    ``changes``: the recording against the profile's baseline session; ``session_id``: the
    saved session the report is about (None if it was not saved); ``is_baseline``: the
    recording is itself the baseline (first session), so there is nothing to compare yet.
    """

    progress: Progress
    baseline: SessionRow
    changes: list[Change]
    session_id: int | None = None

    @property
    def is_baseline(self) -> bool:
        return self.session_id is not None and self.session_id == self.baseline.id

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """(measure, baseline, now, change, SDC, verdict) as text, for the report tables."""
        return [(measure_label(c.measure), number_text(c.baseline, c.unit),
                 number_text(c.value, c.unit), number_text(c.change, c.unit),
                 number_text(c.sdc, c.unit, signed=False), c.verdict) for c in self.changes]

    def trend_figure(self) -> Figure | None:
        """The report's small trend plot of the saved sessions (None if nothing to plot)."""
        return trend_figure(self.progress, self.plot_measures(), small=True,
                            highlight=self.session_id, current=self.current())

    def current(self) -> dict[str, float] | None:
        """The recording's values for the trend plot when it was not saved (None if saved)."""
        if self.session_id is not None:
            return None
        return {c.measure: c.value for c in self.changes}

    def plot_measures(self, limit: int = 4) -> tuple[str, ...]:
        """The measures of the report's small trend plot: those that changed detectably,
        then the others with data, at most ``limit``."""
        ranked = sorted(self.changes, key=lambda c: (not c.detectable,
                                                     TREND_MEASURES.index(c.measure)))
        return tuple(c.measure for c in ranked if math.isfinite(c.value)
                     or math.isfinite(c.baseline))[:limit]

    def sentence(self) -> str:
        """One line: which session is the baseline and how many changes are detectable."""
        b = self.baseline
        when = f"session #{b.id} of {b.recorded_utc[:10]} ({b.source_name})"
        if self.is_baseline:
            return (f"This recording is your baseline ({when}): later sessions of profile "
                    f"'{self.progress.profile}' will be compared with it.")
        n = sum(c.detectable for c in self.changes)
        return (f"Compared with your baseline, {when}, profile '{self.progress.profile}', "
                f"{len(self.progress.sessions)} saved session(s): {n} of {len(self.changes)} "
                "measure(s) changed by more than the smallest change the camera can detect "
                "(SDC); smaller differences are measurement noise.")


def since_baseline(store: HistoryStore, profile: str, result,
                   session_id: int | None = None) -> SinceBaseline | None:
    """Compare ``result`` with the profile's baseline (None if the profile has no session)."""
    progress = load_progress(store, profile)
    if progress.baseline_id is None:
        return None
    b = progress.index_of(progress.baseline_id)
    now = {m: s.median for m, s in result.measures.summary().items()}
    changes = changes_between(progress.baseline_values(), now,
                              {m: t.unit for m, t in progress.trends.items()})
    return SinceBaseline(progress, progress.sessions[b], changes, session_id)
