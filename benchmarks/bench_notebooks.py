"""Each notebook's execution time and its kernel's peak memory, against Binder-sized budgets.

Runs every notebooks/NN_*.ipynb top to bottom in a fresh kernel (as nbval does) and reads the
kernel's peak resident memory (VmHWM) from /proc before shutting it down. Targets: every notebook
under 20 s and 1 GB (01: 30 s), the whole collection under 2 minutes. Prints a markdown table.

Run: .venv/bin/python benchmarks/bench_notebooks.py [NOTEBOOK ...]
"""

import os
import pathlib
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[1] / "notebooks"
SECONDS, MEGABYTES, TOTAL_SECONDS = 20.0, 1024.0, 120.0
LONGER = {"01_why_warmup.ipynb": 30.0}


def peak_megabytes(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def measure(path: pathlib.Path) -> tuple[float, float]:
    """(seconds to run every cell, kernel peak memory in MB)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        start = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        return seconds, peak_megabytes(pid)


def main(paths: list[pathlib.Path]) -> int:
    print("| notebook | seconds | budget | peak MB | budget | within |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    total, all_within = 0.0, True
    for path in paths:
        seconds, megabytes = measure(path)
        budget = LONGER.get(path.name, SECONDS)
        within = seconds <= budget and megabytes <= MEGABYTES
        total, all_within = total + seconds, all_within and within
        print(f"| {path.name} | {seconds:.1f} | {budget:.0f} | {megabytes:.0f} | {MEGABYTES:.0f} | {'yes' if within else 'NO'} |")
    print(f"| **all {len(paths)}** | **{total:.1f}** | {TOTAL_SECONDS:.0f} | | | {'yes' if total <= TOTAL_SECONDS else 'NO'} |")
    return 0 if all_within and total <= TOTAL_SECONDS else 1


if __name__ == "__main__":
    chosen = [pathlib.Path(p) for p in sys.argv[1:]] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    sys.exit(main(chosen))
