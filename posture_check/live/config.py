"""What the live check is asked to do: :class:`LiveConfig`, the views and measures of each
focus (:data:`FOCUS`), and the modes the live page offers (:data:`LIVE_MODES`).

One place for live configuration, below the engine and the guidance that both read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from posture_check.analysis.results import AnalysisOptions
from posture_check.analysis.setup_check import HOLD_S
from posture_check.stretch import CATALOGUE, get_stretch
from posture_check.stretch.routine import REST_S, plan_routine

__all__ = ["FOCUS", "LIVE_MEASURES", "LIVE_MODES", "LiveConfig", "LiveMode"]

#: What the posture check is looking at -> the views it needs and the measures it shows.
FOCUS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "front": (("front",), ("lateral_lean", "pelvic_obliquity", "foot_turnout_left",
                           "foot_turnout_right", "foot_turnout_asymmetry", "shoulder_tilt")),
    "side": (("left_side", "right_side"), ("pelvic_tilt", "trunk_flexion")),
}
#: Measures the live panel shows, in order.
LIVE_MEASURES: tuple[str, ...] = ("lateral_lean", "pelvic_obliquity", "foot_turnout_left",
                                  "foot_turnout_right", "shoulder_tilt", "pelvic_tilt")


@dataclass(frozen=True)
class LiveConfig:
    """What the live check does.

    Attributes:
        focus: ``"front"`` (lean, hip height, foot turn-out) or ``"side"`` (pelvic tilt).
        stretch: a :data:`posture_check.stretch.CATALOGUE` name, or None for the posture check.
        side: the side being stretched (``"left"``, ``"right"``, or ``"both"`` for side-free
            stretches).
        pain_side: the side the person feels pain on, if they said (findings relate lean to it).
        height_m: the person's stated height (scales the cm measures), or None.
        window_s: findings hold over this many last seconds.
        max_record_s: landmarks of the first this many seconds of a session are recorded for
            its summary (:class:`~posture_check.live.recorder.SessionRecorder`, ~1.1 kB a
            frame); then the recording is full and the snapshot says so.
        model_path: pose model (None = the default full model).
        num_poses: people the live landmarker may return (it follows one).
        draw: annotate frames (the benchmark can switch it off to time the rest).
        setup_hold_s: the posture check measures once the set-up checklist has held this
            long (s); None: no set-up check, measure from the first frame.
        routine: stretches of a guided routine (:mod:`posture_check.stretch.routine`: documents'
            order, each side in turn, the side without pain first); None: no routine.
        rest_s: rest between the routine's steps (s).
    """

    focus: str = "front"
    stretch: str | None = None
    side: str = "left"
    pain_side: Literal["left", "right"] | None = None
    height_m: float | None = None
    window_s: float = 6.0
    max_record_s: float = 900.0
    model_path: str | None = None
    num_poses: int = 1
    draw: bool = True
    setup_hold_s: float | None = HOLD_S
    routine: tuple[str, ...] | None = None
    rest_s: float = REST_S

    def __post_init__(self) -> None:
        if self.focus not in FOCUS:
            raise ValueError(f"focus must be one of {', '.join(FOCUS)}, got {self.focus!r}")
        if self.stretch is not None:
            get_stretch(self.stretch)
        if self.side not in ("left", "right", "both"):
            raise ValueError(f"side must be 'left', 'right' or 'both', got {self.side!r}")
        if self.pain_side not in (None, "left", "right"):
            raise ValueError(f"pain_side must be 'left', 'right' or None, got {self.pain_side!r}")
        if self.routine is not None:
            plan_routine(self.routine, self.pain_side)

    @property
    def stretch_angle_name(self) -> str | None:
        """The measure name of the angle the stretch checker times (None in the posture check)."""
        if self.stretch is None:
            return None
        side = self.stretch_side
        return CATALOGUE[self.stretch].angle_name(side if side != "both" else "left")

    @property
    def stretch_side(self) -> str:
        """The side the checker uses: "both" for side-free stretches."""
        if self.stretch is None or not CATALOGUE[self.stretch].sided:
            return "both"
        return self.side if self.side in ("left", "right") else "left"

    def analysis_options(self) -> AnalysisOptions:
        """The options that analyse this session's recording like a video (End session)."""
        sided = self.stretch is not None and CATALOGUE[self.stretch].sided
        side = cast(Literal["left", "right"], self.stretch_side) if sided else None
        return AnalysisOptions(stretch=self.stretch, stretch_side=side,
                               pain_side=self.pain_side, height_m=self.height_m)


#: A live page mode: (focus, stretch name or None, label shown in the "Check" picker).
LiveMode = tuple[str, "str | None", str]

#: The modes of the live page, in the order the picker lists them.
LIVE_MODES: dict[str, LiveMode] = {
    "posture": ("front", None, "Posture (facing the camera)"),
    "side": ("side", None, "Pelvic tilt (side view)"),
    **{f"stretch:{n}": ("front", n, f"Stretch: {s.title}") for n, s in CATALOGUE.items()},
    "routine": ("front", None, "Guided stretch routine"),
}
