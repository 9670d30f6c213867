"""My progress end to end in a real browser (headless Chromium against the running app, real
model, real SQLite file): analyse a sample -> Save to my progress -> analyse a second sample ->
save -> the My progress page shows both sessions and the change since the baseline.
A screenshot of the page is kept in test-artifacts/my_progress.png."""

from __future__ import annotations

import re
import time

import pytest
from helpers.browser import ARTIFACTS, plain_page

from posture_check.history import HistoryStore

pytestmark = pytest.mark.browser


def _wait_idle(page, timeout_s: float = 120) -> None:
    """Wait until the app has finished its rerun (Streamlit's running indicator is gone)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        running = page.locator("[data-testid^='stStatusWidgetRunning']").count()
        if running == 0 and page.get_by_role("button", name="Stop").count() == 0:
            return
        time.sleep(0.3)


def _analyse_and_save(page, note: str, n_saved: int) -> None:
    page.get_by_role("button", name="Analyse").click()
    save = page.get_by_role("button", name="Save to my progress")
    save.wait_for(timeout=180_000)
    note_box = page.get_by_label("Note (optional)")
    note_box.fill(note)
    note_box.press("Enter")
    time.sleep(1.0)  # let the rerun that stores the note finish
    save.click()
    page.get_by_text(f"Saved as session #{n_saved}").wait_for(timeout=60_000)
    _wait_idle(page)


def test_analyse_save_twice_and_my_progress_shows_the_change(db, app_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser, page = plain_page(pw, app_url)
        page.get_by_role("heading", name="Analyse a video or a photo").wait_for(timeout=60_000)
        # the pre-selected sample: right foot turned out 30 degrees
        _analyse_and_save(page, "first week", 1)
        # a second session: standing neutral
        box = page.get_by_role("combobox", name=re.compile("Sample video")).first
        box.click()
        page.keyboard.type("Standing neutral")  # filters the (virtualised) option list
        option = page.get_by_role("option", name=re.compile("^Standing neutral"))
        option.wait_for(timeout=30_000)
        option.click()
        page.screenshot(path=str(ARTIFACTS / "my_progress_second_sample.png"))
        _analyse_and_save(page, "after three weeks of stretching", 2)

        page.get_by_text("My progress", exact=True).first.click()
        page.get_by_role("heading", name="My progress").wait_for(timeout=60_000)
        page.get_by_text("2 session(s)").wait_for(timeout=60_000)
        page.get_by_role("button", name="Delete everything").wait_for(timeout=60_000)
        _wait_idle(page)
        page.set_viewport_size({"width": 1400, "height": 2600})  # the whole page in one shot
        page.get_by_role("heading", name="My progress").scroll_into_view_if_needed()
        _wait_idle(page)
        time.sleep(1.5)  # images and the table finish drawing
        text = page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "my_progress.png"), full_page=True)
        browser.close()
    assert "2 session(s)" in text
    assert re.search(r"Right foot turn-out\s+\+[23]\d\.\d°\s+[+-]\d+\.\d°\s+-\d\d\.\d°", text), \
        text[:3000]
    assert "closer to typical" in text and "no detectable change" in text
    with HistoryStore(db) as store:
        rows = store.sessions("me")
    assert [r.note for r in rows] == ["first week", "after three weeks of stretching"]
    assert [r.source_name for r in rows] == ["foot_turnout_right30_left5_front.mp4",
                                             "standing_neutral_front.mp4"]
