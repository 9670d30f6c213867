"""The set-up check in the live engine: one checklist per frame, measuring once it holds.

:class:`LiveSetup` turns each live frame (its one-frame :class:`PoseSeries` and the RGB image)
into a :class:`posture_check.analysis.setup_check.SetupCheck` and runs the
:class:`~posture_check.analysis.setup_check.SetupGate`: the posture check starts measuring only
after
every item has held for :data:`~posture_check.analysis.setup_check.HOLD_S` seconds. The camera roll
comes
from the room's vertical lines (:func:`posture_check.measures.camera_roll.estimate_roll_deg`,
every :data:`ROLL_EVERY_S` seconds while setting up, pooled over the last few estimates; ~20-40
ms each, so never while measuring), else from the body's own vertical.

What is checked depends on what the person does: facing the camera for the posture check,
sideways for the pelvic-tilt view and for the stretches (every stretch in the catalogue is
timed from the side). Stretches are not held back by the gate (the stretch checker has its own
view rules); their checklist is shown as advice.

People: the live landmarker follows one person (``num_poses=1``), so it cannot see a second one.
While setting up, every :data:`PEOPLE_EVERY_S` seconds a ``count_people`` callable (the engine
gives one that runs a separate still-image landmarker asked for up to 3 people, ~30 ms) counts
everyone in the frame; the latest count is the "one person" item's value. Never while measuring.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from posture_check.analysis.setup_check import (
    HOLD_S,
    SetupCheck,
    SetupGate,
    frame_light,
    setup_check,
    setup_values,
)
from posture_check.measures.body_frame import estimate_pitch_deg
from posture_check.measures.camera_roll import RollEstimate, estimate_roll_deg, pool_roll
from posture_check.pose.series import PoseSeries

__all__ = ["PEOPLE_EVERY_S", "ROLL_EVERY_S", "LiveSetup", "LiveSetupState"]

ROLL_EVERY_S = 2.0
PEOPLE_EVERY_S = 2.0


@dataclass(frozen=True)
class LiveSetupState:
    """``check``: this frame's checklist; ``ready``: measuring has started; ``progress``:
    share of the hold done (0..1); ``roll_source``: ``"scene"`` or ``"body"``."""

    check: SetupCheck
    ready: bool
    progress: float
    roll_source: str


class LiveSetup:
    """Per-frame checklist + hold gate for one live session (not thread-safe by itself)."""

    def __init__(self, target: str = "front", hold_s: float = HOLD_S,
                 count_people: Callable[[np.ndarray], int] | None = None) -> None:
        self.target = target
        self.gate = SetupGate(hold_s=hold_s)
        self._rolls: deque[RollEstimate] = deque(maxlen=5)
        self._next_roll_t = -math.inf
        self._count_people = count_people
        self._next_people_t = -math.inf
        self._people: int | None = None

    def update(self, frame: PoseSeries, rgb: np.ndarray) -> LiveSetupState:
        t = float(frame.t_s[-1])
        vals = {k: float(v[-1]) for k, v in setup_values(frame[-1]).items()}
        person = bool(frame.detected[-1])
        if not self.gate.ready and person and t >= self._next_roll_t:
            self._next_roll_t = t + ROLL_EVERY_S
            h, w = rgb.shape[:2]
            px = frame.image[-1, :, :2].astype(np.float64) * np.array([w, h])
            pitch = float(estimate_pitch_deg(frame.world[-1:])[0])
            self._rolls.append(estimate_roll_deg(rgb, px, pitch if math.isfinite(pitch)
                                                 else 0.0))
        if (self._count_people is not None and not self.gate.ready
                and t >= self._next_people_t):
            self._next_people_t = t + PEOPLE_EVERY_S
            self._people = int(self._count_people(rgb))
        if self._people is not None and not self.gate.ready:
            vals["people"] = float(max(self._people, vals["people"]))
        roll = pool_roll(list(self._rolls)).roll_deg if self._rolls else None
        check = setup_check(vals, target=self.target, roll_deg=roll,
                            roll_from_scene=roll is not None, light=frame_light(rgb))
        ready = self.gate.update(t, check.all_ok, person)
        return LiveSetupState(check, ready, self.gate.progress,
                              "scene" if roll is not None else "body")
