"""Two real CPU processes for a test: accelerate's ``notebook_launcher`` (gloo on 127.0.0.1), started from
a child Python, so that the test is bounded in time and no accelerate state leaks into the test process.

A test file defines ``worker(results_dir, *args)``, which writes ``rank{N}.json`` into ``results_dir``,
ends with ``if __name__ == "__main__": two_processes.launch(worker, sys.argv[1], ...)``, and reads the
ranks' results with ``two_processes.run(__file__, results_dir)``.
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import socket
import subprocess
import sys

import pytest

PROCESSES = 2
TIMEOUT_SECONDS = 180
TESTS = pathlib.Path(__file__).resolve().parent


def launch(worker, *args) -> None:
    """Run ``worker(*args)`` in ``PROCESSES`` processes, one thread each, talking over the loopback interface."""
    from accelerate import notebook_launcher
    from accelerate.utils import patch_environment

    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    # One thread per process (accelerate warns and picks for you when OMP_NUM_THREADS is unset);
    # gloo on the loopback interface only (its name on Linux; macOS calls it lo0).
    loopback = "lo" if sys.platform == "linux" else "lo0"
    with patch_environment(omp_num_threads=1, gloo_socket_ifname=loopback):
        notebook_launcher(worker, args=args, num_processes=PROCESSES, use_port=port, master_addr="127.0.0.1")


def run(test_file: str, results_dir: pathlib.Path) -> tuple[list[dict], str]:
    """Run ``python test_file results_dir`` (whose main block calls ``launch``): each rank's results, and
    what the run printed on stderr. Fails the test after ``TIMEOUT_SECONDS`` or when the run fails."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, test_file, str(results_dir)], start_new_session=True, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=TESTS.parent)
    try:
        _, errors = child.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail(f"the two-process run took longer than {TIMEOUT_SECONDS} s")
    assert child.returncode == 0, errors
    return [json.loads((results_dir / f"rank{rank}.json").read_text()) for rank in range(PROCESSES)], errors
