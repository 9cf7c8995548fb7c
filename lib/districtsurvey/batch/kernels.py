"""Warm kernels: one long-lived Jupyter kernel per worker, imports done once, reset per notebook.

A fresh kernel costs seconds per notebook (start, ``import pandas, matplotlib``, shutdown) and the
analysis well under one. A :class:`WarmKernel` pays that once, then runs notebook after notebook
through nbclient on the same kernel. Before every notebook it restores the state a fresh kernel
would have: an empty user namespace (``%reset -f``), no open figures, the rcParams, pandas options,
warning filters, ``sys.path``, environment and working directory captured right after the
imports, and the execution counter back at 1. The batch recycles the kernel after any error or
kernel death, and after ``max_uses`` notebooks.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# jsonschema imports rfc3987_syntax (about 35 Lark parsers, >1 s) whenever it is installed, and
# nbformat pulls jsonschema in; no Jupyter schema uses the "iri" format it serves. Hide it from
# the batch processes unless someone already imported it.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]

import nbformat  # noqa: E402

#: Imported into every warm kernel before its first notebook (what the report notebooks import).
PRELOAD = "import districtsurvey.reports.report, districtsurvey.reports.summary"

#: pandas options of every warm kernel, set before the preload and again at each reset. Strings
#: are kept as Python objects rather than pyarrow arrays: the same ``str`` dtype, values and
#: missing values, and for a report's tables of tens of rows pyarrow's cost per call outweighs
#: its speed per value (a department report's cells took 13-18% less time).
OPTIONS = {"mode.string_storage": "python"}

_SETUP = r"""
def _districtsurvey_warm_setup():
    import copy, gc, os, sys, types, warnings
    import matplotlib, matplotlib.pyplot  # activates the inline backend, as a first import does
    import pandas
    state = types.ModuleType("_districtsurvey_warm")

    def options():
        for key, value in OPTIONS.items():
            pandas.set_option(key, value)

    def snapshot():  # after the preload: what a fresh kernel has once the imports are done
        # a first figure activates the inline backend (interactive mode, its post-execute hooks)
        matplotlib.pyplot.figure()
        matplotlib.pyplot.close("all")
        state.rc = copy.deepcopy(dict(matplotlib.rcParams))
        state.cwd = os.getcwd()
        state.path = list(sys.path)
        state.env = dict(os.environ)
        state.filters = list(warnings.filters)
        # the imports out of the collector's sight: a full collection no longer walks them
        # (the kernel's time collecting garbage fell from about 50 to 20 ms per demo report)
        gc.collect()
        gc.freeze()

    def reset():
        ip = get_ipython()
        collect, gc.collect = gc.collect, lambda *args: 0
        try:  # %reset without its full gc pass (~0.1 s): the garbage goes with the next young gc
            ip.run_line_magic("reset", "-f")
        finally:
            gc.collect = collect
        matplotlib.pyplot.close("all")
        dict.update(matplotlib.rcParams, copy.deepcopy(state.rc))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pandas.reset_option("all")
        options()
        os.chdir(state.cwd)
        sys.path[:] = state.path
        os.environ.clear()
        os.environ.update(state.env)
        warnings.filters[:] = state.filters
        warnings._filters_mutated()
        ip.execution_count = 1

    options()
    state.snapshot, state.reset = snapshot, reset
    sys.modules[state.__name__] = state

_districtsurvey_warm_setup()
del _districtsurvey_warm_setup
""".replace("OPTIONS", repr(OPTIONS))
_SNAPSHOT = "__import__('_districtsurvey_warm').snapshot()"
_RESET = "__import__('_districtsurvey_warm').reset()"


class KernelError(RuntimeError):
    """The kernel failed outside a notebook cell (start, setup or reset)."""


class ReportTimeout(TimeoutError):
    """A notebook ran past its time limit; the kernel was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s (report_timeout)")
        self.seconds = seconds


_QUIET = logging.getLogger("districtsurvey.nbclient")  # nbclient logs each timeout and dead kernel
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


class WarmKernel:
    """A kernel kept alive across notebooks; ``run(nb)`` executes one notebook in a clean namespace.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    >>> WarmKernel(preload="").run(nb).cells[0].outputs[0]["data"]  # doctest: +SKIP
    {'text/plain': '2'}
    """

    def __init__(
        self,
        *,
        kernel_name: str = "python3",
        cwd: str | Path | None = None,
        preload: str = PRELOAD,
        timeout: int = 600,
        startup_timeout: int = 120,
        max_uses: int = 0,
    ) -> None:
        self.kernel_name = kernel_name
        self.cwd = str(cwd or os.getcwd())
        self.preload = preload
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.max_uses = max_uses  # 0: never recycle for age alone
        self.uses = 0
        self._ipc: str | None = None  # the folder of the kernel's sockets
        self.km = None
        self.kc = None
        self._loop = asyncio.new_event_loop()
        # nbclient hooks SIGINT and SIGTERM on the loop while a notebook runs (to shut the kernel
        # down itself) and then resets them to the default: in a batch, signals are the batch's
        # to handle (stop every worker and kernel, write the manifest). It skips the hooks when
        # the loop refuses them, as a loop outside the main thread does.
        self._loop.add_signal_handler = _refuse_signals  # type: ignore[method-assign]
        self._loop.remove_signal_handler = _refuse_signals  # type: ignore[method-assign]

    def _call(self, coro):
        """Run ``coro`` on this kernel's own event loop, also from a thread where another loop
        is running (a Jupyter kernel, playwright's sync API): then from a helper thread."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._loop.run_until_complete(coro)
        with ThreadPoolExecutor(1) as helper:
            return helper.submit(self._loop.run_until_complete, coro).result()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> WarmKernel:
        """Start the kernel and run the imports (idempotent)."""
        if self.km is None:
            self._call(self._start())
        return self

    async def _start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        # over Unix sockets in a private folder: no open localhost ports, no "running over TCP
        # without encryption" warning, and less latency per message than TCP
        self._ipc = tempfile.mkdtemp(prefix="districtsurvey-kernel-")
        km = AsyncKernelManager(
            kernel_name=self.kernel_name, transport="ipc", ip=os.path.join(self._ipc, "k")
        )
        # the history in memory, as nbclient does: concurrent kernels never share a sqlite file
        # and only errors on the kernel's stderr (not its TCP warning in every progress log)
        args = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
        await km.start_kernel(cwd=self.cwd, extra_arguments=args)
        kc = km.client()
        kc.start_channels()
        self.km, self.kc = km, kc
        try:
            await kc.wait_for_ready(timeout=self.startup_timeout)
            await self._silent(_SETUP)
            await self._silent(self.preload or "pass")
            await self._silent(_SNAPSHOT)
        except Exception:
            await self._stop()
            raise

    async def _silent(self, code: str) -> None:
        """Run ``code`` quietly; raise ``DeadKernelError`` as soon as the kernel is found dead
        (a killed kernel answers nothing: without the check this waits the whole timeout)."""
        from nbclient.exceptions import DeadKernelError

        reply = asyncio.ensure_future(
            self.kc.execute_interactive(
                code,
                silent=True,
                store_history=False,
                timeout=self.timeout,
                output_hook=lambda msg: None,
            )
        )
        while not reply.done():
            await asyncio.wait([reply], timeout=0.5)
            if not reply.done() and not await self.km.is_alive():
                reply.cancel()
                raise DeadKernelError("the kernel died")
        content = reply.result()["content"]
        if content["status"] != "ok":
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")

    def shutdown(self) -> None:
        """Stop the kernel (the next ``run`` starts a new one)."""
        if self.km is not None:
            self._call(self._stop())

    async def _stop(self) -> None:
        km, kc, self.km, self.kc = self.km, self.kc, None, None
        self.uses = 0
        try:
            if kc is not None:
                kc.stop_channels()
            if km is not None and await km.is_alive():
                await km.shutdown_kernel(now=True)
        finally:
            if km is not None:
                await km.cleanup_resources()
            self._forget_ipc()

    def _forget_ipc(self) -> None:
        folder, self._ipc = self._ipc, None
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        if not self._loop.is_closed():
            self.shutdown()
            self._loop.close()

    @property
    def alive(self) -> bool:
        return self.km is not None and self._call(self.km.is_alive())

    @property
    def pid(self) -> int | None:
        """The kernel's process id (None when not started)."""
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    @property
    def connection_file(self) -> str | None:
        return getattr(self.km, "connection_file", None) or None

    def kill(self) -> None:
        """Stop the kernel at once, from anywhere (a signal handler): SIGKILL its process and
        remove its connection file; no event loop, no message to the kernel."""
        kill_kernel(self.pid, self.connection_file)
        self.km = self.kc = None
        self._forget_ipc()

    # -- notebooks -------------------------------------------------------------------------
    def run(
        self, nb: nbformat.NotebookNode, *, limit: float | None = None
    ) -> nbformat.NotebookNode:
        """Execute ``nb`` in place in a clean namespace; on any error the kernel is recycled.

        Raises nbclient's ``CellExecutionError`` when a cell raises, ``DeadKernelError`` when
        the kernel dies and :class:`ReportTimeout` when the whole notebook takes longer than
        ``limit`` seconds; ``nb`` then holds every output up to the failure.
        """
        from nbclient.exceptions import CellTimeoutError

        if (self.max_uses and self.uses >= self.max_uses) or (
            self.km is not None and not self.alive
        ):
            self.shutdown()  # worn out, or died while idle (the out-of-memory killer): a new one
        self.start()
        try:
            return self._call(self._run(nb, limit))
        except CellTimeoutError as exc:
            self.shutdown()
            if limit is None:
                raise
            raise ReportTimeout(limit) from exc
        except BaseException:
            self.shutdown()
            raise

    async def _run(self, nb: nbformat.NotebookNode, limit: float | None) -> nbformat.NotebookNode:
        from nbclient import NotebookClient
        from nbclient.exceptions import DeadKernelError

        try:  # also before the first notebook: the preload bound names
            await self._silent(_RESET)
        except DeadKernelError:  # killed while idle, found only now (a killed process with
            await self._stop()  # threads takes a moment to end): a new kernel, once
            await self._start()
            await self._silent(_RESET)
        self.uses += 1
        deadline = None if limit is None else time.monotonic() + limit
        client = NotebookClient(
            nb,
            km=self.km,
            kernel_name=self.kernel_name,
            timeout=self.timeout,
            # one limit for the whole notebook: each cell gets the time left
            timeout_func=None if deadline is None else lambda cell: _left(deadline),
            resources={"metadata": {"path": self.cwd}},
            log=_QUIET,
        )
        client.kc = self.kc
        return await client.async_execute()


def _refuse_signals(*args, **kwargs):
    raise RuntimeError("signals are handled by the batch")


def _left(deadline: float) -> float:
    return max(0.01, deadline - time.monotonic())


def kill_kernel(pid: int | None, connection_file: str | None, folder: str | None = None) -> None:
    """SIGKILL the kernel ``pid`` when it is still the kernel of ``connection_file`` (a pid can be
    reused), and remove the connection file and the kernel's socket ``folder``. The folder is
    given by whoever started the kernel, not read from the connection file: a worker killed while
    it stopped its kernel may have lost the file already (the manager removes it first)."""
    if pid and connection_file:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                mine = connection_file.encode() in f.read()
        except OSError:  # gone already, or no /proc: trust the pid we were given
            mine = not os.path.exists("/proc")
        if mine:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    if connection_file:
        try:
            os.unlink(connection_file)
        except OSError:
            pass
    if folder and Path(folder).name.startswith("districtsurvey-kernel-"):  # only one of ours
        shutil.rmtree(folder, ignore_errors=True)
