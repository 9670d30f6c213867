"""Benchmarks (``posture-check bench ...``): they print figures; tests assert correctness."""
