"""Analysis of a recording: a video or photo -> an
:class:`~posture_check.analysis.results.AnalysisResult`.

Extraction, adaptive sampling, key frames, quality warnings and the set-up check, orchestrated
by :mod:`posture_check.analysis.pipeline`.
"""
