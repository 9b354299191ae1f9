"""Debian's Chromium as every browser test launches it: headless through Playwright, offline (no
background requests, updates or sync), without the sandbox (CI runs as root) or the GPU."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def launched():
    """A headless Chromium, closed on leaving the ``with`` block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def for_make_target(target: str):
    """``launched()`` for a session fixture: fails, naming ``make target`` (which installs Chromium), when
    Chromium is missing."""
    pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: make {target} installs it (apt-get install chromium)")
    with launched() as browser:
        yield browser
