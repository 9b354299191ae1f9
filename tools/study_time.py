"""How long a learner needs for each notebook and each of its sections, estimated from counts.

The estimate, stated in the README and in every notebook:
- prose: the words of the markdown a learner reads (not navigation, hints, solutions or the
  references list), at 200 words a minute;
- code: 15 seconds for each code cell a learner runs and looks at (not the Colab set-up cell, nor an
  exercise's own cells);
- exercises, by kind: predict 2 min, compute 3, widget 3, experiment 6, quiz 1.5 (a
  self-check question).
Sections are the ``## `` headings; a section whose heading starts with "Going further" is optional and
counted apart.

Usage: python tools/study_time.py   (prints the table)
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass, field

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 200
MINUTES_PER_CODE_CELL = 0.25
EXERCISE_MINUTES = {"predict": 2.0, "compute": 3.0, "widget": 3.0, "experiment": 6.0, "quiz": 1.5}
NOT_READ = {"nav-header", "nav-footer", "colab-setup", "hint", "solution", "section-time"}
OPTIONAL = "Going further"
SECTION_TIME = re.compile(r"^\*≈ \d+ min\*$", re.MULTILINE)  # written under each heading by navigation.py
TITLE_TIME = re.compile(r"\*\*Time:\*\* ~\d+ min( \(\+ ~\d+ min optional\))?")  # and in the title cell


@dataclass
class Section:
    heading: str
    words: int = 0
    code_cells: int = 0
    exercises: list[str] = field(default_factory=list)

    @property
    def minutes(self) -> float:
        return (self.words / WORDS_PER_MINUTE + self.code_cells * MINUTES_PER_CODE_CELL
                + sum(EXERCISE_MINUTES[kind] for kind in self.exercises))

    @property
    def optional(self) -> bool:
        return self.heading.startswith(OPTIONAL)


def words(markdown: str) -> int:
    """Words a reader reads (tokens with a letter or digit): link targets, HTML tags and the
    times written by navigation.py left out (so writing them does not change them)."""
    text = TITLE_TIME.sub("", SECTION_TIME.sub("", markdown))
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return len(re.findall(r"\S*[A-Za-z0-9]\S*", text))


def sections(notebook) -> list[Section]:
    """The notebook's sections in order, the first being what comes before the first ``## ``."""
    found, in_references = [Section("Start")], False
    for cell in notebook.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        heading = re.match(r"## (.+)", cell.source) if cell.cell_type == "markdown" else None
        if heading:
            found.append(Section(heading.group(1).strip()))
            in_references = found[-1].heading.startswith("References")
        if tags & NOT_READ or in_references:
            continue
        kinds = sorted(tags & EXERCISE_MINUTES.keys()) if "exercise" in tags else []
        if kinds:
            found[-1].exercises.append(kinds[0])
        elif cell.cell_type == "markdown":
            found[-1].words += words(cell.source)
        elif "check" not in tags:
            found[-1].code_cells += 1
    return found


def notebook_minutes(notebook) -> tuple[float, float]:
    """(core minutes, optional minutes) of a notebook."""
    parts = sections(notebook)
    return (sum(s.minutes for s in parts if not s.optional), sum(s.minutes for s in parts if s.optional))


def report() -> str:
    lines, core_total, optional_total = [], 0.0, 0.0
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        parts = sections(notebook)
        core, optional = notebook_minutes(notebook)
        core_total, optional_total = core_total + core, optional_total + optional
        exercises = sum(len(s.exercises) for s in parts)
        words_read = sum(s.words for s in parts)
        cells = sum(s.code_cells for s in parts)
        lines.append(f"{path.stem:<32} {core:5.1f} min core  {optional:4.1f} optional  "
                     f"{words_read:5d} words  {cells:3d} code cells  {exercises:2d} exercises")
    lines.append(f"{'all':<32} {core_total:5.1f} min core  {optional_total:4.1f} optional")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
