"""posture-check: posture and stretch-form checks from a camera, a video or a photo.

Pipeline: :mod:`posture_check.pose.estimator` (MediaPipe pose landmarker) -> :class:`PoseSeries`
-> measures, stretch checks -> reports. It informs and never diagnoses.
"""

from posture_check.errors import (
    InputError,
    ModelError,
    NoPersonError,
    OutputError,
    PostureCheckError,
)
from posture_check.pose.landmarks import Landmark
from posture_check.pose.series import PoseSeries

__all__ = [
    "InputError",
    "Landmark",
    "ModelError",
    "NoPersonError",
    "OutputError",
    "PoseSeries",
    "PostureCheckError",
]
__version__ = "0.1.0"
