"""Sphinx configuration of the book edition: `make book` builds build/book/ from the committed notebooks.

The stack is Jupyter Book 1's (Sphinx, MyST-NB, sphinx-book-theme), driven by sphinx-build directly
so that warnings are errors (-W) and nothing here is written twice: the repository URL comes from
pyproject.toml, the order of the notebooks from notebooks/contents.json, the landing page from the
README. The notebooks are never executed: each page shows the outputs committed with it.
"""

import json
import sys
import tomllib
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
sys.path.insert(0, str(BOOK))

URLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
CONTENTS = json.loads((ROOT / "notebooks" / "contents.json").read_text(encoding="utf-8"))

# make book runs sphinx-build -W --keep-going: every warning fails the build. Warnings let through,
# each with its reason, go here; there are none.
suppress_warnings: list[str] = []

project = "Warmup, explained"
author = "the Warmup, explained authors"
copyright = "the Warmup, explained authors (MIT licence)"
root_doc = "index"
include_patterns = ["index.md", "notebooks/[0-9][0-9]_*.ipynb", "docs/teaching.md", "docs/cheatsheet.md", "docs/claims.md",
                    "docs/errors.md"]
extensions = ["myst_nb", "sphinx_copybutton", "sphinx.ext.githubpages", "bookedition"]
book_repository_url = URLS["Source"]
book_branch = CONTENTS["branch"]

# MyST: $...$ and $$...$$ and bare URLs as links, as in JupyterLab, and headings take JupyterLab's
# ids, so that a link to another notebook's heading (02_constant.ipynb#The-formula) lands on it here too.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "linkify"]
myst_linkify_fuzzy_links = False  # only what starts with http(s)://, not every word with a dot
myst_heading_anchors = 6
myst_heading_slug_func = "bookedition.jupyter_anchor"
myst_dmath_double_inline = True
smartquotes = False  # text as JupyterLab shows it (it keeps ' and " as typed)

# MyST-NB: never execute; show the committed outputs. No widget JavaScript: a widget's output is a
# still made from its saved state (bookedition.py).
nb_execution_mode = "off"
nb_ipywidgets_js = {}
nb_merge_streams = True

# MathJax from the copy `make book` unpacks from the npm registry (build/vendor/, version pinned in
# the Makefile): a page loads nothing from another site.
mathjax_path = "mathjax/tex-chtml.js"
# textmacros: `\_` inside \text{} and \texttt{} is an underscore, as in JupyterLab's MathJax
mathjax3_config = {"loader": {"load": ["[tex]/textmacros"]}, "tex": {"packages": {"[+]": ["textmacros"]}}}
html_static_path = ["_static", "../build/vendor"]
html_css_files = ["book.css"]

html_theme = "sphinx_book_theme"
html_context = {"default_mode": "light"}  # figures are drawn on white; a reader can switch to dark
html_title = project
html_favicon = "_static/favicon.svg"  # a browser asks for one: without it, a 404 over HTTP
html_copy_source = True
html_sourcelink_suffix = ""  # the .ipynb download is the notebook itself
html_show_sourcelink = False
html_last_updated_fmt = None
html_show_search_summary = False  # a summary would fetch() each page, which file:// forbids
html_theme_options = {
    "repository_url": book_repository_url,
    "repository_branch": book_branch,
    "path_to_docs": "",
    "use_download_button": True,
    "use_repository_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # the reference pages are wide tables: they take the room of the in-page contents
    "secondary_sidebar_items": {"index": ["page-toc"], "notebooks/*": ["page-toc"], "docs/*": []},
}
