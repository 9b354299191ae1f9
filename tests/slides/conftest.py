"""The slides' browser tests read the decks `make slides` built: `make slides-test` builds them and runs these.

They run only when SLIDES_DIR names the built decks (make slides-test sets it), so the other pytest runs
(make unit, make test-everything) collect none of them; --confcutdir=tests/slides keeps tests/conftest.py
(torch, the optimizer fixture) out, as for the book.
"""

import os
import sys
from pathlib import Path

import nbformat
import pytest
from chromium import for_make_target

ROOT = Path(__file__).resolve().parents[2]
DECKS = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if 1 <= int(path.name[:2]) <= 12)

sys.path.insert(0, str(ROOT / "tools"))
from slide_plan import slides_of  # noqa: E402


def pytest_ignore_collect(collection_path, config):
    return True if "SLIDES_DIR" not in os.environ else None


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.slides)


@pytest.fixture(scope="session")
def slides_dir() -> Path:
    folder = (ROOT / os.environ["SLIDES_DIR"]).resolve()
    assert (folder / "index.html").is_file(), f"no {folder}/index.html: run make slides first"
    return folder


@pytest.fixture(scope="session")
def notebooks() -> dict[str, nbformat.NotebookNode]:
    return {name: nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4) for name in DECKS}


@pytest.fixture(scope="session")
def browser():
    with for_make_target("slides-test") as chromium:
        yield chromium


__all__ = ["DECKS", "ROOT", "slides_of"]
