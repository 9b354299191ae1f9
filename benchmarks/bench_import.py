"""How long `import lrlib` takes, against `import torch` (the floor: lrlib's core needs torch).

Each import runs in a fresh interpreter (`python -X importtime` is not used: it slows imports);
a few warm-up runs fill the file cache, then the median of several runs is printed. Also printed:
`import lrlib` followed by the first use of a lazily loaded helper (`lrlib.plot_schedule`), which is
what the old eager `import lrlib` cost.

Run: .venv/bin/python benchmarks/bench_import.py [REPEATS]
"""

import statistics
import subprocess
import sys

CASES = {
    "import torch": "import torch",
    "import lrlib": "import lrlib",
    "import lrlib; lrlib.plot_schedule; lrlib.explore": "import lrlib; lrlib.plot_schedule; lrlib.explore",
}
TIMER = "import time; t = time.perf_counter(); {}; print(time.perf_counter() - t)"


def seconds(statement: str) -> float:
    result = subprocess.run([sys.executable, "-c", TIMER.format(statement)], capture_output=True, text=True, check=True)
    return float(result.stdout.split()[-1])


def main(repeats: int) -> None:
    for statement in CASES.values():
        seconds(statement)  # warm the file cache
    medians = {}
    for label, statement in CASES.items():
        runs = [seconds(statement) for _ in range(repeats)]
        medians[label] = statistics.median(runs)
    torch_time = medians["import torch"]
    print(f"median of {repeats} fresh interpreters each")
    for label, median in medians.items():
        print(f"{label:55s} {median:6.3f} s  ({median / torch_time:4.2f}x import torch)")
    print(f"lrlib's own share of `import lrlib`: {medians['import lrlib'] - torch_time:.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
