"""What turns the committed notebooks into book pages, without changing a notebook on disk.

Sphinx reads each source through the ``source-read`` event before MyST-NB parses it; here the
notebook's JSON is adjusted for a static page:

- the navigation cells (tags ``nav-header``, ``nav-footer``) and the Colab set-up cell
  (``colab-setup``) are left out: the book has its own sidebar, previous/next and launch buttons;
- a live widget's output becomes a still: what its saved state showed (HTML panes, the pictures in
  its output areas, the controls' values as text) and one line saying it is live when run;
- the saved widget state leaves the page's metadata, so no widget JavaScript is loaded.

The landing page gets its contents (a hidden toctree) from ``notebooks/contents.json``, so the
order is written once. After parsing, a link to a repository file that is not a page of the book
points to that file in the repository, and an image from another site becomes its alt text as a
link (a page loads nothing from outside).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

sys.path.append(str(Path(__file__).resolve().parents[1] / "tools"))
from widget_stills import replace_widgets_with_stills  # noqa: E402  (shared with the slides)

LEFT_OUT_TAGS = {"nav-header", "nav-footer", "colab-setup"}
WIDGET_NOTE = (
    "A still of the live widget, as the notebook was last run: open the notebook "
    "(Binder or Colab, buttons at the top of the page) to move its controls."
)
WIDGET_NOTE_CONTROLS_ONLY = (
    "A live widget stands here, with its controls set as above: it shows its results when the notebook "
    "runs (Binder or Colab, buttons at the top of the page)."
)


def jupyter_anchor(title: str) -> str:
    """The id JupyterLab gives a heading: its text with spaces as dashes, case and punctuation kept.

    The notebooks link to each other's headings that way (``02_constant.ipynb#The-formula``), so the
    book's headings take the same ids and those links land where they do in JupyterLab.

    >>> jupyter_anchor("The real API, stepping a real optimizer")
    'The-real-API,-stepping-a-real-optimizer'
    """
    return "-".join(title.split(" "))


def notebook_for_the_book(text: str) -> str:
    """The notebook's JSON, adjusted for a static page (see the module's docstring)."""
    notebook = json.loads(text)
    for cell in notebook["cells"]:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if LEFT_OUT_TAGS.intersection(tags):
            tags.append("remove-cell")
    replace_widgets_with_stills(notebook, note=WIDGET_NOTE, note_controls_only=WIDGET_NOTE_CONTROLS_ONLY)
    return json.dumps(notebook)


def contents_toctree(srcdir: Path) -> str:
    """The landing page's hidden toctree: the notebooks in contents.json's order, then the teaching pages and the reference."""
    contents = json.loads((srcdir / "notebooks" / "contents.json").read_text(encoding="utf-8"))
    notebooks = "\n".join(f"notebooks/{entry['file'].removesuffix('.ipynb')}" for entry in contents["notebooks"])
    return (
        f"\n\n```{{toctree}}\n:hidden:\n:caption: Notebooks\n\n{notebooks}\n```\n\n"
        "```{toctree}\n:hidden:\n:caption: Teaching\n\ndocs/teaching\ndocs/cheatsheet\n```\n\n"
        "```{toctree}\n:hidden:\n:caption: Reference\n\ndocs/claims\ndocs/errors\n```\n"
    )


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == app.config.root_doc:
        source[0] += contents_toctree(Path(app.srcdir))
    elif Path(app.env.doc2path(docname)).suffix == ".ipynb":
        source[0] = notebook_for_the_book(source[0])


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Links to repository files that are not pages go to the repository; remote images become text."""
    repository_root = Path(app.confdir).resolve().parent
    blob = app.config.book_repository_url.rstrip("/") + f"/blob/{app.config.book_branch}/"
    # The pages' folders are links to the repository's (book/notebooks -> ../notebooks); a target
    # found through the link's far end is named by its path there: give it back its docname.
    by_real_path = {Path(app.env.doc2path(name)).resolve().with_suffix(""): name for name in app.env.found_docs}
    for xref in list(doctree.findall(addnodes.pending_xref)) + list(doctree.findall(addnodes.download_reference)):
        if xref.get("reftype") != "myst":
            continue
        if xref.get("refdomain") == "doc" and Path(xref["reftarget"]).is_absolute():
            xref["reftarget"] = by_real_path.get(Path(xref["reftarget"]), xref["reftarget"])
        if isinstance(xref, addnodes.download_reference):
            _, path = app.env.relfn2path(xref["reftarget"].partition("#")[0], app.env.docname)
            fragment = xref["reftarget"].partition("#")[2]
        elif xref.get("refdomain") == "doc" and xref["reftarget"] not in app.env.found_docs:
            path = _source_file(app, xref["reftarget"])
            fragment = xref.get("reftargetid") or ""
        else:
            continue
        relative = Path(path).resolve().relative_to(repository_root).as_posix()
        link = nodes.reference("", "", *xref.children, refuri=blob + relative + (f"#{fragment}" if fragment else ""))
        xref.replace_self(link)
    for image in list(doctree.findall(nodes.image)):
        if "://" in image["uri"]:
            image.replace_self(nodes.inline(text=image.get("alt", "")))


def _source_file(app: Sphinx, docname: str) -> Path:
    """The file of a document that exists in the source folder but is not a page of the book."""
    for suffix in app.config.source_suffix:
        candidate = Path(app.srcdir) / f"{docname}{suffix}"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{docname}: no such file in {app.srcdir}")


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The landing page offers no download: its source is one include of the README."""
    if pagename == app.config.root_doc:
        context["page_source_suffix"] = ""


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_repository_url", "", "env")
    app.add_config_value("book_branch", "main", "env")
    app.connect("source-read", on_source_read)
    app.connect("doctree-read", on_doctree_read)
    app.connect("html-page-context", on_html_page_context, priority=400)  # before the theme's buttons
    return {"parallel_read_safe": True, "parallel_write_safe": True}
