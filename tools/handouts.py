"""The printable hand-outs, without a kernel: notebook 13's questions and the cheat sheet, as HTML pages
that load nothing from another site (MathJax comes from a ``mathjax/`` folder beside them, which
``make handouts`` copies there).

- check_yourself.html: notebook 13 as a learner meets it, for paper: no code, no check, no solution
  or hint; each answer cell becomes a line to write on, labelled with what its comment asks for.
- cheatsheet.html: docs/cheatsheet.md (tools/cheat_sheet.py writes it from the registry), set for
  one landscape A4 page.

Usage: python tools/handouts.py build/handouts
"""

from __future__ import annotations

import html
import pathlib
import re
import sys

import nbformat
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from nbconvert import HTMLExporter

ROOT = pathlib.Path(__file__).resolve().parents[1]
TOOLS = pathlib.Path(__file__).resolve().parent
SELF_CHECK = ROOT / "notebooks" / "13_check_yourself.ipynb"
CHEAT_SHEET = ROOT / "docs" / "cheatsheet.md"
NOT_ON_PAPER = {"nav-header", "nav-footer", "colab-setup", "solution", "hint", "check", "reveal"}
RUN_THE_CHECK = "Replace each `...`"  # the notebook's instruction to run the checks, which paper has not
STUB_LINE = re.compile(r"^(\w+) = \.\.\.\s*#\s*(.+)$")


def answer_lines(stub: str) -> str:
    """An exercise's stub (``name = ...  # what to write``) as lines to write the answers on."""
    lines = []
    for line in stub.strip().splitlines():
        found = STUB_LINE.match(line.strip())
        if not found:
            raise ValueError(f"an exercise cell of {SELF_CHECK.name} has a line that is not 'name = ...  # what to "
                             f"write': {line!r}; write the stub that way, or teach tools/handouts.py the new form")
        name, asked = found.groups()
        lines.append(f'<div class="handout-answer"><span><code>{name}</code>: {html.escape(asked)}</span></div>')
    return "\n".join(lines)


def on_paper(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook's cells a printed copy keeps: questions and figures, with answer lines for the stubs."""
    kept = []
    for cell in notebook.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & NOT_ON_PAPER or (cell.cell_type == "markdown" and cell.source.startswith(RUN_THE_CHECK)):
            continue
        if "exercise" in tags:
            kept.append(nbformat.v4.new_markdown_cell(answer_lines(cell.source)))
        else:
            kept.append(cell)
    printed = nbformat.v4.new_notebook(cells=kept, metadata={"kernelspec": notebook.metadata.get("kernelspec", {})})
    return printed


def check_yourself_html(path: pathlib.Path = SELF_CHECK) -> str:
    notebook = nbformat.read(path, as_version=4)
    if not any(cell.source.startswith(RUN_THE_CHECK) for cell in notebook.cells):
        raise ValueError(f"{path.name} no longer starts a cell with {RUN_THE_CHECK!r}: update RUN_THE_CHECK in "
                         f"tools/handouts.py, so the printed copy leaves out the notebook-only instruction")
    exporter = HTMLExporter(template_name="handout_template", extra_template_basedirs=[str(TOOLS)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(on_paper(notebook), resources={"metadata": {"name": "Check yourself"}})
    return body


def _math(content: str, options: dict) -> str:
    opening, closing = (r"\[", r"\]") if options.get("display_mode") else (r"\(", r"\)")
    return f"{opening}{html.escape(content)}{closing}"


CHEAT_SHEET_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Cheat sheet: the schedules</title>
<script>window.MathJax = {{chtml: {{scale: 0.8}}}};</script>
<script src="mathjax/tex-chtml.js"></script>
<style>
  @page {{ size: A4 landscape; margin: 8mm; }}
  body {{ font-family: system-ui, sans-serif; font-size: 7pt; line-height: 1.2; max-width: 281mm; margin: 1rem auto; }}
  h1 {{ font-size: 13pt; margin: 0 0 0.3em; }}
  p {{ margin: 0 0 0.6em; }}
  table {{ border-collapse: collapse; table-layout: fixed; width: 100%; }}
  th, td {{ border: 1px solid #999; padding: 2px 4px; vertical-align: top; text-align: left; overflow-wrap: anywhere; }}
  th:nth-child(1) {{ width: 13%; }} th:nth-child(2) {{ width: 34%; }} th:nth-child(3) {{ width: 23%; }}
  td:first-child {{ overflow-wrap: normal; }} td:first-child code {{ font-size: 0.85em; }}
  code {{ font-size: 0.95em; }}
  @media print {{ body {{ margin: 0; max-width: none; }} tr {{ break-inside: avoid; }} }}
</style>
</head>
<body>
{body}</body>
</html>
"""


def cheat_sheet_html(path: pathlib.Path = CHEAT_SHEET) -> str:
    markdown = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, renderer=_math)
    return CHEAT_SHEET_PAGE.format(body=markdown.render(path.read_text(encoding="utf-8")))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/handouts.py FOLDER  (the folder to write check_yourself.html and cheatsheet.html "
              "to, e.g. build/handouts)", file=sys.stderr)
        return 2
    folder = pathlib.Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "check_yourself.html").write_text(check_yourself_html(), encoding="utf-8")
    (folder / "cheatsheet.html").write_text(cheat_sheet_html(), encoding="utf-8")
    print(f"{folder}/check_yourself.html, {folder}/cheatsheet.html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
