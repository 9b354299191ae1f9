"""The book's tests read the site `make book` built: `make book-test` builds it and runs them.

They run only when BOOK_DIR names the built site (make book-test sets it), so the other pytest runs
(make unit, make test-everything) collect none of them. make book-test runs them with
--confcutdir=tests/book: tests/conftest.py (torch, the optimizer fixture) has nothing for them.
"""

import functools
import http.server
import json
import os
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from chromium import for_make_target

ROOT = Path(__file__).resolve().parents[2]


def pytest_ignore_collect(collection_path, config):
    return True if "BOOK_DIR" not in os.environ else None


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.book)


@pytest.fixture(scope="session")
def book() -> Path:
    folder = (ROOT / os.environ["BOOK_DIR"]).resolve()
    assert (folder / "index.html").is_file(), f"no {folder}/index.html: run make book first"
    return folder


@pytest.fixture(scope="session")
def contents() -> list[str]:
    """The notebooks' file names in the collection's order."""
    listing = json.loads((ROOT / "notebooks" / "contents.json").read_text(encoding="utf-8"))
    return [entry["file"] for entry in listing["notebooks"]]


class Page(HTMLParser):
    """What the tests need from one HTML page: its ids, and every link and resource it references."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []       # <a href>
        self.resources: list[str] = []   # <img src>, <script src>, <link href>, <source src>
        self.images: list[str] = []
        self.details: list[dict[str, str | None]] = []
        self.previous: str | None = None  # the previous/next links at the page's foot
        self.next: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
            classes = (attributes.get("class") or "").split()
            if "left-prev" in classes:
                self.previous = attributes["href"]
            if "right-next" in classes:
                self.next = attributes["href"]
        if tag in ("img", "script", "source", "iframe") and attributes.get("src"):
            self.resources.append(attributes["src"])
            if tag == "img":
                self.images.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.resources.append(attributes["href"])
        if tag == "details":
            self.details.append(attributes)


@functools.cache
def read_page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def pages(book) -> dict[Path, Page]:
    return {path: read_page(path) for path in sorted(book.rglob("*.html")) if "_static" not in path.parts}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def http_root(book):
    """The book served over HTTP on 127.0.0.1 (a free port), for the length of the session."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(book)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    with for_make_target("book-test") as chromium:
        yield chromium
