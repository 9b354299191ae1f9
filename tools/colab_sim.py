"""The simulated Colab that tests/test_colab.py runs the notebooks in: a venv, .venv/colab-sim, holding
what stands for Colab's preinstalled packages (its torch, and other numpy, matplotlib and ipywidgets
than requirements.lock), the rest of the lock, and the tools to run a kernel.

    python tools/colab_sim.py        # build it (or find it built); prints its folder

make test builds it in the background while it installs .venv, so the tests find it ready. Two callers
at once are safe: the second waits for the first (a lock file), then finds the venv built. It is
rebuilt only when what stands for Colab changes; delete the folder to start over.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import pathlib
import subprocess
import sys
import tempfile

import versions

ROOT = pathlib.Path(__file__).resolve().parents[1]
SIM = ROOT / ".venv" / "colab-sim"
PYTHON = SIM / "bin" / "python"
# What stands for Colab's preinstalled packages: its torch (the lock's, to download nothing more), and
# other versions than requirements.lock.
COLAB = {"torch": versions.LOCK["torch"], "numpy": "2.0.2", "matplotlib": "3.10.9", "ipywidgets": "8.1.5"}
KERNEL_TOOLS = ["ipykernel", "nbclient", "nbformat"]
READY = SIM / ".ready"


@contextlib.contextmanager
def held(lock_file: pathlib.Path):
    """Hold an exclusive lock on ``lock_file`` (created if missing) for the ``with`` block."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def the_lock_without_colabs_packages() -> str:
    """requirements.lock's pins, less the packages Colab brings at versions of its own."""
    return "".join(line + "\n" for line in (ROOT / "requirements.lock").read_text().splitlines()
                   if line.split("==")[0].lower() not in COLAB)


def build() -> pathlib.Path:
    """The simulated Colab's folder, built first if it is missing or stands for another Colab."""
    with held(ROOT / ".venv" / "colab-sim.lock"):
        if READY.exists() and json.loads(READY.read_text()) == COLAB:
            return SIM
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(SIM)], check=True)
        with tempfile.TemporaryDirectory() as folder:
            constraints = pathlib.Path(folder) / "constraints.txt"
            constraints.write_text(the_lock_without_colabs_packages())
            subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "-c", str(constraints), *(f"{n}=={v}" for n, v in COLAB.items()), *KERNEL_TOOLS],
                           check=True)
        READY.write_text(json.dumps(COLAB) + "\n")
        return SIM


if __name__ == "__main__":
    print(build())
