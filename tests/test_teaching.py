"""docs/teaching.md, the instructor's guide, agrees with the notebooks: its plans' minutes add up, every
section it names exists, every core section of notebooks 01 to 12 is assigned in each plan, and every
part leaves at least the time tools/study_time.py estimates for its sections (the rule the guide states)."""

from __future__ import annotations

import math
import pathlib
import re
import sys
from dataclasses import dataclass

import nbformat
import pytest
from test_crossrefs import heading_ids

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import study_time  # noqa: E402

GUIDE = ROOT / "docs" / "teaching.md"
NOTEBOOKS = {path.name[:2]: path for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
CLASS_MODES = {"present", "live", "in class", "discuss"}
MODES = CLASS_MODES | {"homework"}
PLAN_HEADING = re.compile(r"^### ([^:(]+?)(?:: [^(]+)? \((\d+) min\)$")  # "### Lesson 1: title (60 min)"
NOTEBOOK_LINK = re.compile(r"^\[(\d\d)\]\(\.\./notebooks/(\d\d)_\w+\.ipynb\)$")
LENGTHS = {"Lesson 1": 60, "Lesson 2": 60, "Lesson 3": 60, "The 90-minute session": 90}
THREE_LESSONS = ("Lesson 1", "Lesson 2", "Lesson 3")


@dataclass(frozen=True)
class Part:
    label: str
    minutes: int
    mode: str
    notebook: str | None  # "02", or None for a discussion
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    name: str
    length: int
    parts: tuple[Part, ...]


def parse_part(row: str) -> Part:
    """One table row: | part | minutes | mode | notebook | sections |."""
    cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
    assert len(cells) == 5, f"a part has five columns (part, minutes, mode, notebook, sections): {row}"
    label, minutes, mode, notebook, sections = cells
    assert mode in MODES, f"part {label}: mode {mode!r} is not one of {sorted(MODES)}"
    if notebook == "—":
        assert sections == "—", f"part {label}: sections without a notebook"
        return Part(label, int(minutes), mode, None, ())
    link = NOTEBOOK_LINK.match(notebook)
    assert link and link.group(1) == link.group(2), f"part {label}: name the notebook as [NN](../notebooks/NN_name.ipynb)"
    return Part(label, int(minutes), mode, link.group(1), tuple(s.strip() for s in sections.split(";")))


def parse_plans(text: str) -> list[Plan]:
    """Every "### Name: title (N min)" heading and the table of parts below it, by its name."""
    plans, lines = [], text.splitlines()
    for index, line in enumerate(lines):
        heading = PLAN_HEADING.match(line)
        if not heading:
            continue
        rows = []
        for row in lines[index + 1:]:
            if row.startswith("### ") or row.startswith("## "):
                break
            if row.startswith("| ") and not row.startswith("| part ") and not row.startswith("| ---"):
                rows.append(parse_part(row))
        plans.append(Plan(heading.group(1), int(heading.group(2)), tuple(rows)))
    return plans


def stated_overhead(text: str) -> int:
    """The least presenter overhead per lesson, as the guide states it."""
    found = re.search(r"\*\*presenter overhead\*\*.*?at least\s+\*\*(\d+) minutes\*\*", text, re.S | re.I)
    assert found, "the guide states the presenter overhead as '**presenter overhead** ... at least **N minutes**'"
    return int(found.group(1))


def section_minutes(number: str) -> dict[str, study_time.Section]:
    notebook = nbformat.read(NOTEBOOKS[number], as_version=4)
    return {section.heading: section for section in study_time.sections(notebook)}


def estimates(plan: Plan) -> dict[str, float]:
    """Each part's study-time estimate: its sections, and a notebook's opening with the first part naming it."""
    opened, found = set(), {}
    for part in plan.parts:
        minutes = 0.0
        if part.notebook is not None:
            sections = section_minutes(part.notebook)
            minutes = sum(sections[name].minutes for name in part.sections)
            if part.notebook not in opened:
                opened.add(part.notebook)
                minutes += sections["Start"].minutes
        found[part.label] = minutes
    return found


def core_sections(number: str) -> set[str]:
    return {heading for heading, section in section_minutes(number).items()
            if heading != "Start" and not section.optional and not heading.startswith("References")}


def problems(plans: list[Plan], overhead: int) -> list[str]:
    """Everything in the plans that breaks the guide's rules, in words."""
    found = []
    by_name = {plan.name: plan for plan in plans}
    if set(by_name) != set(LENGTHS):
        found.append(f"the plans are {sorted(by_name)}, not {sorted(LENGTHS)}")
    for plan in plans:
        if plan.length != LENGTHS.get(plan.name):
            found.append(f"{plan.name}: {plan.length} min, not {LENGTHS.get(plan.name)}")
        in_class = [part for part in plan.parts if part.mode in CLASS_MODES]
        if sum(part.minutes for part in in_class) != plan.length:
            found.append(f"{plan.name}: the class parts add up to {sum(p.minutes for p in in_class)} min, not {plan.length}")
        for part in plan.parts:
            if part.notebook is not None and part.notebook not in NOTEBOOKS:
                found.append(f"{plan.name}, part {part.label}: no notebook {part.notebook}")
                continue
            known = section_minutes(part.notebook) if part.notebook else {}
            found += [f"{plan.name}, part {part.label}: notebook {part.notebook} has no section {name!r}"
                      for name in part.sections if name not in known]
        if any(problem.startswith(f"{plan.name}, part") for problem in found):
            continue
        estimated = estimates(plan)
        for part in plan.parts:
            if part.minutes < math.ceil(estimated[part.label] - 1e-9):
                found.append(f"{plan.name}, part {part.label}: {part.minutes} min for sections estimated at "
                             f"{estimated[part.label]:.1f}")
        left = plan.length - sum(estimated[part.label] for part in in_class)
        if left < overhead:
            found.append(f"{plan.name}: {left:.1f} min of presenter overhead, less than the {overhead} stated")
    return found


def uncovered(plans: list[Plan], plan_names: tuple[str, ...]) -> list[str]:
    """Core sections of notebooks 01 to 12 that the named plans assign nowhere, or twice."""
    assigned = [(part.notebook, name) for plan in plans if plan.name in plan_names
                for part in plan.parts for name in part.sections]
    missing = [f"{number} {name!r}" for number in NOTEBOOKS if "01" <= number <= "12"
               for name in sorted(core_sections(number)) if (number, name) not in assigned]
    twice = [f"{number} {name!r} twice" for number, name in set(assigned) if assigned.count((number, name)) > 1]
    return missing + sorted(twice)


def dead_links(text: str) -> list[str]:
    """Links to a notebook's heading (../notebooks/NN_name.ipynb#Anchor) that name no heading."""
    return [f"{name}#{anchor}" for name, anchor in re.findall(r"\(\.\./notebooks/(\d\d_\w+\.ipynb)#([^)\s]+)\)", text)
            if not (ROOT / "notebooks" / name).exists() or anchor not in heading_ids(ROOT / "notebooks" / name)]


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plans(guide) -> list[Plan]:
    return parse_plans(guide)


def test_the_guide_has_three_lessons_of_60_minutes_and_a_90_minute_session(plans):
    assert {plan.name: plan.length for plan in plans} == LENGTHS


def test_each_plans_class_minutes_add_up_every_section_exists_and_fits_its_estimate(guide, plans):
    assert problems(plans, stated_overhead(guide)) == []


def test_every_core_section_of_notebooks_01_to_12_is_assigned_once_in_each_plan(plans):
    assert uncovered(plans, THREE_LESSONS) == []
    assert uncovered(plans, ("The 90-minute session",)) == []


def test_every_link_to_a_notebook_heading_in_the_guide_lands_on_a_heading(guide):
    assert dead_links(guide) == []


def test_the_guide_names_each_misconception_and_the_presenting_and_handout_sections(guide):
    sections = re.findall(r"^## (.+)$", guide, re.M)
    for wanted in ("Presenting", "Hand-outs", "The mistakes learners make, and the exercises that expose them"):
        assert wanted in sections
    misconceptions = guide[guide.index("## The mistakes learners make"):guide.index("## Presenting")]
    for belief in ("1/W of the peak", "`min_lr` (and `lr_end`) is an absolute floor", "number of batches",
                   "accelerate steps a prepared scheduler once per optimizer step"):
        assert belief in misconceptions, belief


# The checks fail on a broken guide: each broken copy below names what broke.

def _broken(guide: str, old: str, new: str) -> list[Plan]:
    assert old in guide, old
    return parse_plans(guide.replace(old, new, 1))


def test_a_misspelled_heading_is_named(guide):
    broken = _broken(guide, "The real API, stepping a real optimizer; Try it live |",
                     "The real API, stepping a real optimiser; Try it live |")
    assert any("no section 'The real API, stepping a real optimiser'" in p for p in problems(broken, stated_overhead(guide)))


def test_minutes_that_do_not_add_up_are_named(guide):
    broken = _broken(guide, "| 1.9 | 6 | discuss |", "| 1.9 | 7 | discuss |")
    assert "Lesson 1: the class parts add up to 61 min, not 60" in problems(broken, stated_overhead(guide))


def test_a_part_shorter_than_its_estimate_is_named(guide):
    broken = _broken(guide, "| 1.5 | 14 | in class |", "| 1.5 | 4 | in class |")
    assert any(p.startswith("Lesson 1, part 1.5: 4 min for sections estimated at") for p in
               problems(broken, stated_overhead(guide)))


def test_too_little_overhead_is_named(guide, plans):
    assert any("presenter overhead, less than the 40 stated" in p for p in problems(plans, 40))


def test_a_section_left_out_or_given_twice_is_named(guide):
    dropped = _broken(guide, "; Pitfall 5: dropping the last batch |", " |")
    assert "09 'Pitfall 5: dropping the last batch'" in uncovered(dropped, THREE_LESSONS)
    doubled = _broken(guide, "| 2.10 | 5 | homework | [05](../notebooks/05_cosine_with_restarts.ipynb) | Move the knobs |",
                      "| 2.10 | 5 | homework | [05](../notebooks/05_cosine_with_restarts.ipynb) | Move the knobs; Recap |")
    assert "05 'Recap' twice" in uncovered(doubled, THREE_LESSONS)


def test_a_link_to_a_missing_heading_is_named(guide):
    broken = guide.replace("13_check_yourself.ipynb#Spot-the-bug", "13_check_yourself.ipynb#Spot-the-bugs", 1)
    assert dead_links(broken) == ["13_check_yourself.ipynb#Spot-the-bugs"]
