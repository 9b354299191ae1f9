"""Working on the collection: one notebook re-executed on its own, notebooks stored without run-to-run
noise (so diffs stay reviewable), and one command that checks every generated file is current."""

import copy
import os
import pathlib
import re
import runpy
import shutil
import subprocess
import sys
import uuid

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import normalize_notebooks  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NUMBERS = [path.name[:2] for path in NOTEBOOKS]
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make(*args, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    # -o: take the environment as installed, so that no test here ever runs pip
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


# ---------------------------------------------------------------- stored notebooks: no run-to-run noise


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_committed_notebook_is_normalized(path):
    stored = path.read_text(encoding="utf-8")
    wanted = normalize_notebooks.text(normalize_notebooks.normalized(nbformat.reads(stored, as_version=4), path.stem))
    assert stored == wanted, f"{path.name} holds run-to-run noise: make execute NB={path.name[:2]} (or python tools/normalize_notebooks.py {path.relative_to(ROOT)})"


def _run_of(explorer_id: str, layout_id: str, left_over_id: str) -> nbformat.NotebookNode:
    """A notebook as nbconvert leaves it after a run: per-cell timings, the kernel's Python version, and
    saved widget state under that run's random model ids (one model displayed by no output)."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"},
                         "colab": {"provenance": []}}
    timing = {"iopub.execute_input": str(uuid.uuid4()), "shell.execute_reply": str(uuid.uuid4())}
    shown = nbformat.v4.new_code_cell("lrlib.explore()", execution_count=1,
                                      metadata={"execution": timing, "tags": ["check"], "id": "colab-cell-id"})
    shown.outputs = [nbformat.v4.new_output("display_data", data={
        normalize_notebooks.WIDGET_VIEW: {"model_id": explorer_id, "version_major": 2, "version_minor": 0},
        "text/plain": "the explorer"})]
    plain = nbformat.v4.new_code_cell("1 + 1", execution_count=2, metadata={"execution": timing})
    plain.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=2)]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Title", metadata={"tags": ["nav-header"]}), shown, plain]
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"  # a cell's id is the notebook's own: a run keeps it
    state = {
        explorer_id: {"model_name": "VBoxModel", "state": {"children": [], "layout": f"IPY_MODEL_{layout_id}"}},
        layout_id: {"model_name": "LayoutModel", "state": {"width": "100px"}},
        left_over_id: {"model_name": "LayoutModel", "state": {}},
    }
    notebook.metadata["widgets"] = {normalize_notebooks.WIDGET_STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return notebook


def test_normalizing_keeps_what_an_author_sets_and_drops_what_a_run_sets():
    notebook = normalize_notebooks.normalized(_run_of(*(uuid.uuid4().hex for _ in range(3))), "05_restarts")
    shown, plain = notebook.cells[1], notebook.cells[2]
    assert shown.metadata == {"tags": ["check"]} and plain.metadata == {}
    assert notebook.cells[0].metadata == {"tags": ["nav-header"]}
    assert notebook.metadata["language_info"] == {"name": "python"}
    assert notebook.metadata["kernelspec"]["name"] == "python3" and "colab" not in notebook.metadata
    assert [o.data["text/plain"] for o in plain.outputs] == ["2"] and plain.execution_count == 2


def test_normalized_widget_state_is_the_same_after_every_run_and_holds_only_what_is_displayed():
    first, second = (normalize_notebooks.normalized(_run_of(*(uuid.uuid4().hex for _ in range(3))), "05_restarts")
                     for _ in range(2))
    assert normalize_notebooks.text(first) == normalize_notebooks.text(second)
    state = first.metadata["widgets"][normalize_notebooks.WIDGET_STATE]["state"]
    explorer = first.cells[1].outputs[0].data[normalize_notebooks.WIDGET_VIEW]["model_id"]
    layout = state[explorer]["state"]["layout"].removeprefix("IPY_MODEL_")
    assert sorted(state) == sorted([explorer, layout]), "the model no output displays is gone"
    assert state[layout]["state"] == {"width": "100px"}
    other = normalize_notebooks.normalized(_run_of(*(uuid.uuid4().hex for _ in range(3))), "06_polynomial")
    assert other.cells[1].outputs[0].data[normalize_notebooks.WIDGET_VIEW]["model_id"] != explorer


def test_normalizing_twice_changes_nothing_and_a_notebook_without_widgets_keeps_no_state():
    notebook = _run_of(*(uuid.uuid4().hex for _ in range(3)))
    once = normalize_notebooks.normalized(notebook, "05_restarts")
    assert normalize_notebooks.text(normalize_notebooks.normalized(once, "05_restarts")) == normalize_notebooks.text(once)
    assert notebook.cells[1].metadata["execution"], "the notebook given is left as it was"
    without = copy.deepcopy(notebook)
    without.cells = without.cells[2:]
    assert "widgets" not in normalize_notebooks.normalized(without, "05_restarts").metadata


def test_normalize_check_names_each_stale_notebook_and_rewriting_fixes_it(tmp_path, capsys):
    path = tmp_path / "05_restarts.ipynb"
    nbformat.write(_run_of(*(uuid.uuid4().hex for _ in range(3))), path)
    # in this process: a fresh interpreter costs seconds of importing nbformat; main() is the command's exit status
    assert normalize_notebooks.main(["--check", str(path)]) == 1 and f"{path} is not normalized" in capsys.readouterr().out
    assert normalize_notebooks.main([str(path)]) == 0 and f"normalized {path}" in capsys.readouterr().out
    assert normalize_notebooks.main(["--check", str(path)]) == 0
    with pytest.raises(SystemExit) as missing:
        normalize_notebooks.main([str(tmp_path / "99_none.ipynb")])
    error = capsys.readouterr().err
    assert missing.value.code == 2 and "no such notebook" in error and "99_none.ipynb" in error


# ---------------------------------------------------------------- make execute NB=..


def _executed(plan: str) -> list[str]:
    loop = re.search(r"for nb in ([^;]*);", plan)
    assert loop, plan
    return loop.group(1).split()


@needs_make
def test_make_execute_nb_runs_that_notebook_alone_and_normalizes_it():
    plan = make("-n", "execute", f"NB={NUMBERS[5]}").stdout
    assert _executed(plan) == [NOTEBOOKS[5].name]
    assert "tools/navigation.py" in plan and "nbconvert --to notebook --execute --inplace" in plan
    assert "tools/normalize_notebooks.py" in plan
    assert _executed(make("-n", "execute", f"NB={int(NUMBERS[5])}").stdout) == [NOTEBOOKS[5].name]
    assert _executed(make("-n", "execute", f"NB={NUMBERS[3]} {NUMBERS[5]}").stdout) == [NOTEBOOKS[3].name, NOTEBOOKS[5].name]


@needs_make
def test_make_execute_without_nb_runs_every_notebook():
    assert _executed(make("-n", "execute").stdout) == [path.name for path in NOTEBOOKS]
    assert _executed(make("-n", "execute", "NB=all").stdout) == [path.name for path in NOTEBOOKS]


@needs_make
@pytest.mark.parametrize("nb", ["99", "5x", "%"])
def test_make_execute_names_nb_and_the_choices_when_no_notebook_matches(nb):
    result = make("-n", "execute", f"NB={nb}")
    assert result.returncode != 0 and "nbconvert" not in result.stdout
    assert f"make execute NB={nb}: no notebook numbered" in result.stderr
    assert f"NB is one of: {' '.join(NUMBERS)}" in result.stderr


@needs_make
@pytest.mark.slow
def test_make_execute_nb_00_on_a_copy_reproduces_the_committed_notebook(tmp_path):
    """Re-running an unedited notebook changes nothing but, perhaps, its pictures' bytes (which depend
    on the machine and which nbval does not compare either)."""
    if not (ROOT / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("needs the installed environment (make .venv/.installed)")
    for part in ("Makefile", "README.md", "notebooks", "tools"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(ROOT / part, tmp_path / part)
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    result = make("execute", "NB=00", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    def without_pictures(path):
        return re.sub(r'"image/png": "[^"]*"', '"image/png": "…"', path.read_text(encoding="utf-8"))

    for path in NOTEBOOKS:
        assert without_pictures(tmp_path / "notebooks" / path.name) == without_pictures(path), path.name


# ---------------------------------------------------------------- make check-generated


def _checks() -> list[str]:
    plan = make("-n", "check-generated").stdout
    return re.findall(r"tools/\w+\.py", re.search(r"for tool in ([^;]*);", plan).group(1))


@needs_make
def test_make_check_generated_runs_every_tool_that_has_a_check_mode():
    commands = {path: path.read_text() for path in (ROOT / "tools").glob("*.py")}
    with_check = sorted(f"tools/{path.name}" for path, text in commands.items()
                        if "--check" in text and 'if __name__ == "__main__":' in text)  # a command, not a module of them
    assert sorted(_checks()) == with_check


@needs_make
def test_make_check_generated_runs_every_check_and_fails_naming_the_stale_ones(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "tools").mkdir()
    for name, code in (("stale.py", 1), ("current.py", 0), ("also_stale.py", 1)):
        (tmp_path / "tools" / name).write_text(f"import sys\nprint('{name} ran with', sys.argv[1:])\nsys.exit({code})\n")
    checks = "GENERATED_CHECKS=tools/stale.py tools/current.py tools/also_stale.py"
    result = make("check-generated", checks, "PYTHON=" + sys.executable, cwd=tmp_path)
    assert result.returncode != 0
    for name in ("stale.py", "current.py", "also_stale.py"):
        assert f"{name} ran with ['--check']" in result.stdout
    assert "make check-generated: FAILED: tools/stale.py tools/also_stale.py" in result.stdout
    passing = make("check-generated", "GENERATED_CHECKS=tools/current.py", "PYTHON=" + sys.executable, cwd=tmp_path)
    assert passing.returncode == 0, passing.stdout


@needs_make
def test_every_generated_file_is_current(monkeypatch, capsys):
    """Each command make check-generated runs (the test above checks its loop with stand-ins), run in this
    process as `python tools/X.py --check` runs it: one interpreter, not one per tool."""
    stale = []
    for tool in _checks():
        monkeypatch.setattr(sys, "argv", [tool, "--check"])
        try:
            runpy.run_path(str(ROOT / tool), run_name="__main__")
            code = 0
        except SystemExit as exit:
            code = exit.code or 0
        printed = capsys.readouterr().out
        if code != 0:
            stale.append(f"{tool}: {printed[-1500:]}")
    assert not stale, "\n".join(stale)


# ---------------------------------------------------------------- CONTRIBUTING.md names only what exists

PATH_LIKE = re.compile(r"^(?:\.?[\w.-]+/)+[\w.*<>-]*/?$|^[\w-]+\.(?:md|py|toml|lock|txt|json|yml|ipynb)$|^Makefile$")


def named_commands_and_paths(text: str) -> tuple[set[str], set[str]]:
    """The make targets (``make X``) and the repository paths a page names in its code (inline code
    spans and fenced blocks) and its links. A path may hold ``NN`` for a notebook's number and
    ``name`` for any name (``notebooks/NN_name.ipynb``)."""
    fence = r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```"  # a fenced block, indented in a list item or not
    blocks = re.findall(fence, text, re.M | re.S)
    spans = re.findall(r"`([^`]+)`", re.sub(fence, "", text, flags=re.M | re.S))
    code = [line for block in blocks for line in block.splitlines()] + spans
    targets = {match for piece in code for match in re.findall(r"(?:^|[\s;&(])make ([a-z.][\w./-]*)", piece)}
    paths = set()
    for piece in code:
        for word in piece.split():
            word = word.strip("'\",;:()").split("::")[0].split("#")[0]
            if (PATH_LIKE.match(word) and "://" not in word and "..." not in word
                    and not word.startswith(("-", "~", "/", ".venv/", "my_notebooks"))):  # those two make creates
                paths.add(word)
    for link in re.findall(r"\]\(([^)\s]+)\)", text):
        if "://" not in link and not link.startswith(("#", "mailto:")):
            paths.add(link.split("#")[0])
    return targets, paths


def missing_targets_and_paths(text: str, root: pathlib.Path) -> list[str]:
    """What a page names that does not exist: each ``make X`` without a rule, each path found neither
    from the root nor in a folder one or two levels below it (a table row names its folder's files), and
    each path under build/ whose folder there (build/slides/) the Makefile never names: make writes them."""
    makefile = (root / "Makefile").read_text()
    targets, paths = named_commands_and_paths(text)
    missing = [f"make {t}" for t in sorted(targets) if not re.search(rf"^{re.escape(t)}\s*:", makefile, re.M)]
    for path in sorted(paths):
        if path.startswith("build/"):
            if "/".join(path.split("/")[:2]) not in makefile:
                missing.append(path)
            continue
        pattern = re.sub(r"(?<![a-z])name(?![a-z])", "*", path.replace("NN", "[0-9][0-9]")).rstrip("/")
        if not any(found for where in ("", "[!.]*/", "[!.]*/[!.]*/") for found in root.glob(where + pattern)):
            missing.append(path)
    return missing


def test_every_make_target_and_path_the_contributors_guide_names_exists():
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    targets, paths = named_commands_and_paths(guide)
    assert {"unit", "test", "execute", "nav", "check-generated"} <= targets, targets
    assert {"docs/claims.md", "docs/maintaining.md"} <= paths, paths
    assert missing_targets_and_paths(guide, ROOT) == []


def test_the_guide_check_finds_a_target_and_a_path_that_do_not_exist():
    page = ("Run `make unit`, then `make no-such-target`.\n\n   ```bash\n   make execute NB=05\n"
            "   .venv/bin/python tools/no_such_tool.py --check\n   ```\nEdit `notebooks/NN_name.ipynb`, `answers/nbNN.py`\n"
            "and `lrlib/nowhere/`, `build/nowhere/index.html`, not `notebooks/NN_nothing.ipynb` (see `.../blob/vX.Y.Z/...#L1`).\n"
            "[The guide](docs/maintaining.md#two-commands), [gone](docs/gone.md), [web](https://example.org/a.md).\n")
    assert named_commands_and_paths(page)[0] == {"unit", "no-such-target", "execute"}
    assert missing_targets_and_paths(page, ROOT) == [
        "make no-such-target", "build/nowhere/index.html", "docs/gone.md", "lrlib/nowhere/", "notebooks/NN_nothing.ipynb",
        "tools/no_such_tool.py"]
