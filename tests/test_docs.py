"""The README and the notebooks' navigation are written from their sources and stay current."""

import json
import pathlib
import re
import shutil
import subprocess
import sys

import lrlib
import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import navigation  # noqa: E402
import schedule_table  # noqa: E402

README = (ROOT / "README.md").read_text()


def test_every_notebook_has_a_header_and_navigation_matching_the_table_of_contents():
    assert navigation.stale(navigation.load_contents()) == []


def test_every_listed_notebook_links_to_binder_at_itself():
    contents = navigation.load_contents()
    for index, entry in enumerate(contents["notebooks"]):
        header = navigation.header_text(contents, index)
        assert f"urlpath=lab/tree/notebooks/{entry['file']})" in header


def test_every_listed_notebook_opens_in_colab_at_itself_after_a_set_up_cell_that_is_silent_elsewhere():
    contents = navigation.load_contents()
    for index, entry in enumerate(contents["notebooks"]):
        header = navigation.header_text(contents, index)
        assert f"colab.research.google.com/github/{contents['binder_repository']}/blob/{contents['branch']}/notebooks/{entry['file']})" in header
        notebook = nbformat.read(ROOT / "notebooks" / entry["file"], as_version=4)
        setup = notebook.cells[2]
        assert setup.cell_type == "code" and "colab-setup" in setup.metadata.tags
        assert setup.source == navigation.colab_setup_source(contents) and setup.outputs == []
    source = navigation.colab_setup_source(contents)
    assert 'lrlib[course] @ {source}' in source and "torch==" in source and "LRLIB_SOURCE" in source
    assert f"git+https://github.com/{contents['binder_repository']}@{contents['branch']}" in source


def test_readme_schedule_table_is_written_from_the_registry():
    assert schedule_table.block() in README
    for name in lrlib.SCHEDULE_NAMES:
        assert f"| `{name}` |" in README
    for schedule in lrlib.SCHEDULES.values():
        for param in schedule.params:
            assert f"`{param.name}`: {param.domain.text()}" in README


def test_docs_errors_page_is_written_from_the_registry_and_current():
    assert (ROOT / "docs" / "errors.md").read_text() == schedule_table.errors_page()


def test_docs_errors_page_has_a_row_for_every_declared_rule():
    """Each relation and each set of alternatives of a schedule has a row of that schedule where
    lrlib refuses the input by naming the arguments of that rule."""
    page = (ROOT / "docs" / "errors.md").read_text()
    for schedule in lrlib.SCHEDULES.values():
        rows = [line.split(" | ") for line in page.splitlines() if line.startswith(f"| `{schedule.name}`,")]
        said = [lrlib_says for _, lrlib_says, _ in rows]
        for relation in schedule.relations:
            left = " + ".join(relation.left) if len(relation.left) > 1 else f"{relation.left[0]}="
            assert any(text.startswith("ValueError") and left in text and f"{relation.right}=" in text for text in said), (
                f"no row of {schedule.name} breaks {relation.text()}")
        for group in schedule.alternatives:
            named = [text for text in said if all(name in text for name in group.names)]
            assert any("neither was given" in text for text in named), f"no row of {schedule.name} leaves out {group.text()}"
            if group.exactly:
                assert any(all(f"'{name}'" in label for name in group.names) and "exactly one" in text
                           for label, text, _ in rows), f"no row of {schedule.name} gives all of {group.text()}"


def test_help_of_get_scheduler_lists_every_schedule_and_its_arguments():
    text = lrlib.get_scheduler.__doc__
    for schedule in lrlib.SCHEDULES.values():
        assert f"    {schedule.name}: {schedule.summary}" in text
        for param in schedule.params:
            assert f"        {param.name}: {param.domain.text()}, " in text


def _sections(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, re.M)


def test_readme_is_the_learners_page_first_and_sends_maintainers_to_docs():
    sections = _sections(README)
    learner = ["Start, in one of three ways", "What to open", "How the exercises work", "Start a notebook over", "Contents"]
    assert sections[:len(learner)] == learner, sections
    start = README[:README.index("## Contents")]
    assert "urlpath=lab/tree/notebooks/00_start_here.ipynb" in start and "colab.research.google.com" in start
    for said in ("make lab", "my_notebooks/", "several minutes", "Ctrl-C", "make fresh NB=05", "make fresh NB=all",
                 "00_start_here.ipynb?token=", "Predict first", "even when your prediction was wrong"):
        assert said in start, said
    for maintainers in ("make test", "benchmark", "ATEN_CPU_CAPABILITY", "requirements.lock", "peak MB"):
        assert maintainers not in start, maintainers
    assert "[docs/maintaining.md](docs/maintaining.md)" in README


def test_every_make_target_the_pages_name_exists():
    makefile = (ROOT / "Makefile").read_text()
    for page in (README, (ROOT / "docs" / "maintaining.md").read_text()):
        for target in set(re.findall(r"`make ([a-z][a-z-]*)", page)):
            assert re.search(rf"^{target}:", makefile, re.M), f"make {target} is named but the Makefile has no such target"


def test_maintaining_page_holds_what_left_the_readme():
    page = (ROOT / "docs" / "maintaining.md").read_text()
    for heading in ("Two commands", "Which versions are tested", "Speed, measured", "Run it elsewhere",
                    "Exercises, and the instructor's copy", "Run-time budgets", "Links to headings"):
        assert heading in _sections(page), heading
    assert "| `make lab` |" in page and "| `make test` |" in page
    assert "| notebook | seconds | budget | peak MB | budget | within |" in page
    assert "### How long it takes" in page  # the README's contents link to it
    assert "docs/maintaining.md#how-long-it-takes" in README


def test_readme_example_prints_what_it_says():
    lrs = lrlib.lr_curve("cosine", 1950, lr=1e-3, num_warmup_steps=100, num_training_steps=1950)
    shown = re.search(r"# \((.*?)\): warmup from 0", README).group(1)
    assert shown == f"{lrs[0]}, {lrs[100]}, {lrs[1949]:.1e}"


# ---------------------------------------------------------------- tools/navigation.py, run on copies (never on notebooks/)


def run_navigation(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    """tools/navigation.py copied into ``root``/tools and run there: it reads and writes ``root`` only."""
    (root / "tools").mkdir(exist_ok=True)
    for tool in ("navigation.py", "study_time.py"):
        shutil.copy(ROOT / "tools" / tool, root / "tools" / tool)
    return subprocess.run([sys.executable, str(root / "tools" / "navigation.py"), *args], cwd=root,
                          capture_output=True, text=True)


@pytest.fixture
def navigation_at(monkeypatch, capsys):
    """Run navigation.py's main() in this process on a copy at ``root`` (quicker than a new interpreter)."""
    def run(root: pathlib.Path, *args: str) -> tuple[int, str]:
        monkeypatch.setattr(navigation, "NOTEBOOKS", root / "notebooks")
        monkeypatch.setattr(navigation, "README", root / "README.md")
        monkeypatch.setattr(sys, "argv", ["navigation.py", *args])
        code = navigation.main()
        return code, capsys.readouterr().out
    return run


def _cell(kind, source, *tags):
    make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
    return make(source, metadata={"tags": list(tags)})


def _title(number, title):
    return _cell("md", f"# {number} · {title}\n\n**What you will learn**\n\n- a thing\n\n**Time:** ~1 min\n\n"
                       "**Prerequisites:** none.")


@pytest.fixture
def small_collection(tmp_path):
    """Three notebooks, 00 to 02, whose prose links to headings of each other."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    files = ["00_start.ipynb", "01_middle.ipynb", "02_last.ipynb"]
    (notebooks / "contents.json").write_text(json.dumps({
        "binder_repository": "someone/course", "branch": "main",
        "notebooks": [{"file": f, "title": f[3:-6].title(), "learn": "things"} for f in files]}))
    cells = {
        "00_start.ipynb": [_title("00", "Start"), _cell("md", "## The map\n\n(written)", "contents-map"),
                           _cell("md", "| claim | where |\n|---|---|\n| a | [02](02_last.ipynb#Three-tools) |")],
        "01_middle.ipynb": [_title("01", "Middle"), _cell("md", "## Pitfalls\n\nSee [below](#Pitfalls).")],
        "02_last.ipynb": [_title("02", "Last"), _cell("md", "## Three tools\n\nTools."),
                          _cell("md", "## Pitfall 4: several `processes`\n\nText."),
                          _cell("md", "As [notebook 01](01_middle.ipynb#Pitfalls) says, and "
                                      "[pitfall 4 of notebook 02](02_last.ipynb#Pitfall-4:-several-processes); "
                                      "[a whole notebook](01_middle.ipynb).\n\n```\n[kept](01_middle.ipynb#Pitfalls)\n```")],
    }
    for name, notebook_cells in cells.items():
        nbformat.write(nbformat.v4.new_notebook(cells=notebook_cells), notebooks / name)
    (tmp_path / "README.md").write_text("# Course\n\n<!-- contents:start -->\n<!-- contents:end -->\n")
    return tmp_path


def _read(root, name):
    return nbformat.read(root / "notebooks" / name, as_version=4)


def _source(root, name, start):
    return next(c.source for c in _read(root, name).cells if c.source.startswith(start))


def test_navigation_numbers_each_notebook_by_its_own_number_and_links_only_what_exists(small_collection, navigation_at):
    root = small_collection
    code, written = navigation_at(root)
    assert code == 0, written
    headers = {name: _read(root, name).cells[1].source for name in ("00_start.ipynb", "01_middle.ipynb", "02_last.ipynb")}
    footers = {name: _read(root, name).cells[-1].source for name in headers}
    assert "notebook 00 of 00–02" in headers["00_start.ipynb"] and "notebook 02 of 00–02" in headers["02_last.ipynb"]
    assert "[the map](#The-map)" in headers["00_start.ipynb"] and "[contents](00_start.ipynb)" in headers["01_middle.ipynb"]
    assert footers["00_start.ipynb"] == "---\n[The map](#The-map) | [01 · Middle](01_middle.ipynb) →"
    assert footers["01_middle.ipynb"] == ("---\n← [00 · Start](00_start.ipynb) | [Contents](00_start.ipynb) | "
                                          "[02 · Last](02_last.ipynb) →")
    assert footers["02_last.ipynb"] == "---\n← [01 · Middle](01_middle.ipynb) | [Contents](00_start.ipynb)"
    before = {name: (root / "notebooks" / name).read_bytes() for name in headers}
    assert navigation_at(root) == (0, "navigation and contents are up to date\n")
    assert {name: (root / "notebooks" / name).read_bytes() for name in headers} == before, "a second run changed something"


@pytest.mark.environment
def test_the_command_make_nav_runs_reports_a_stale_collection_then_rewrites_it(small_collection):
    assert run_navigation(small_collection, "--check").returncode == 1
    result = run_navigation(small_collection)
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_navigation(small_collection, "--check").returncode == 0


def test_navigation_makes_each_link_to_another_notebooks_heading_name_the_section(small_collection, navigation_at):
    root = small_collection
    code, check = navigation_at(root, "--check")
    assert code == 1 and ("02_last.ipynb: [notebook 01](01_middle.ipynb#Pitfalls) does not name its section: make nav "
                          "writes [notebook 01, section “Pitfalls”](01_middle.ipynb#Pitfalls)") in check
    code, written = navigation_at(root)
    assert code == 0 and ("02_last.ipynb: [notebook 01](01_middle.ipynb#Pitfalls) -> "
                          "[notebook 01, section “Pitfalls”](01_middle.ipynb#Pitfalls)") in written
    prose = _source(root, "02_last.ipynb", "As [")
    assert prose == ("As [notebook 01, section “Pitfalls”](01_middle.ipynb#Pitfalls) says, and "  # named now
                     "[pitfall 4 of notebook 02](02_last.ipynb#Pitfall-4:-several-processes); "  # named by its label
                     "[a whole notebook](01_middle.ipynb).\n\n```\n[kept](01_middle.ipynb#Pitfalls)\n```")
    assert "[02, section “Three tools”](02_last.ipynb#Three-tools)" in _source(root, "00_start.ipynb", "| claim")
    assert _source(root, "01_middle.ipynb", "## Pitfalls") == "## Pitfalls\n\n*≈ 1 min*\n\nSee [below](#Pitfalls)."


def test_names_section_reads_the_heading_or_its_numbered_label():
    assert navigation.names_section("notebook 09, section “Three tools”", "Three tools")
    assert navigation.names_section("pitfall 4 of notebook 09", "Pitfall 4: several processes")
    assert navigation.names_section("`min_lr` is absolute", "`min_lr` is absolute")
    assert not navigation.names_section("notebook 09", "Three tools")
    assert not navigation.names_section("pitfall 14 of notebook 09", "Pitfall 4: several processes")
    assert not navigation.names_section("1", "Pitfall 1: constant ignores the warmup")


def test_navigation_on_a_copy_of_the_collection_leaves_no_dead_link_and_no_unnamed_section(tmp_path, navigation_at):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    code, output = navigation_at(tmp_path)
    assert code == 0, output[-3000:]
    contents = json.loads((tmp_path / "notebooks" / "contents.json").read_text())
    files = [entry["file"] for entry in contents["notebooks"]]
    every_heading = {name: navigation.headings(_read(tmp_path, name)) for name in files}
    for index, name in enumerate(files):
        notebook = _read(tmp_path, name)
        header, footer = notebook.cells[1].source, notebook.cells[-1].source
        assert f"notebook {name[:2]} of {files[0][:2]}–{files[-1][:2]}" in header
        assert not re.search(r"(^|\n)\s*\||\|\s*$|←\s*\||\|\s*→", footer), footer  # no stray separator or arrow
        for _, target in navigation.LINK.findall(header + "\n" + footer):
            if target.startswith("http"):
                continue
            file, _, anchor = target.partition("#")
            assert (file or name) in files and file != name, f"{name}: {target}"
            assert not anchor or anchor in every_heading[file or name], f"{name}: {target}"
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                for text, file, anchor in navigation.NOTEBOOK_LINK.findall(cell.source):
                    if file != name and anchor in every_heading.get(file, {}):
                        assert navigation.names_section(text, every_heading[file][anchor]), (name, text, anchor)
