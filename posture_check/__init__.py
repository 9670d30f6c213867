"""posture-check: posture and stretch-form checks from a camera, a video or a photo.

Pipeline: :mod:`posture_check.estimator` (MediaPipe pose landmarker) -> :class:`PoseSeries`
-> measures, stretch checks -> reports. It informs and never diagnoses.
"""

from .errors import InputError, ModelError, NoPersonError, OutputError, PostureCheckError
from .landmarks import Landmark
from .series import PoseSeries

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
