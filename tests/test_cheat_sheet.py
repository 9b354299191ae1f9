"""The cheat sheet (docs/cheatsheet.md) is written from lrlib's registry and is current, every schedule has
its trap, and the printed self-check (tools/handouts.py) keeps the questions and drops every answer."""

from __future__ import annotations

import pathlib
import re
import sys

import nbformat
import pytest

import lrlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import cheat_sheet  # noqa: E402
import handouts  # noqa: E402


def test_the_cheat_sheet_is_current():
    assert (ROOT / "docs" / "cheatsheet.md").read_text(encoding="utf-8") == cheat_sheet.cheat_sheet()


def test_every_schedule_of_the_registry_has_a_trap_and_no_other_name_has_one():
    assert set(cheat_sheet.TRAPS) == set(lrlib.SCHEDULES)


def test_a_schedule_without_a_trap_or_a_trap_for_an_unknown_name_is_refused_by_name(monkeypatch):
    traps = dict(cheat_sheet.TRAPS)
    del traps["cosine"]
    traps["cosine_typo"] = "..."
    monkeypatch.setattr(cheat_sheet, "TRAPS", traps)
    with pytest.raises(ValueError, match=r"no trap for \['cosine'\], traps for unknown names \['cosine_typo'\]"):
        cheat_sheet.cheat_sheet()


def test_each_row_holds_the_registry_s_formula_arguments_and_defaults():
    text = cheat_sheet.cheat_sheet()
    for schedule in lrlib.SCHEDULES.values():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{schedule.name}` |"))
        assert cheat_sheet.formula(schedule) in row
        for param in schedule.params:
            assert f"`{param.name}`: {param.domain.text()}, {param.default_text()}" in row
        assert cheat_sheet.TRAPS[schedule.name] in row


def test_the_check_mode_names_a_stale_cheat_sheet(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "cheatsheet.md"
    stale.write_text("old\n")
    monkeypatch.setattr(cheat_sheet, "CHEAT_SHEET", stale)
    assert cheat_sheet.main(["--check"]) == 1
    assert "docs/cheatsheet.md is out of date: run python tools/cheat_sheet.py" in capsys.readouterr().out
    assert cheat_sheet.main([]) == 0 and cheat_sheet.main(["--check"]) == 0


# ---------------------------------------------------------------- the printed self-check


def _solutions(notebook) -> list[str]:
    """Each solution's code, line by line (the answers a printed copy must not show)."""
    lines = []
    for cell in notebook.cells:
        if "solution" in cell.metadata.get("tags", []):
            code = re.search(r"```python\n(.*?)```", cell.source, re.S).group(1)
            lines += [line.strip() for line in code.splitlines() if " = " in line]
    return lines


@pytest.fixture(scope="module")
def self_check():
    return nbformat.read(handouts.SELF_CHECK, as_version=4)


def test_the_printed_self_check_keeps_every_question_with_a_line_per_answer_and_no_solution(self_check):
    printed = handouts.on_paper(self_check)
    text = "\n".join(cell.source for cell in printed.cells)
    stubs = [cell for cell in self_check.cells if "exercise" in cell.metadata.get("tags", [])]
    assert text.count('class="handout-answer"') == sum(len(cell.source.strip().splitlines()) for cell in stubs) >= 12
    assert re.findall(r"\*\*Question (\d+)\.\*\*", text) == [str(n) for n in range(1, 13)]
    for answer in _solutions(self_check):
        assert answer not in text, answer
    for left_out in ("course.check", "Solution", handouts.RUN_THE_CHECK, "colab"):
        assert left_out not in text, left_out


def test_the_answer_check_would_catch_a_printed_solution(self_check, monkeypatch):
    monkeypatch.setattr(handouts, "NOT_ON_PAPER", handouts.NOT_ON_PAPER - {"solution"})
    text = "\n".join(cell.source for cell in handouts.on_paper(self_check).cells)
    assert any(answer in text for answer in _solutions(self_check))


def test_a_stub_the_printer_cannot_read_is_refused_naming_the_form_it_wants():
    with pytest.raises(ValueError, match="not 'name = ...  # what to write'"):
        handouts.answer_lines("answer = 3")


def test_the_handouts_command_without_a_folder_says_what_to_give(capsys):
    assert handouts.main([]) == 2
    assert "usage: python tools/handouts.py FOLDER" in capsys.readouterr().err


def test_the_legend_defines_every_symbol_the_formulas_use():
    legend = cheat_sheet.SYMBOLS
    for symbol in ("s:", "W, T:", "t: s − W (for `warmup_stable_decay`, s − W − S)", "p = (s − W) / max(1, T − W)",
                   "p′ = (s − W + 1) / max(1, T − W)", "c:", "r:", "l_e:", "k:", "τ:", "S, D:", "g, h:",
                   "w: `warmup_lr_rate`"):
        assert symbol in legend, symbol
    assert "l₀: `optimizer.defaults['lr']`" in legend  # not a group's own lr


def test_the_cosine_warmup_with_min_lr_row_gives_the_warmup_lr_rate_branch_after_the_registry_s_formula():
    schedule = lrlib.SCHEDULES["cosine_warmup_with_min_lr"]
    row = next(line for line in cheat_sheet.cheat_sheet().splitlines() if line.startswith("| `cosine_warmup_with_min_lr` |"))
    assert cheat_sheet.schedule_formula(schedule) + cheat_sheet.FORMULA_NOTES[schedule.name] in row
    assert set(cheat_sheet.FORMULA_NOTES) <= set(lrlib.SCHEDULES)


def test_no_trap_says_a_first_step_runs_at_lr_0_without_the_condition_w_greater_than_0():
    for name, trap in cheat_sheet.TRAPS.items():
        if "runs at lr 0" in trap:
            assert "W > 0" in trap and "W = 0" in trap, name
