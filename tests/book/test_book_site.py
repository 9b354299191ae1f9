"""The built site as files: every page there, in order, every link, anchor and image resolving."""

import html
import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .conftest import ROOT, read_page

sys.path.insert(0, str(ROOT / "book"))
from bookedition import WIDGET_NOTE, jupyter_anchor  # noqa: E402
from widget_stills import WIDGET_VIEW  # noqa: E402  (bookedition puts tools/ on the path)

LOCAL_SCHEMES = ("", "file")


def notebook(name: str) -> dict:
    return json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))


def local_target(page: Path, reference: str) -> tuple[Path, str] | None:
    """The file and fragment a relative reference points to, or None for another site or a data: URL."""
    parts = urlsplit(reference)
    if parts.scheme not in LOCAL_SCHEMES or parts.netloc:
        return None
    path = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    return path, unquote(parts.fragment)


def test_every_notebook_is_a_page_in_the_collections_order_after_the_landing_page(book, contents):
    sidebar = read_page(book / "index.html").links
    order = [link for link in sidebar if link.startswith("notebooks/")]
    expected = [f"notebooks/{name.removesuffix('.ipynb')}.html" for name in contents]
    assert list(dict.fromkeys(order)) == expected
    assert "docs/claims.html" in sidebar and "docs/errors.html" in sidebar
    reading_order = [book / "index.html"] + [book / path for path in expected]
    for before, after in zip(reading_order, reading_order[1:]):
        assert (before.parent / read_page(before).next).resolve() == after, f"next after {before.name}"
        assert (after.parent / read_page(after).previous).resolve() == before, f"previous before {after.name}"


def test_the_landing_page_is_the_readmes_overview(book):
    text = (book / "index.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_paragraph = readme.split("\n\n")[2].split("\n")[0]
    assert " ".join(first_paragraph.split()[:6]) in " ".join(re.sub(r"<[^>]+>", "", text).split())
    assert "Use lrlib in your own code" not in text


def test_every_internal_link_and_anchor_resolves(pages):
    broken = []
    for page_path, page in pages.items():
        for link in page.links:
            target = local_target(page_path, link)
            if target is None:
                continue
            path, fragment = target
            if not path.is_file():
                broken.append(f"{page_path.name}: {link} (no file)")
            elif fragment and path.suffix == ".html" and fragment not in read_page(path).ids:
                broken.append(f"{page_path.name}: {link} (no id {fragment!r})")
    assert not broken, "\n".join(broken)


def test_every_image_and_resource_a_page_references_exists_here(pages):
    missing, remote = [], []
    for page_path, page in pages.items():
        for reference in page.resources:
            if reference.startswith("data:"):
                continue
            target = local_target(page_path, reference)
            if target is None:
                remote.append(f"{page_path.name}: {reference}")
            elif not target[0].is_file():
                missing.append(f"{page_path.name}: {reference}")
    assert not missing, "missing:\n" + "\n".join(missing)
    assert not remote, "loaded from another site:\n" + "\n".join(remote)
    assert sum(len(page.images) for page in pages.values()) > 20  # the notebooks' figures are there


def test_links_to_another_notebooks_heading_land_on_that_heading(book, contents):
    """Each `[...](02_constant.ipynb#The-formula)` in a notebook lands on the heading JupyterLab calls so."""
    checked = 0
    for name in contents:
        sources = "".join("".join(cell["source"]) for cell in notebook(name)["cells"] if cell["cell_type"] == "markdown")
        wanted = set(re.findall(r"\]\((\d\d_\w+)\.ipynb#([^)\s]+)\)", sources))
        page = read_page(book / "notebooks" / name.replace(".ipynb", ".html"))
        landed = set()
        for link in page.links:
            match = re.fullmatch(r"(\d\d_\w+)\.html#(.+)", link)
            if match:
                target = (book / "notebooks" / f"{match[1]}.html").read_text(encoding="utf-8")
                heading = re.search(rf'<section id="{re.escape(match[2])}">\s*(?:<span id="[^"]*"></span>\s*)*<h\d>(.*?)<a class="headerlink"', target, re.S)
                assert heading, f"{name}: {link} does not point to a section"
                text = re.sub(r"<[^>]+>", "", heading[1]).strip()
                landed.add((match[1], jupyter_anchor(html.unescape(text))))
        assert wanted <= landed, f"{name}: links that land elsewhere: {sorted(wanted - landed)}"
        checked += len(wanted)
    assert checked > 20


def test_each_notebook_page_offers_binder_colab_and_its_ipynb(book, contents):
    for name in contents:
        links = read_page(book / "notebooks" / name.replace(".ipynb", ".html")).links
        assert any(link.startswith("https://mybinder.org/v2/gh/") and link.endswith(f"notebooks/{name}") for link in links), name
        assert any(link.startswith("https://colab.research.google.com/github/") and link.endswith(f"notebooks/{name}") for link in links), name
        assert f"../_sources/notebooks/{name}" in links, name
        assert (book / "_sources" / "notebooks" / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()


def test_solutions_stay_collapsed(book, contents):
    for name in contents:
        solutions = sum("solution" in cell["metadata"].get("tags", []) for cell in notebook(name)["cells"])
        text = (book / "notebooks" / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        assert text.count("<summary><b>Solution</b>") == solutions, name
        assert all("open" not in details for details in read_page(book / "notebooks" / name.replace(".ipynb", ".html")).details)


def test_a_live_widget_is_a_still_of_its_saved_state_with_a_one_line_note(book, contents):
    stills = 0
    for name in contents:
        widgets = sum(WIDGET_VIEW in output.get("data", {}) for cell in notebook(name)["cells"] for output in cell.get("outputs", []))
        text = (book / "notebooks" / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        assert text.count('<div class="widget-still">') == widgets, name
        assert text.count('<p class="widget-still-note">') == widgets, name
        assert "widget-view+json" not in text and "require.js" not in text and "html-manager" not in text
        stills += widgets
    assert stills >= 5
    explorer = (book / "notebooks" / "03_linear.html").read_text(encoding="utf-8")
    still = explorer.split('<div class="widget-still">')[1].split(WIDGET_NOTE)[0]
    assert '<svg class="lrlib-plot"' in still and "schedule: linear" in still and "training steps: 1950" in still


def test_navigation_and_colab_set_up_cells_are_left_out_of_the_pages(book, contents):
    for name in contents:
        text = (book / "notebooks" / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        assert "badge_logo.svg" not in text and "colab-badge.svg" not in text, name
        assert "import google.colab" not in text, name


def test_each_notebook_page_has_its_sections_in_the_in_page_contents_and_a_search_box(book, contents):
    for name in contents:
        text = (book / "notebooks" / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        toc = text.split('id="pst-page-toc-nav"', 1)[1].split("</nav>", 1)[0]
        sections = re.findall(r'<section id="([^"]+)">\s*(?:<span id="[^"]*"></span>\s*)*<h2>', text)
        assert sections and all(f'href="#{section}"' in toc for section in sections), name
        assert 'action="../search.html"' in text, name
