"""The explorer in a real JupyterLab: headless Chromium runs explore.ipynb and changes a dropdown.

JupyterLab is started on a free localhost port with a token, rooted in a temporary copy of the
notebook (so autosave never writes outputs into the repository); requests to anything but that
server are aborted and counted. The server is always shut down, in a ``finally``.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import OfflinePage

pytestmark = [pytest.mark.browser, pytest.mark.notebook]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer {url} within {timeout}s")


@pytest.fixture
def jupyterlab(tmp_path):
    """(base_url, token) of a JupyterLab serving a copy of notebooks/explore.ipynb."""
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(ROOT / "notebooks" / "explore.ipynb", root / "explore.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/api/status?token={token}", proc)
        yield base, token
    finally:
        try:  # the clean way first: the server shuts its kernels down
            req = urllib.request.Request(
                f"{base}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
            )
            urllib.request.urlopen(req, timeout=5).close()
            proc.wait(timeout=20)
        except Exception:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()
    assert proc.returncode is not None


def lab_log_tail(tmp_path: Path, lines: int = 40) -> list[str]:
    """The last lines JupyterLab (and its kernels, which share its output) wrote."""
    log = tmp_path / "lab.log"
    return log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else []


KERNEL_READY = """() => {
    const session = window.jupyterapp.shell.currentWidget?.sessionContext;
    const kernel = session?.session?.kernel;
    return !!(session?.isReady && kernel?.connectionStatus === 'connected'
              && kernel?.status === 'idle');
}"""


NOTEBOOK_STATE = """() => {
    const shell = window.jupyterapp?.shell;
    const kernel = shell?.currentWidget?.sessionContext?.session?.kernel;
    const status = document.querySelector('.dsx-status');
    return {
        kernel: kernel ? [kernel.status, kernel.connectionStatus] : null,
        tabs: shell ? [...shell.widgets('main')].map(w => [w.title.label, w.isVisible]) : null,
        current: shell?.currentWidget?.title.label ?? null,
        dialog: document.querySelector('.jp-Dialog')?.innerText ?? null,
        status: status ? ['in the page', status.checkVisibility() ? 'visible' : 'hidden'] : null,
        cells: [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(c => [
            c.querySelector('.jp-InputPrompt')?.innerText ?? '',
            (c.querySelector('.jp-OutputArea')?.innerText ?? '').slice(0, 300),
        ]),
    };
}"""
MSG_TYPE = re.compile(rb'"msg_type":\s*"(\w+)"')


def record_kernel_messages(page) -> list[list]:
    """The kernel messages on the page's WebSockets as [seconds since now, what, how many in a row]:
    what is ">" (sent) or "<" (received), the message's type, then its parent's type."""
    start, log = time.monotonic(), []

    def frame(direction: str, payload) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        types = [m.decode() for m in MSG_TYPE.findall(data)[:2]]
        if not types:
            return
        what = direction + " " + "/".join(types)
        if log and log[-1][1] == what:
            log[-1][2] += 1
        else:
            log.append([round(time.monotonic() - start, 2), what, 1])

    page.on(
        "websocket",
        lambda ws: (
            ws.on("framesent", lambda p: frame(">", p)),
            ws.on("framereceived", lambda p: frame("<", p)),
        ),
    )
    return log


def test_run_all_then_change_the_department(browser, jupyterlab, tmp_path):
    base, token = jupyterlab
    offline = OfflinePage(browser, allow=(base,), size=(1400, 1000))
    page = offline.page
    page.on("pageerror", lambda e: offline.console_errors.append(f"uncaught: {e}"))
    page.on(
        "console",
        lambda m: m.type == "warning" and offline.console_errors.append(f"warning: {m.text}"),
    )
    messages = record_kernel_messages(page)
    page.set_default_timeout(90_000)
    try:
        page.goto(f"{base}/lab/tree/explore.ipynb?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        page.wait_for_function(
            "window.jupyterapp && window.jupyterapp.commands.hasCommand('notebook:run-all-cells')"
        )
        # Run All only once the notebook's kernel is connected and idle, as a person sees it in
        # the kernel indicator. The indicator's element says "idle" before any kernel exists;
        # Run All fired then, under load, sometimes started a second kernel or never ran the
        # cell. In CI the explorer was twice drawn without its item table ("widget model not
        # found") and once not drawn in 90 s with nothing in the console or the server's log;
        # not reproduced here (CPU load, the browser slowed 10x, the server frozen mid-draw, a
        # reconnect mid-draw). A failure prints the notebook's state and the kernel's messages.
        page.wait_for_function(
            f"() => ({KERNEL_READY})() || !!document.querySelector('.jp-Dialog')"
        )
        if page.locator(".jp-Dialog").count():  # JupyterLab asks which kernel to start
            page.locator(".jp-Dialog button", has_text="Select").click()
        page.wait_for_function(KERNEL_READY)
        # not awaited: the command's promise settles only when every cell has run
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        page.wait_for_selector(".dsx-status")  # the explorer has drawn its first view
        table = page.locator(".dsx-items")
        before = table.inner_text()
        assert "Statement" in before and "%" in before

        department = page.get_by_label("Department", exact=True)
        department.select_option(label="Transportation")
        page.wait_for_function(
            "t => document.querySelector('.dsx-items').innerText !== t", arg=before
        )
        page.wait_for_selector(".dsx-status:has-text('Transportation')")
        after = table.inner_text()
        assert after != before

        department.select_option(label="Internal Audit")  # 2 raters: refused, with a message
        refused = page.wait_for_selector(".dsx-refused")
        assert "fewer than 5 respondents" in refused.inner_text()
        assert offline.blocked == [], f"requests left localhost: {offline.blocked}"
    except Exception:
        page.screenshot(path=str(tmp_path / "explore-failure.png"), full_page=True)
        (tmp_path / "console.log").write_text("\n".join(offline.console_errors))
        (tmp_path / "page.html").write_text(page.content())
        # what the browser and the server said go into the test's output
        print("browser console errors and warnings:", *offline.console_errors[-60:], sep="\n  ")
        print("JupyterLab's log (last lines):", *lab_log_tail(tmp_path), sep="\n  ")
        try:
            print("the notebook:", page.evaluate(NOTEBOOK_STATE))
        except Exception as e:  # the page itself may be gone
            print("the notebook: not read:", e)
        print(
            "kernel messages (seconds, > sent or < received, type/parent's type, how many):",
            *(f"{t:7.2f} {what} x{n}" for t, what, n in messages[-80:]),
            sep="\n  ",
        )
        raise
    finally:
        offline.close()
