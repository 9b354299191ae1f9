"""Write every notebook's navigation cells and the README's table of contents from one file.

notebooks/contents.json is the table of contents; the minutes come from tools/study_time.py's
estimate. Each notebook gets:
- its time, in the title cell ("**Time:** ~N min") and under each of its ``## `` headings ("*≈ N min*");
- a "nav-header" cell right after its title cell: its place in the collection, minutes, Binder and
  Colab links;
- a "colab-setup" code cell right after the header: on Colab it installs lrlib with the course's
  packages from the repository, keeping Colab's own torch; anywhere else it does nothing and prints
  nothing (so nbval compares its empty output);
- a "nav-footer" cell at the end: previous | contents | next (only the links that exist: 00 has no
  previous one and links the map instead of itself, the last has no next one);
- in its prose, each link to a heading of another notebook names that section in its text
  (``[notebook 09](09_step_count_mismatch.ipynb#Three-tools)`` becomes ``[notebook 09, section “Three
  tools”](...)``), unless it already does (its text holds the heading, or a heading's "Pitfall 4"
  label). JupyterLab 4.6 opens another notebook at its top, not at the heading
  (docs/maintaining.md, "Links to headings"), so the text says where to look.
The generated cells are never slides (slide type "skip"; slides/plan.toml says which cells are).
The README's table sits between the markers <!-- contents:start --> and <!-- contents:end -->, and
the first notebook's cell tagged "contents-map" holds the same table ("The map").

Usage: python tools/navigation.py          # write
       python tools/navigation.py --check  # list what is out of date, exit 1 if anything is
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys

import nbformat

from study_time import SECTION_TIME, TITLE_TIME, notebook_minutes, sections

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
START, END = "<!-- contents:start -->", "<!-- contents:end -->"
MAP_ANCHOR = "The-map"  # the heading of the first notebook's "contents-map" cell: "## The map"


def load_contents() -> dict:
    """contents.json, each entry with the notebook's estimated core and optional minutes added
    (counted with its links already naming their sections, so that writing them changes no time),
    and ``headings``: file -> {heading id: the heading's markdown} for every listed notebook."""
    contents = json.loads((NOTEBOOKS / "contents.json").read_text())
    notebooks = {entry["file"]: nbformat.read(NOTEBOOKS / entry["file"], as_version=4)
                 for entry in contents["notebooks"] if (NOTEBOOKS / entry["file"]).exists()}
    contents["headings"] = {name: headings(notebook) for name, notebook in notebooks.items()}
    for entry in contents["notebooks"]:
        notebook = notebooks.get(entry["file"])
        if notebook is not None:
            notebook, _ = with_section_names(notebook, contents["headings"])
        core, optional = notebook_minutes(notebook) if notebook is not None else (0.0, 0.0)
        entry["minutes"], entry["optional_minutes"] = round_minutes(core), round(optional)
    return contents


# ------------------------------------------------------------------ headings and the links to them

LINK = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)")
NOTEBOOK_LINK = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\((\d\d_[^)#\s/]+\.ipynb)#([^)\s]+)\)")
FENCE = re.compile(r"^\s*```.*?^\s*```[^\n]*$", re.M | re.S)


def heading_markdown(line: str) -> str:
    """A heading line's text as markdown: the #s and link targets removed, code spans kept."""
    return LINK.sub(r"\1", re.sub(r"^#+\s*", "", line).strip())


def heading_text(line: str) -> str:
    """A heading's text as the browser shows it: link targets, backticks and emphasis markers removed;
    the text of code spans (underscores included) kept as it is."""
    pieces = heading_markdown(line).split("`")
    for index in range(0, len(pieces), 2):  # outside code spans
        pieces[index] = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", pieces[index].replace("*", ""))
    return "".join(pieces)


def heading_id(line: str) -> str:
    """The id JupyterLab gives a heading (``data-jupyter-id``): its text with each space a hyphen."""
    return heading_text(line).replace(" ", "-")


def headings(notebook) -> dict[str, str]:
    """Heading id -> the heading's markdown, for every heading of the notebook's markdown cells."""
    found = {}
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        in_code = False
        for line in cell.source.splitlines():
            in_code ^= line.lstrip().startswith("```")
            if not in_code and re.match(r"^#{1,6}\s", line):
                found.setdefault(heading_id(line), heading_markdown(line))
    return found


def _plain(text: str) -> str:
    text = re.sub(r"[`*_“”\"']", "", text.lower())
    return " ".join(text.split())


def names_section(text: str, heading: str) -> bool:
    """Whether a link's text names the heading it leads to: it holds the heading's words, or the
    heading's numbered label ("pitfall 4 of notebook 09" for "Pitfall 4: several processes").

    >>> names_section("notebook 09", "Three tools"), names_section("pitfall 4 of notebook 09", "Pitfall 4: several processes")
    (False, True)
    """
    if _plain(heading) in _plain(text):
        return True
    label = re.match(r"^([A-Za-z]+ \d+)\s*:", heading)
    return bool(label) and re.search(rf"\b{re.escape(_plain(label.group(1)))}\b", _plain(text)) is not None


def section_link_text(text: str, heading: str) -> str:
    """The text of a link to a heading of another notebook, naming that section."""
    return text if names_section(text, heading) else f"{text}, section “{heading}”"


def with_section_names(notebook, every_heading: dict[str, dict[str, str]]):
    """The notebook with each link to a heading of another notebook naming its section, and the
    list of (old link, new link) it changed. Code blocks and the generated cells are left alone."""
    changed = []

    def rename(match: re.Match) -> str:
        text, file, anchor = match.groups()
        heading = every_heading.get(file, {}).get(anchor)
        if heading is None:  # tests/test_crossrefs.py reports a broken link
            return match.group(0)
        new = f"[{section_link_text(text, heading)}]({file}#{anchor})"
        if new != match.group(0):
            changed.append((match.group(0), new))
        return new

    def outside_code(source: str) -> str:
        pieces, last = [], 0
        for fence in FENCE.finditer(source):
            pieces += [NOTEBOOK_LINK.sub(rename, source[last:fence.start()]), fence.group(0)]
            last = fence.end()
        return "".join(pieces + [NOTEBOOK_LINK.sub(rename, source[last:])])

    for cell in notebook.cells:
        if cell.cell_type == "markdown" and not any(_tagged(cell, tag) for tag in GENERATED):
            source = outside_code(cell.source)
            if source != cell.source:
                cell.source = source
    return notebook, changed


def round_minutes(minutes: float) -> int:
    """Whole minutes, halves up, at least 1."""
    return max(1, int(minutes + 0.5))


def time_text(entry: dict) -> str:
    optional = f" (+ ~{entry['optional_minutes']} min optional)" if entry["optional_minutes"] else ""
    return f"**Time:** ~{entry['minutes']} min{optional}"


def with_times(notebook, entry: dict):
    """The title cell's time and each section's "*≈ N min*" line, (re)written from the estimate."""
    title = notebook.cells[0]
    title.source = TITLE_TIME.sub(time_text(entry), title.source)
    minutes = {part.heading: part.minutes for part in sections(notebook)}
    for cell in notebook.cells:
        heading = re.match(r"## (.+)\n?", cell.source) if cell.cell_type == "markdown" else None
        if not heading or heading.group(1).strip().startswith("References"):
            continue
        rest = SECTION_TIME.sub("", cell.source[heading.end():]).lstrip("\n")
        stamp = f"*≈ {round_minutes(minutes[heading.group(1).strip()])} min*"
        cell.source = f"{heading.group(0).rstrip()}\n\n{stamp}" + (f"\n\n{rest}" if rest else "")
    return notebook


def binder_url(contents: dict, path: str) -> str:
    repo, branch = contents["binder_repository"], contents["branch"]
    return f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{path}"


def colab_url(contents: dict, path: str) -> str:
    repo, branch = contents["binder_repository"], contents["branch"]
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"


def colab_setup_source(contents: dict) -> str:
    """The set-up cell. LRLIB_SOURCE overrides where lrlib comes from (tests install the checkout)."""
    repo, branch = contents["binder_repository"], contents["branch"]
    return (
        "# On Colab only: install lrlib and the packages the course uses, keeping Colab's own torch.\n"
        "# Anywhere else this cell does nothing.\n"
        "try:\n"
        "    import google.colab  # noqa: F401  (exists on Colab only)\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        "    import importlib.metadata, os, subprocess, sys, tempfile\n"
        f"    source = os.environ.get(\"LRLIB_SOURCE\", \"git+https://github.com/{repo}@{branch}\")\n"
        "    with tempfile.NamedTemporaryFile(\"w\", suffix=\".txt\", delete=False) as keep_torch:\n"
        "        keep_torch.write(f\"torch=={importlib.metadata.version('torch')}\\n\")\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", \"-c\", keep_torch.name,\n"
        "                    f\"lrlib[course] @ {source}\"], check=True)"
    )


def label(entry: dict) -> str:
    return f"{entry['file'][:2]} · {entry['title']}"


def header_text(contents: dict, index: int) -> str:
    """Binder and Colab badges, the notebook's number among the collection's (their own numbers,
    e.g. "notebook 09 of 00–13"), its time, and a link to the contents (in 00: to its map)."""
    entries = contents["notebooks"]
    entry = entries[index]
    path = "notebooks/" + entry["file"]
    badge = f"[![Open in Binder](https://mybinder.org/badge_logo.svg)]({binder_url(contents, path)})"
    colab = f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(contents, path)})"
    numbers = f"{entries[0]['file'][:2]}–{entries[-1]['file'][:2]}"
    contents_link = f"[the map](#{MAP_ANCHOR})" if index == 0 else f"[contents]({entries[0]['file']})"
    return (f"{badge} {colab} · *Warmup, explained*, notebook {entry['file'][:2]} of {numbers} · "
            f"about {entry['minutes']} min · {contents_link}")


def footer_text(contents: dict, index: int) -> str:
    """Previous | contents | next, with only the links that lead somewhere: the first notebook has
    no previous one and links its own map, the last has no next one."""
    entries = contents["notebooks"]
    parts = []
    if index > 0:
        parts.append(f"← [{label(entries[index - 1])}]({entries[index - 1]['file']})")
    parts.append(f"[The map](#{MAP_ANCHOR})" if index == 0 else f"[Contents]({entries[0]['file']})")
    if index < len(entries) - 1:
        parts.append(f"[{label(entries[index + 1])}]({entries[index + 1]['file']}) →")
    return "---\n" + " | ".join(parts)


def _tagged(cell, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


GENERATED = ("nav-header", "colab-setup", "nav-footer")


def generated_metadata(tag: str) -> dict:
    """A generated cell's metadata: its tag, and never a slide (slides/plan.toml lists the rest)."""
    return {"tags": [tag], "slideshow": {"slide_type": "skip"}}


def with_navigation(notebook, contents: dict, index: int):
    """The notebook with its generated cells (re)written and its links naming their sections."""
    notebook, _ = with_section_names(notebook, contents["headings"])
    cells = [cell for cell in notebook.cells if not any(_tagged(cell, tag) for tag in GENERATED)]
    header = nbformat.v4.new_markdown_cell(header_text(contents, index), metadata=generated_metadata("nav-header"))
    setup = nbformat.v4.new_code_cell(colab_setup_source(contents), metadata=generated_metadata("colab-setup"))
    old_setup = next((cell for cell in notebook.cells if _tagged(cell, "colab-setup")), None)
    if old_setup is not None and old_setup.source == setup.source:
        setup = old_setup  # unchanged: keep its execution count, so rewriting needs no re-run
        setup.metadata.update(generated_metadata("colab-setup"))
    footer = nbformat.v4.new_markdown_cell(footer_text(contents, index), metadata=generated_metadata("nav-footer"))
    header.id, setup.id, footer.id = GENERATED  # fixed ids: rewriting changes nothing
    notebook.cells = cells[:1] + [header, setup] + cells[1:] + [footer]
    for cell in notebook.cells:
        if index == 0 and _tagged(cell, "contents-map"):
            cell.source = map_text(contents)
    return with_times(notebook, contents["notebooks"][index])


def title_problems(notebook, entry: dict) -> list[str]:
    """What the notebook's first cell lacks of the header the guide asks for."""
    first = notebook.cells[0].source if notebook.cells else ""
    expected = f"# {label(entry)}"
    problems = [] if first.startswith(expected) else [f"first line should be {expected!r}"]
    problems += [f"header lacks {word!r}" for word in ("What you will learn", "Prerequisites") if word not in first]
    if f"~{entry['minutes']} min" not in first:
        problems.append(f"header should give the time as ~{entry['minutes']} min, as contents.json does")
    return problems


def readme_table(contents: dict, folder: str = "notebooks/") -> str:
    rows = ["| # | notebook | what you learn | minutes |", "| --- | --- | --- | --- |"]
    for entry in contents["notebooks"]:
        rows.append(f"| {entry['file'][:2]} | [{entry['title']}]({folder}{entry['file']}) | {entry['learn']} | {entry['minutes']} |")
    return "\n".join(rows)


def map_text(contents: dict) -> str:
    """The first notebook's map of the collection."""
    total = sum(entry["minutes"] for entry in contents["notebooks"])
    optional = sum(entry["optional_minutes"] for entry in contents["notebooks"])
    extra = f", plus about {optional} minutes of optional \"Going further\" sections" if optional else ""
    return (f"## The map\n\n{readme_table(contents, folder='')}\n\n"
            f"About {total} minutes in all, doing the exercises{extra}. The minutes are an estimate from counts "
            "(prose at 200 words a minute, 15 s per code cell, 2 to 6 minutes per exercise by kind: "
            "`tools/study_time.py`), not a measurement of learners. Read 00 and 01 first; 02 to 07 take one "
            "family of schedules each, best in order (03 builds on 02, 04 on 02 and 03, 05 on 04, 06 on 03 and "
            "04, 07 on 03 and 04); 08 and 09 are about the mistakes that bite "
            "in real training scripts; 10 is a playground for everything; 11 trains one model under every "
            "schedule to show what a schedule changes; 12 follows the schedule into transformers' Trainer and "
            "accelerate; 13 checks what you have learned.")


def stale(contents: dict) -> list[str]:
    """Everything out of date with contents.json, as sentences; empty when all is current."""
    found = []
    listed = {entry["file"] for entry in contents["notebooks"]}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        if path.name not in listed:
            found.append(f"{path.name} is not in notebooks/contents.json")
    for index, entry in enumerate(contents["notebooks"]):
        path = NOTEBOOKS / entry["file"]
        if not path.exists():
            found.append(f"{entry['file']} is listed but missing")
            continue
        notebook = nbformat.read(path, as_version=4)
        found += [f"{entry['file']}: {problem}" for problem in title_problems(notebook, entry)]
        _, renamed = with_section_names(nbformat.read(path, as_version=4), contents["headings"])
        found += [f"{entry['file']}: {old} does not name its section: make nav writes {new}" for old, new in renamed]
        current = [(c.cell_type, c.source) for c in notebook.cells]
        wanted = [(c.cell_type, c.source) for c in with_navigation(nbformat.read(path, as_version=4), contents, index).cells]
        in_place = (len(notebook.cells) > 3 and _tagged(notebook.cells[1], "nav-header")
                    and _tagged(notebook.cells[2], "colab-setup") and _tagged(notebook.cells[-1], "nav-footer"))
        if current != wanted or not in_place:
            found.append(f"{entry['file']}: navigation cells or times are out of date")
        if index == 0 and not any(_tagged(cell, "contents-map") for cell in notebook.cells):
            found.append(f"{entry['file']}: no cell tagged 'contents-map' holds the map of the collection")
    readme = README.read_text()
    if f"{START}\n{readme_table(contents)}\n{END}" not in readme:
        found.append("README.md: the table of contents is out of date")
    return found


def write(contents: dict) -> None:
    for index, entry in enumerate(contents["notebooks"]):
        path = NOTEBOOKS / entry["file"]
        if path.exists():
            notebook = nbformat.read(path, as_version=4)
            for old, new in with_section_names(nbformat.read(path, as_version=4), contents["headings"])[1]:
                print(f"{entry['file']}: {old} -> {new}")
            nbformat.write(with_navigation(notebook, contents, index), path)
    readme = README.read_text()
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    README.write_text(f"{before}{START}\n{readme_table(contents)}\n{END}{after}")


def main() -> int:
    parser = argparse.ArgumentParser(description="Notebook navigation and README contents from notebooks/contents.json")
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    contents = load_contents()
    if not parser.parse_args().check:
        write(contents)
    problems = stale(contents)
    print("\n".join(problems) or "navigation and contents are up to date")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
