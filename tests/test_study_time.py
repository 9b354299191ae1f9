"""The stated times come from counts, by the method docs/maintaining.md states ("How long it takes"), and stay current."""

import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import navigation  # noqa: E402
import study_time  # noqa: E402


def _notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def _md(source, *tags):
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": list(tags)})


def _code(source, *tags):
    return nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})


def test_words_leave_out_link_targets_html_tags_and_the_section_time_line():
    assert study_time.words("## Title\n\n*≈ 3 min*\n\nRead [the paper](https://arxiv.org/abs/1) <b>now</b>.") == 5


def test_a_section_counts_prose_code_cells_and_exercises_by_kind_and_skips_what_is_not_read():
    notebook = _notebook(
        _md("# 03 · linear\n\n" + "word " * 98), _md("nav", "nav-header"), _code("x", "colab-setup"),
        _md("## Idea\n\n" + "word " * 399), _code("a = 1"), _code("b = 2"),
        _md("**Exercise 1.** " + "word " * 10), _code("answer = ...", "exercise", "predict"),
        _md("<details>solution " + "word " * 500 + "</details>", "solution"), _code("plot()"),
        _code('course.check("03.x", answer)', "check"),
        _md("## Going further: more\n\n" + "word " * 199), _code("c = 3"),
        _md("## References\n\n" + "word " * 1000),
    )
    parts = {part.heading: part for part in study_time.sections(notebook)}
    assert parts["Start"].words == 100 and parts["Start"].code_cells == 0
    idea = parts["Idea"]
    assert (idea.words, idea.code_cells, idea.exercises) == (1 + 399 + 12, 3, ["predict"])
    assert idea.minutes == (412 / 200 + 3 * 0.25 + 2.0)
    core, optional = study_time.notebook_minutes(notebook)
    assert core == parts["Start"].minutes + idea.minutes + parts["References"].minutes
    assert parts["References"].words == 0
    assert optional == 202 / 200 + 0.25


def test_every_notebook_states_the_estimated_time_in_its_title_its_sections_and_the_contents():
    contents = navigation.load_contents()
    for index, entry in enumerate(contents["notebooks"]):
        notebook = nbformat.read(ROOT / "notebooks" / entry["file"], as_version=4)
        assert f"**Time:** ~{entry['minutes']} min" in notebook.cells[0].source, entry["file"]
        for part in study_time.sections(notebook)[1:]:
            if part.heading.startswith("References"):
                continue
            heading = next(c for c in notebook.cells if c.cell_type == "markdown"
                           and c.source.startswith(f"## {part.heading}"))
            assert f"*≈ {navigation.round_minutes(part.minutes)} min*" in heading.source, (entry["file"], part.heading)


def test_the_collection_fits_in_about_three_hours_and_01_in_half_an_hour():
    contents = navigation.load_contents()
    minutes = {entry["file"][:2]: entry["minutes"] for entry in contents["notebooks"]}
    assert sum(minutes.values()) <= 195, minutes  # 3 h 15 min at most
    assert minutes["01"] <= 32, minutes["01"]


def test_the_method_docs_maintaining_states_is_the_one_counted():
    page = (ROOT / "docs" / "maintaining.md").read_text()
    method = page[page.index("### How long it takes"):]
    assert f"prose at {study_time.WORDS_PER_MINUTE} words a minute" in method
    assert f"{study_time.MINUTES_PER_CODE_CELL * 60:g} seconds for each code cell" in method
    for kind, minutes in study_time.EXERCISE_MINUTES.items():
        shown = "a self-check question" if kind == "quiz" else kind
        assert re.search(rf"{shown},? {minutes:g}\b|{shown} {minutes:g} minutes", " ".join(method.split())), kind
