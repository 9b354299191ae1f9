"""The GitHub Pages workflow builds with the same make book and publishes what it writes.

Nothing here can run GitHub Actions: these tests read the workflow file and the Makefile's plan.
"""

import re
import subprocess

from .conftest import ROOT

WORKFLOW = (ROOT / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8")


def test_the_pages_workflow_builds_with_make_book_and_publishes_build_book():
    runs = re.findall(r"^\s*run:\s*(.+)$", WORKFLOW, re.M)
    assert runs == ["make book"], "the workflow builds with make book and nothing else"
    assert re.search(r"uses: actions/upload-pages-artifact@v\d+\s+with:\s+path: build/book\s*$", WORKFLOW, re.M)
    assert "uses: actions/deploy-pages@" in WORKFLOW
    assert re.search(r"^\s+pages: write$", WORKFLOW, re.M) and re.search(r"^\s+id-token: write$", WORKFLOW, re.M)


def test_make_book_treats_warnings_as_errors_and_writes_build_book_from_book_conf():
    plan = subprocess.run(["make", "-n", "--always-make", "book"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    build = next(line for line in plan.replace("\\\n", " ").splitlines() if "sphinx-build" in line)
    assert " -W " in build and " -c book book build/book" in build
    assert "--keep-going" in build
    assert re.search(r"npm pack --silent mathjax@\d+\.\d+\.\d+", plan), "MathJax comes from npm at one exact version"


def test_the_site_holds_no_symbolic_link_which_pages_would_refuse(book):
    assert not [path for path in book.rglob("*") if path.is_symlink()]
