"""The hold timer's words: the overlay, the big panel timer and the checker's "Hold N s more"
add up to the target (the issue: "holding 20 s / 20 s" beside "Hold 1 s more")."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posture_check.draw import HoldTimerAnnotator
from posture_check.presentation import hold_text


@pytest.mark.parametrize(("held", "target", "text"), [
    (19.6, 20, "19 s / 20 s"),
    (20.0, 20, "20 s / 20 s"),
    (0.4, 30, "0 s / 30 s"),
    (12.0, None, "12 s"),
    (-0.2, 30, "0 s / 30 s"),
    (math.nan, 30, ""),
    (None, 30, ""),
])
def test_hold_text(held, target, text):
    assert hold_text(held, target) == text


@pytest.mark.parametrize("held", [0.2, 5.5, 19.01, 19.6, 19.99, 20.0])
def test_timer_and_hold_more_add_up_to_the_target(held):
    target = 20
    remaining = max(0.0, target - held)
    shown = int(hold_text(held, target).split(" s")[0])
    more = math.ceil(remaining)
    assert shown + more == target


def test_overlay_draws_the_same_words(monkeypatch):
    import posture_check.draw as draw

    drawn = []
    real = draw.put_label
    monkeypatch.setattr(draw, "put_label", lambda img, text, *a, **k: (drawn.append(text),
                                                                       real(img, text, *a, **k)))
    HoldTimerAnnotator().annotate(np.zeros((480, 640, 3), np.uint8), "holding", 19.6, 20)
    assert drawn == ["holding  19 s / 20 s"]


@pytest.mark.parametrize("held", [20.0, 20.6, 24.99])
def test_the_checker_says_the_seconds_the_timer_shows(held):
    from posture_check.stretch import OnlineStretchChecker

    chk = OnlineStretchChecker("standing_hamstring")
    chk.phase, chk.hold_s = "holding", held
    msg = chk._feedback(100.0).message
    assert msg.startswith(f"Good, {hold_text(held).split(' ')[0]} s held"), msg
