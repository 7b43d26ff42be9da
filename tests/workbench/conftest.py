"""A real `clinrules serve` on 127.0.0.1 in a folder of its own, and a real
headless Chromium (Debian's, driven by Playwright) to look at it.

The browser comes from the system (`.ci/system-packages` installs it for CI);
Playwright never downloads one. Outside CI a machine without it skips the
browser tests with the reason; in CI (env CI set) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
START_WAIT = 60.0


def copy_project(folder: Path) -> Path:
    """The shipped ruleset and its fixtures, in a folder the test owns."""
    shutil.copytree(ROOT / "rulesets", folder / "rulesets")
    shutil.copytree(ROOT / "fixtures", folder / "fixtures")
    return folder


class Workbench:
    def __init__(self, folder: Path, *args: str):
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clinrules", "serve", "--port", "0", *args],
            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        )
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + START_WAIT
        line = ""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if " at http://" in line:
                return line.split(" at ", 1)[1].split()[0]
            if self.process.poll() is not None:
                break
        self.stop()
        raise AssertionError(f"clinrules serve did not start: {line!r} {self.process.stderr.read()!r}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


@pytest.fixture
def workbench(tmp_path):
    bench = Workbench(copy_project(tmp_path / "project"))
    yield bench
    bench.stop()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"no Chromium at {CHROMIUM}: run `.ci/system-packages` (as root) to install Debian's"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test wait on JavaScript conditions (the page's
    # policy forbids string evaluation); test_rules_text_is_shown_never_run
    # keeps the policy on.
    context = browser.new_context(viewport={"width": 1500, "height": 950}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()
