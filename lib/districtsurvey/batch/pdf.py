"""HTML to PDF with headless Chromium (playwright), one browser for a whole run, network blocked.

Reports are self-contained, so every request other than ``file:`` and ``data:`` is aborted and
recorded in ``Printer.blocked``; reports run no script, so JavaScript is off while printing (a
dialog a page tried to open would be recorded in ``Printer.dialogs``). The browser is Debian's ``/usr/bin/chromium`` unless
``DISTRICTSURVEY_CHROMIUM`` names another (playwright's own browser download is not needed).

PDFs are tagged (a structure tree screen readers follow: headings, lists, tables), carry a
document outline built from the headings and the page's title, on US Letter unless ``paper``
says ``a4``.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..contracts.errors import Problem, SurveyDataError
from ..contracts.files import write_atomic

CHROMIUM = Path(os.environ.get("DISTRICTSURVEY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MARGIN = {"top": "14mm", "bottom": "14mm", "left": "15mm", "right": "15mm"}  # CSS @page wins
PAPERS = {"letter": "Letter", "a4": "A4"}  # params / --paper value -> Chromium's paper format


def paper_format(paper: str) -> str:
    """Chromium's name of a paper size given in any case.

    >>> paper_format("letter"), paper_format("A4")
    ('Letter', 'A4')
    """
    try:
        return PAPERS[str(paper).lower()]
    except KeyError:
        raise SurveyDataError(
            Problem("paper", f"unknown paper size '{paper}'", hint="letter or a4")
        ) from None


class Printer:
    """Prints HTML files to PDF; use as a context manager so the browser is closed.

    >>> with Printer() as printer:                      # doctest: +SKIP
    ...     printer.print(Path("report.html"), Path("report.pdf"))
    """

    def __init__(
        self, *, chromium: Path = CHROMIUM, paper: str = "letter", javascript: bool = False
    ):
        self.chromium = Path(chromium)
        self.paper = paper_format(paper)
        self.javascript = javascript
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self._playwright = self._browser = self._context = None

    def __enter__(self) -> Printer:
        if not self.chromium.exists():
            raise SurveyDataError(
                Problem(
                    str(self.chromium),
                    "Chromium not found; PDFs need it",
                    hint="apt-get install chromium, or set DISTRICTSURVEY_CHROMIUM to its path",
                )
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise SurveyDataError(
                Problem("playwright", "not installed; PDFs need it", hint="pip install playwright")
            ) from exc
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self.chromium), args=CHROMIUM_ARGS
            )
            self._context = self._browser.new_context(java_script_enabled=self.javascript)
            self._context.route("**/*", self._route)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def print(self, html: Path, pdf: Path) -> Path:
        """Print ``html`` (print media, backgrounds on) to ``pdf``, written atomically."""
        page = self._context.new_page()
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        try:
            page.goto(Path(html).resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            data = page.pdf(
                format=self.paper,
                print_background=True,
                margin=MARGIN,
                prefer_css_page_size=True,
                tagged=True,  # a structure tree: headings, lists, tables for screen readers
                outline=True,  # bookmarks from the headings
            )
        finally:
            page.close()
        write_atomic(Path(pdf), data)
        return Path(pdf)

    def close(self) -> None:
        for thing, method in (
            (self._context, "close"),
            (self._browser, "close"),
            (self._playwright, "stop"),
        ):
            if thing is not None:
                try:
                    getattr(thing, method)()
                except Exception:  # noqa: BLE001 - closing is best effort
                    pass
        self._playwright = self._browser = self._context = None


def print_all(
    jobs: list[tuple[Path, Path]],
    *,
    paper: str = "letter",
    chromium: Path = CHROMIUM,
    javascript: bool = False,
    stop: threading.Event | None = None,
) -> tuple[list[Path], list[str]]:
    """Print each ``(html, pdf)`` pair with one browser; returns the PDFs and blocked requests.

    Runs in its own thread: playwright's sync API refuses to start where an asyncio loop is
    already running (a Jupyter kernel, or another playwright in the same thread). When the
    caller is interrupted (Ctrl-C), the page being printed is finished and the browser closed.
    """
    stop = stop or threading.Event()

    def work():
        with Printer(paper=paper, chromium=chromium, javascript=javascript) as printer:
            written = []
            for html, pdf in jobs:
                if stop.is_set():
                    break
                written.append(printer.print(html, pdf))
            return written, printer.blocked + [f"dialog: {m}" for m in printer.dialogs]

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="districtsurvey-pdf") as pool:
        try:
            return pool.submit(work).result()
        except BaseException:
            stop.set()  # the pool's exit waits for the browser to close
            raise


def page_count(pdf: bytes | Path) -> int:
    """Pages in a PDF made by Chromium (counts ``/Type /Page`` objects, not ``/Pages``).

    >>> page_count(b"<< /Type /Pages >> << /Type /Page >> << /Type /Page>>")
    2
    """
    import re

    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
