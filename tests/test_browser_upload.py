"""In a real browser: a damaged upload gives a clear message that names the user's file, never
the server's temporary folder."""

from __future__ import annotations

import re

import pytest
from helpers.browser import ARTIFACTS, plain_page

pytestmark = pytest.mark.browser


def test_damaged_upload_error_names_the_file_not_the_server_path(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"this is not a video\n" * 200)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser, page = plain_page(pw, app_url)
        page.get_by_text("Upload a file", exact=True).click()
        page.locator("input[type=file]").first.set_input_files(str(bad))
        page.get_by_text("holiday.mp4").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Analyse").click()
        page.get_by_text(re.compile("Could not analyse holiday.mp4")).wait_for(timeout=60_000)
        text = page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "upload_error.png"), full_page=True)
        browser.close()
    line = next(s for s in text.splitlines() if "Could not analyse holiday.mp4" in s)
    assert re.search(r"Could not analyse holiday\.mp4: .*not a video", line), line
    assert "posture-check-upload" not in text and "/tmp" not in text
