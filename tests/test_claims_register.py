"""docs/claims.md, the register of every claim the notebooks make about a paper or a library, is
complete and points at things that exist: a source, a heading of a notebook, and a test where a
test checks it."""

import pathlib
import re

import pytest
from test_crossrefs import NOTEBOOK_PATHS, PLAIN_ANCHOR, heading_ids

ROOT = pathlib.Path(__file__).resolve().parents[1]
REGISTER = ROOT / "docs" / "claims.md"
CHECKS_WITHOUT_TEST = {"read", "assert in notebook"}


def rows():
    """(claim, source, where, checked by) for every row of every table in the register."""
    found = []
    for line in REGISTER.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[0] not in ("claim", "") and not set(cells[0]) <= set("-: "):
            found.append(tuple(cells))
    return found


def test_register_exists_and_is_linked_from_the_readme():
    assert REGISTER.exists()
    assert "docs/claims.md" in (ROOT / "README.md").read_text()
    assert len(rows()) >= 50


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_every_notebook_has_its_claims_registered(path):
    assert any(where.strip("`").startswith(path.name) for _, _, where, _ in rows()), f"no claim of {path.name}"


def test_every_claim_names_a_source_and_a_heading_that_exists():
    for claim, source, where, _ in rows():
        assert len(source) > 8, f"no source for: {claim}"
        for name, anchor in re.findall(r"(\d\d_\w+\.ipynb)(?:#([^\s`;)]+))?", where):
            path, anchor = ROOT / "notebooks" / name, anchor.rstrip(",.")
            assert path.exists(), f"{where}: no such notebook"
            assert not anchor or PLAIN_ANCHOR.match(anchor), f"{where}: name a heading of plain characters"
            assert not anchor or anchor in heading_ids(path), f"{where}: no heading {anchor!r} in {name}"


def test_every_claim_checked_by_a_test_names_a_test_that_exists():
    for claim, _, _, checked_by in rows():
        tests = re.findall(r"(tests/[\w/]+\.py)::(\w+)", checked_by)
        if not tests:
            assert checked_by.strip("` ").lower() in CHECKS_WITHOUT_TEST, f"{claim}: checked by {checked_by!r}?"
        for file, name in tests:
            assert re.search(rf"^def {name}\(", (ROOT / file).read_text(), re.M), f"{file}::{name} does not exist"
