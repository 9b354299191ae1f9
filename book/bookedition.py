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

import base64
import html
import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
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


def _control(state: dict[str, Any]) -> tuple[str, str, bool] | None:
    """A control's label, its value as a reader sees it, and whether it shows that value itself."""
    if "_options_labels" in state and state.get("index") is not None:
        value: Any = state["_options_labels"][state["index"]]
    elif "value" in state and state.get("_model_name") not in ("HTMLModel", "HTMLMathModel", "LabelModel"):
        value = state["value"]
    else:
        return None
    if isinstance(value, bool):
        value = "on" if value else "off"
    return state.get("description") or "", str(value), state.get("readout", True) is not False


def _controls_line(controls: list[tuple[str, str, bool]]) -> list[str]:
    """Each control as "label: value". A slider that hides its value (readout off) takes the value of
    the unlabelled box beside it, as the explorer's log-scale step slider does."""
    texts = []
    for index, (label, value, shown) in enumerate(controls):
        if not shown:
            beside = controls[index + 1] if index + 1 < len(controls) else None
            if beside is not None and not beside[0]:
                texts.append(f"{label}: {beside[1]}")
            continue
        if label:
            texts.append(f"{label} {value}" if label.endswith(("=", ":")) else f"{label}: {value}")
        elif index == 0 or controls[index - 1][2]:
            texts.append(value)
    return texts


def _output_html(output: dict[str, Any]) -> str:
    """One saved output of an Output widget as HTML: a picture, HTML, or text."""
    data = output.get("data", {})
    if "image/png" in data:
        encoded = "".join(data["image/png"]) if isinstance(data["image/png"], list) else data["image/png"]
        base64.b64decode(encoded, validate=True)
        alt = html.escape("".join(data.get("text/plain", "figure")))
        return f'<img src="data:image/png;base64,{encoded}" alt="{alt}">'
    if "text/html" in data:
        return "".join(data["text/html"])
    text = output.get("text") or data.get("text/plain") or ""
    text = "".join(text) if isinstance(text, list) else text
    return f"<pre>{html.escape(text)}</pre>" if text.strip() else ""


def widget_still(model_id: str, state: dict[str, dict[str, Any]]) -> str:
    """HTML for what a widget showed when the notebook was saved, read from its saved state.

    HTML panes and Output areas are shown as they were; controls become one line of their values.
    """
    controls: list[tuple[str, str, bool]] = []
    panes: list[str] = []

    def visit(model: str) -> None:
        entry = state.get(model.removeprefix("IPY_MODEL_"))
        if entry is None:
            return
        model_state = entry["state"]
        if entry["model_name"] in ("HTMLModel", "HTMLMathModel"):
            if model_state.get("value", "").strip():
                panes.append(model_state["value"])
        elif entry["model_name"] == "OutputModel":
            panes.extend(filter(None, map(_output_html, model_state.get("outputs", []))))
        else:
            control = _control(model_state)
            if control is not None:
                controls.append(control)
        for child in model_state.get("children", []):
            visit(child)

    visit(model_id)
    parts = ['<div class="widget-still">']
    if controls:
        parts.append('<p class="widget-still-controls">' + " · ".join(map(html.escape, _controls_line(controls))) + "</p>")
    parts.extend(f'<div class="widget-still-pane">{pane}</div>' for pane in panes)
    note = WIDGET_NOTE if panes else WIDGET_NOTE_CONTROLS_ONLY
    parts.append(f'<p class="widget-still-note">{note}</p></div>')
    return "\n".join(parts)


def notebook_for_the_book(text: str) -> str:
    """The notebook's JSON, adjusted for a static page (see the module's docstring)."""
    notebook = json.loads(text)
    widgets = notebook.get("metadata", {}).pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in notebook["cells"]:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if LEFT_OUT_TAGS.intersection(tags):
            tags.append("remove-cell")
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                view = data.pop(WIDGET_VIEW)
                data["text/html"] = widget_still(view["model_id"], widgets)
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
