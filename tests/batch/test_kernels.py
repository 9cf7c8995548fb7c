"""Warm kernels talk over Unix sockets: no channel opens a localhost port, nothing is left behind."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.notebook


def listening_tcp_inodes() -> set[str]:
    """Socket inodes in LISTEN state (0A) of every TCP socket on the machine (/proc/net/tcp*)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":
                inodes.add(fields[9])
    return inodes


def socket_inodes(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(target[len("socket:[") : -1])
    return out


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_a_warm_kernels_channels_open_no_tcp_port_and_leave_no_socket_behind(tmp_path):
    from districtsurvey.batch.kernels import WarmKernel

    kernel = WarmKernel(cwd=tmp_path, preload="")
    try:
        nb = kernel.run(new_notebook(cells=[new_code_cell("6 * 7")]))
        assert nb.cells[0].outputs[0]["data"]["text/plain"] == "42"
        info = json.loads(Path(kernel.connection_file).read_text())
        assert info["transport"] == "ipc"
        folder = Path(info["ip"]).parent
        assert len(list(folder.iterdir())) == 5  # shell, iopub, stdin, control, heartbeat
        # the five channels listen on no TCP port (over TCP they would be five on 127.0.0.1);
        # at most one is left: ipykernel's own pipe for output of forked subprocesses
        assert len(socket_inodes(kernel.pid) & listening_tcp_inodes()) <= 1
    finally:
        kernel.close()
    assert not folder.exists()
    assert list(tmp_path.iterdir()) == []  # nothing written where the notebook ran


def test_a_kernels_socket_folder_goes_even_when_its_connection_file_is_gone(tmp_path):
    """A worker killed while it stopped its kernel: the manager had removed the connection file
    (which names the folder) and the worker died before removing the folder. The supervisor
    knows the folder from the kernel's start and removes it itself; only one of ours."""
    from districtsurvey.batch.kernels import kill_kernel

    folder = Path(tempfile.mkdtemp(prefix="districtsurvey-kernel-"))
    (folder / "k-1").write_text("")  # a socket's file
    kill_kernel(None, str(tmp_path / "kernel-gone.json"), str(folder))
    assert not folder.exists()
    other = tmp_path / "not-a-kernel-folder"
    other.mkdir()
    kill_kernel(None, None, str(other))
    assert other.exists()


def test_a_kernel_that_dies_as_it_starts_is_reported_not_waited_for(tmp_path, monkeypatch):
    """A kernel whose process exits before it answers: ``start`` raises at once, naming the
    death, rather than asking it again until its start-up timeout; nothing is left behind."""
    import sys

    from districtsurvey.batch.kernels import WarmKernel

    spec = tmp_path / "jupyter" / "kernels" / "dies"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", "import sys; sys.exit(3)", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "dies"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    before = set(Path(tempfile.gettempdir()).glob("districtsurvey-kernel-*"))
    kernel = WarmKernel(kernel_name="dies", cwd=tmp_path, preload="", startup_timeout=30)
    try:
        with pytest.raises(RuntimeError, match="died"):
            kernel.start()
        assert kernel.km is None  # stopped, so the next run starts a new one
    finally:
        kernel.close()
    assert set(Path(tempfile.gettempdir()).glob("districtsurvey-kernel-*")) <= before
