"""Write docs/cheatsheet.md, one printed page of every schedule, from lrlib's registry (lrlib.SCHEDULES).

Each row: the name, the multiplier's formula (the closed form's ``.. math::`` line, as the README's
table shows it), the arguments that matter with their domains and defaults, and the trap. The traps
are the one part the registry does not hold: they are ``TRAPS`` below, one per schedule, and
tests/test_cheat_sheet.py checks that every schedule has one and no other name does.

Usage: python tools/cheat_sheet.py          # write docs/cheatsheet.md
       python tools/cheat_sheet.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import pathlib
import sys

from generated_file import write_or_check
from schedule_table import formula as schedule_formula, param_text

import lrlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHEAT_SHEET = ROOT / "docs" / "cheatsheet.md"
STEPS = {"required": "needed", "optional": "optional", "ignored": "ignored"}

TRAPS = {
    "linear": "With W > 0 the first optimizer step runs at lr 0 (f(0) = 0); with W = 0, at the peak (f(0) = 1). "
              "T counts optimizer steps, not batches.",
    "cosine": "Past T the cosine climbs back towards the peak. `num_cycles=1.0` is a whole wave: down to 0 and "
              "back up by T.",
    "cosine_with_restarts": "`num_cycles` counts decays: 1 is one decay and no restart. The cycles share T − W "
                            "equally; each restart jumps straight to the peak. transformers accepts a fractional "
                            "`num_cycles`; lrlib refuses it.",
    "polynomial": "`lr_end` is divided by `optimizer.defaults['lr']` and applied as that ratio to every group; there "
                  "is no per-group ratio argument: for a floor per group, one lambda per group. Needs W < T. "
                  "`power=1` equals `linear` only with `lr_end=0`.",
    "constant": "Given `num_warmup_steps`, transformers ignores it without a word: use `constant_with_warmup`.",
    "constant_with_warmup": "Ignores `num_training_steps`: it never decays.",
    "inverse_sqrt": "Never reaches 0 and ignores `num_training_steps`; τ defaults to W (10000 when W is 0).",
    "reduce_lr_on_plateau": "No warmup, no curve. `patience` counts `scheduler.step(metric)` calls: step once per "
                            "evaluation, not per batch.",
    "cosine_with_min_lr": "`min_lr` is divided by `optimizer.defaults['lr']`: only a group at the constructor's lr "
                          "ends at `min_lr`. For a floor per group, `min_lr_rate`.",
    "cosine_warmup_with_min_lr": "Counts one step ahead: the peak comes at s = W − 1 and the floor at s = T − 1. "
                                 "Without `warmup_lr_rate` the first step runs at 1/W of the peak, not 0; with "
                                 "`warmup_lr_rate=0` it runs at 0. `min_lr` as in `cosine_with_min_lr`.",
    "warmup_stable_decay": "`num_decay_steps` is required. transformers takes T or `num_stable_steps`; given both, it "
                           "warns and uses `num_stable_steps` (lrlib refuses both unless W + S + D = T), and the "
                           "`Trainer` always passes T. Starts at `min_lr_ratio` (default 0) and gets back to it only "
                           "at s = W + S + D, after the last step of a run of that length; stays there past the end.",
    "greedy": "No warmup, no curve: `scheduler.step(metric)` needs the metric, and a bare `step()` raises TypeError. "
              "Its defaults `min_lr=1e-3` and `max_lr=1.0` are absolute lrs: a group at or below 1e-3 (a fine-tuning "
              "lr) is never cut, only raised. Its `warmup` is not an lr warmup: evaluations it waits after a raise.",
}

# Where the registry's one-line formula leaves a branch out, the cheat sheet adds it after the formula.
FORMULA_NOTES = {
    "cosine_warmup_with_min_lr": r"; with `warmup_lr_rate` w, for s < W: $w + (1 - w)\, s / \max(1, W - 1)$",
}

SYMBOLS = (
    "A group's lr is its own initial lr times f(s). s: the step (0 at the first optimizer step, T − 1 at the "
    "last of a run of T); W: `num_warmup_steps`; T: `num_training_steps`; t: steps into the decay, s − W "
    "(for `warmup_stable_decay`, s − W − S); p: progress through the decay, (s − W) / max(1, T − W); p′: the "
    "same one step ahead, (s − W + 1) / max(1, T − W); c: `num_cycles`; r: the floor as a share of each "
    "group's lr (`min_lr` / `optimizer.defaults['lr']`, or `min_lr_rate`; for `warmup_stable_decay`, "
    "`min_lr_ratio`); l₀, l_e: `optimizer.defaults['lr']` (the constructor's `lr=`, or the optimizer class's "
    "default when none is given) and `lr_end`; k: `power`; τ: `timescale`; S, D: stable and decay steps; g, h: "
    "warmup and decay shapes; w: `warmup_lr_rate`. "
    "Where it starts: with W > 0 every warmup starts at 0 (the first optimizer step moves nothing), except "
    "`cosine_warmup_with_min_lr` (1/W of the peak, or w) and `warmup_stable_decay` (r). "
    "Where it ends: the decays reach their end value (0, the floor, l_e) at s = T, one step after the run's last "
    "step, so the last step runs just above it; `cosine_warmup_with_min_lr` reaches its floor at s = T − 1."
)


def formula(schedule) -> str:
    """The registry's formula, with the branch it leaves out where there is one (``FORMULA_NOTES``)."""
    return schedule_formula(schedule) + FORMULA_NOTES.get(schedule.name, "")


def arguments(schedule) -> str:
    """What a schedule needs: the two step counts, then its own arguments and which exclude each other."""
    steps = [f"W {STEPS[schedule.warmup]}", f"T {STEPS[schedule.training]}"]
    own = [param_text(param) for param in schedule.params] + [group.text() for group in schedule.alternatives]
    return "; ".join(steps + own)


def cheat_sheet() -> str:
    unknown = set(TRAPS) - set(lrlib.SCHEDULES)
    missing = set(lrlib.SCHEDULES) - set(TRAPS)
    if unknown or missing:
        raise ValueError(f"TRAPS in tools/cheat_sheet.py must name each schedule of lrlib.SCHEDULES once: "
                         f"no trap for {sorted(missing)}, traps for unknown names {sorted(unknown)}")
    rows = ["| schedule | f(s) | arguments that matter | the trap |", "| --- | --- | --- | --- |"]
    for schedule in lrlib.SCHEDULES.values():
        rows.append(f"| `{schedule.name}` | {formula(schedule)} | {arguments(schedule)} | {TRAPS[schedule.name]} |")
    return "\n".join([
        "# Cheat sheet: the schedules",
        "",
        "Every name `transformers.get_scheduler` accepts, written by `tools/cheat_sheet.py` from lrlib's registry "
        "(`lrlib.SCHEDULES`), so it agrees with the library. " + SYMBOLS,
        "",
        *rows,
        "",
    ])


def main(argv: list[str]) -> int:
    return write_or_check(CHEAT_SHEET, cheat_sheet(), argv, "docs/cheatsheet.md", "python tools/cheat_sheet.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
