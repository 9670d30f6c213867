"""The guided routine in the live engine: one stretch checker per step, none during a rest.

:class:`RoutineDriver` wraps :class:`posture_check.stretch.routine.Routine`: it creates the current
step's :class:`posture_check.stretch.OnlineStretchChecker` (the stretch, on the step's side)
when the step starts, feeds it each frame, and hands its feedback to the routine, which decides
when the step is done, rests, and moves to the other side or the next stretch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from posture_check.pose.series import PoseSeries
from posture_check.stretch import CATALOGUE, LiveFeedback, OnlineStretchChecker, Stretch
from posture_check.stretch.routine import REST_S, Routine, RoutineState, plan_routine

__all__ = ["RoutineDriver"]


class RoutineDriver:
    """Per-frame routine for one live session (not thread-safe by itself)."""

    def __init__(self, stretches: Iterable[str], pain_side: str | None = None,
                 rest_s: float = REST_S) -> None:
        self.routine = Routine(plan_routine(stretches, pain_side), rest_s=rest_s)
        self._checker: OnlineStretchChecker | None = None
        self._index = -1

    @property
    def state(self) -> RoutineState:
        return self.routine.state

    @property
    def checker(self) -> OnlineStretchChecker | None:
        """The current step's checker (None in a rest or when done)."""
        return self._checker if self.state.phase == "stretch" else None

    @property
    def angle_name(self) -> str | None:
        """The measure name of the angle being timed in the current step."""
        step = self.state.current
        if step is None or self.state.phase != "stretch":
            return None
        return CATALOGUE[step.stretch].angle_name(step.side if step.side != "both" else "left")

    def update(self, frame: PoseSeries, in_view: Callable[[Stretch], bool]
               ) -> tuple[LiveFeedback | None, RoutineState]:
        """One frame -> (the current step's feedback or None, the routine state)."""
        st = self.state
        fb = None
        if st.phase == "stretch" and st.current is not None:
            checker = self._checker
            if checker is None or self._index != st.index:
                step = st.current
                checker = self._checker = OnlineStretchChecker(step.stretch, step.side)
                self._index = st.index
            fb = checker.update_frame(frame, in_view(checker.stretch))
            return fb, self.routine.update(float(frame.t_s[-1]), fb, checker.hold_until_now)
        return fb, self.routine.update(float(frame.t_s[-1]), fb)

    def skip(self, t_s: float) -> RoutineState:
        return self.routine.skip(t_s)
