"""The README and the notebooks' navigation are written from their sources and stay current."""

import pathlib
import re
import sys

import lrlib
import nbformat

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
    page = (ROOT / "docs" / "errors.md").read_text()
    for schedule in lrlib.SCHEDULES.values():
        for relation in schedule.relations:
            assert " + ".join(relation.left) in page or f"{relation.left[0]}=" in page
        for group in schedule.alternatives:
            assert "neither was given" in page
    assert page.count("| `") >= 60


def test_help_of_get_scheduler_lists_every_schedule_and_its_arguments():
    text = lrlib.get_scheduler.__doc__
    for schedule in lrlib.SCHEDULES.values():
        assert f"    {schedule.name}: {schedule.summary}" in text
        for param in schedule.params:
            assert f"        {param.name}: {param.domain.text()}, " in text


def test_readme_names_the_two_commands_and_the_binder_link_opens_the_first_notebook():
    assert "| `make lab` |" in README and "| `make test` |" in README
    assert "urlpath=lab/tree/notebooks/00_start_here.ipynb" in README


def test_readme_example_prints_what_it_says():
    lrs = lrlib.lr_curve("cosine", 1950, lr=1e-3, num_warmup_steps=100, num_training_steps=1950)
    shown = re.search(r"# \((.*?)\): warmup from 0", README).group(1)
    assert shown == f"{lrs[0]}, {lrs[100]}, {lrs[1949]:.1e}"
