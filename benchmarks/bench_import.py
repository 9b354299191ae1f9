"""How long `import lrlib` takes, against `import torch` (the floor: lrlib's core needs torch).

Each import runs in a fresh interpreter; the cases take turns, repeat after repeat, so a busy
machine slows them alike; the median of the repeats is printed, as wall-clock time and as the
interpreter's CPU time (which other processes disturb less). Also timed: `import lrlib` followed by
the first use of the lazily loaded plotting and widget helpers, what the old eager `import lrlib` cost.

Run: .venv/bin/python benchmarks/bench_import.py [REPEATS]
"""

import statistics
import subprocess
import sys

CASES = {
    "import torch": "import torch",
    "import lrlib": "import lrlib",
    "import lrlib + first lrlib.plot_schedule, lrlib.explore": "import lrlib; lrlib.plot_schedule; lrlib.explore",
}
TIMER = "import time; w, c = time.perf_counter(), time.process_time(); {}; print(time.perf_counter() - w, time.process_time() - c)"


def timed(statement: str) -> tuple[float, float]:
    result = subprocess.run([sys.executable, "-c", TIMER.format(statement)], capture_output=True, text=True, check=True)
    wall, cpu = result.stdout.split()[-2:]
    return float(wall), float(cpu)


def main(repeats: int) -> None:
    for statement in CASES.values():
        timed(statement)  # warm the file cache
    runs = {label: [] for label in CASES}
    for _ in range(repeats):
        for label, statement in CASES.items():
            runs[label].append(timed(statement))
    wall = {label: statistics.median(w for w, _ in times) for label, times in runs.items()}
    cpu = {label: statistics.median(c for _, c in times) for label, times in runs.items()}
    print(f"median of {repeats} fresh interpreters per case, cases interleaved")
    print(f"{'':58s} {'wall s':>7s} {'CPU s':>7s}  CPU vs import torch")
    for label in CASES:
        print(f"{label:58s} {wall[label]:7.3f} {cpu[label]:7.3f}  {cpu[label] / cpu['import torch']:5.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
