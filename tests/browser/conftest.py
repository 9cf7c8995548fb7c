"""Headless Chromium through playwright, with every network request blocked and counted.

Debian's chromium at /usr/bin/chromium (playwright's own browser download cannot work here).
With REQUIRE_BROWSER=1 (CI) a missing browser fails instead of skipping.
"""

from __future__ import annotations

import os

import pytest

from districtsurvey.batch.pdf import (  # the flags this machine's Chromium needs
    CHROMIUM,
    CHROMIUM_ARGS,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: playwright's sync API keeps an event loop running in this
    thread while it is open, which would break code under test that runs its own loop."""
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(
                "REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)"
            )
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class OfflinePage:
    """A page whose every request outside ``allow`` (and data: URLs) is aborted and recorded;
    console errors recorded too."""

    def __init__(
        self, browser, *, allow: tuple[str, ...] = ("file://",), size: tuple[int, int] = (1280, 900)
    ):
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

        def route(r):
            url = r.request.url
            if url.startswith(allow) or url.startswith("data:"):
                r.continue_()
            else:
                self.blocked.append(url)
                r.abort()

        self.context.route("**/*", route)

    def close(self):
        self.context.close()


@pytest.fixture
def offline_page(browser):
    page = OfflinePage(browser)
    yield page
    page.close()


@pytest.fixture(scope="session")
def demo_packet_run(tmp_path_factory):
    """``params/demo.yml`` (``test_packet_print.demo_packet``) prepared and its plans and roll-out
    pages written, as the batch does before the notebooks (none is run): the run folder."""
    from districtsurvey.batch.packet import publish_packet
    from districtsurvey.contracts.packet import load_any
    from districtsurvey.prepare.packet import prepare_any

    from .test_packet_print import demo_packet

    path = demo_packet(tmp_path_factory.mktemp("demo-packet"))
    run_dir = prepare_any(load_any(path), params_path=str(path))
    publish_packet(run_dir)
    return run_dir
