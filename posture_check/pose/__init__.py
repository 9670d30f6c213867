"""Pose extraction: frames -> :class:`~posture_check.pose.series.PoseSeries`, the one data type.

The pose model and its wheels, decoding, flip averaging, the picture inside a frame; nothing
above this package imports mediapipe.
"""
