"""Every cross-reference in the notebooks' prose is a link, and every link resolves.

A reference ("notebook 03", "pitfall 4", "Exercise 2", "Experiment 1", "see above") must be the
text of a markdown link. A link to a notebook names a file that exists; a link with an anchor
(`03_linear.ipynb#Counting-the-steps`, or `#Pitfalls` within a notebook) names a heading of that
notebook, by JupyterLab's rule for heading ids: the heading's text with each space made a hyphen.
Anchors keep to plain characters, so that the same link works in JupyterLab and in a browser.
(A link to a heading of another notebook also names that section in its text: tools/navigation.py
writes that, and tests/test_docs.py checks it.)
"""

import pathlib
import re
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from navigation import heading_text  # noqa: E402  (the rule tools/navigation.py links by)

NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
NAVIGATION_TAGS = {"nav-header", "nav-footer"}

LINK = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)")
REFERENCE = re.compile(r"\b(notebooks? \d{1,2}\b|pitfalls? \d+|exercises? \d+|experiments? \d+|see (above|below))",
                       re.IGNORECASE)
DEFINITION = re.compile(r"^\s*(?:[-*]\s+|\d+\.\s+)?\*\*(?:Exercise|Pitfall|Experiment)s? \d+[^*]*\*\*", re.MULTILINE)
PLAIN_ANCHOR = re.compile(r"^[A-Za-z0-9_.,:'-]+$")


def markdown_cells(path):
    notebook = nbformat.read(path, as_version=4)
    return [cell for cell in notebook.cells
            if cell.cell_type == "markdown" and not NAVIGATION_TAGS & set(cell.metadata.get("tags", []))]


def heading_ids(path) -> set[str]:
    ids = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            in_code = False
            for line in cell.source.splitlines():
                in_code ^= line.lstrip().startswith("```")
                if not in_code and re.match(r"^#{1,6}\s", line):
                    ids.add(heading_text(line).replace(" ", "-"))
    return ids


def prose(source: str) -> str:
    """The cell's text without code blocks, code spans, headings, link texts and labelled definitions."""
    text = re.sub(r"```.*?```", "", source, flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"^#{1,6}\s.*$", "", text, flags=re.M)
    text = DEFINITION.sub("", text)
    return LINK.sub("", text)


def links(path):
    for cell in markdown_cells(path):
        source = re.sub(r"```.*?```", "", cell.source, flags=re.S)
        for text, target in LINK.findall(source):
            yield text, target


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_every_cross_reference_in_prose_is_a_link(path):
    unlinked = [match.group(0) for cell in markdown_cells(path) for match in REFERENCE.finditer(prose(cell.source))]
    assert not unlinked, f"{path.name}: write these references as links to their heading: {unlinked}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_every_link_to_a_notebook_resolves_to_a_file_and_heading(path):
    broken = []
    for text, target in links(path):
        if re.match(r"^[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        target_path = NOTEBOOKS / file_part if file_part else path
        if not target_path.exists():
            broken.append(f"[{text}]({target}): no file {file_part}")
        elif anchor and not PLAIN_ANCHOR.match(anchor):
            broken.append(f"[{text}]({target}): link only to headings of letters, digits and - _ . , : '")
        elif anchor and anchor not in heading_ids(target_path):
            broken.append(f"[{text}]({target}): {target_path.name} has no heading with id {anchor!r}")
    assert not broken, f"{path.name}: " + "; ".join(broken)


def test_heading_ids_follow_jupyterlab():
    assert heading_text("## Pitfall 4: `constant` ignores [warmup](#x)") == "Pitfall 4: constant ignores warmup"
    assert heading_text("## What `num_cycles` means, *really*") == "What num_cycles means, really"
    assert heading_text("## Why _this_ matters") == "Why this matters"
    assert "Pitfalls" in heading_ids(NOTEBOOKS / "01_why_warmup.ipynb")
