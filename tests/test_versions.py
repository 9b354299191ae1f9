"""Every version the project's text names is read from where it is declared (tools/versions.py):
the lock for the tested set, pyproject.toml for the transformers range's ends and the oldest Python."""

import json
import pathlib
import re
import subprocess
import sys
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import binder_requirements  # noqa: E402
import versions  # noqa: E402

TOOL = [sys.executable, str(ROOT / "tools" / "versions.py")]


def bumped(version):
    """Another version of the same length: the last part plus one."""
    *head, last = version.split(".")
    return ".".join([*head, str(int(last) + 1)])


def test_no_mention_in_the_projects_text_names_another_version_than_the_declared_one():
    stale = versions.scan()
    assert not stale, "run python tools/versions.py --write:\n" + "\n".join(map(str, stale))


def test_the_check_command_passes_on_the_repository_and_names_each_stale_mention(tmp_path):
    assert subprocess.run([*TOOL, "--check"], capture_output=True, text=True).returncode == 0
    (tmp_path / "docs").mkdir()
    torch_now = versions.LOCK["torch"]
    (tmp_path / "docs" / "page.md").write_text(f"intro\nruns on torch\n{bumped(torch_now)} and torch {torch_now}\n")
    stale = versions.scan(tmp_path)
    assert [(m.path, m.line, m.wanted) for m in stale] == [("docs/page.md", 2, f"torch\n{torch_now}")]


def test_write_keeps_each_mentions_precision_and_leaves_the_rest_of_the_file_alone(tmp_path):
    lock = versions.LOCK
    old = {name: bumped(lock[name]) for name in ("transformers", "accelerate")}
    text = (f"In transformers {versions.short(old['transformers'])} and Accelerate {old['accelerate']}, "
            f"PyTorch 1.1 and torch {lock['torch']} (the rest: unchanged)\n")
    (tmp_path / "README.md").write_text(text)
    versions.scan(tmp_path, write=True)
    assert (tmp_path / "README.md").read_text() == (
        f"In transformers {versions.short(lock['transformers'])} and Accelerate {lock['accelerate']}, "
        f"PyTorch 1.1 and torch {lock['torch']} (the rest: unchanged)\n")
    assert versions.scan(tmp_path) == []


def test_the_ends_of_the_transformers_range_are_mentioned_by_role():
    lowest, newest = versions.TRANSFORMERS_LOWEST, versions.TRANSFORMERS_NEWEST
    text = (f"transformers {lowest} (lowest), transformers {versions.short(newest)} (newest tested), "
            f"transformers {versions.LOCK['transformers']}")
    assert versions._fixed(text, {**versions.LOCK, **versions.DECLARED}) == []
    swapped = f"transformers {newest} (lowest)"
    ((_, wanted, _),) = versions._fixed(swapped, {**versions.LOCK, **versions.DECLARED})
    assert wanted == f"transformers {lowest} (lowest)"


def test_a_python_mention_names_the_oldest_python_pyproject_accepts():
    oldest = versions.DECLARED["python"]  # mentions built here, so that the scan of this file sees none
    newer = f"3.{int(oldest.split('.')[1]) + 1}"
    declared = {**versions.LOCK, **versions.DECLARED, "python": newer}
    ((_, wanted, _),) = versions._fixed(f"Linux, Python {oldest} or newer, and make", declared)
    assert wanted == f"Python {newer}"
    assert versions._fixed(f"python {newer}", declared) == []
    assert versions.read_declared('[project]\nrequires-python = ">= 3.13"\n'
                                  '[project.optional-dependencies]\ncourse = ["transformers>=5.4.0,<6"]\n'
                                  '[tool.lrlib]\ntransformers-newest-tested = "5.24.0"\n')["python"] == "3.13"
    with pytest.raises(SystemExit, match="requires-python"):
        versions.read_declared('[project]\nrequires-python = "~=3.11"\n')


def test_write_rewrites_a_notebooks_cell_sources_but_not_its_outputs(tmp_path):
    lock = versions.LOCK["transformers"]
    old = bumped(lock)
    notebook = {"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [
        {"name": "stdout", "output_type": "stream", "text": [f"transformers {old}\n"]}],
        "source": ["# “written” for transformers " + old + "\n", "print(1)"]},
        {"cell_type": "markdown", "metadata": {}, "source": f"transformers {old}"}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "notebooks" / "00_x.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    lines = path.read_text().splitlines()
    sources = [number for number, line in enumerate(lines, 1) if "written" in line or '"source": "' in line]
    assert len(sources) == 2
    assert [(m.path, m.line) for m in versions.scan(tmp_path)] == [("notebooks/00_x.ipynb", n) for n in sources]
    versions.scan(tmp_path, write=True)
    notebook["cells"][0]["source"][0] = "# “written” for transformers " + lock + "\n"
    notebook["cells"][1]["source"] = f"transformers {lock}"
    assert path.read_text() == json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def test_write_refuses_to_move_a_source_link_until_its_anchors_are_accepted(tmp_path, monkeypatch, capsys):
    lock = versions.LOCK["transformers"]
    link = "https://github.com/huggingface/transformers/blob/v{}/src/transformers/optimization.py#L104"
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "claims.md"
    page.write_text(f"[source]({link.format(bumped(lock))}) of transformers {bumped(lock)}\n")
    monkeypatch.setattr(versions, "ROOT", tmp_path)
    assert versions.main(["--write"]) == 1
    said = capsys.readouterr().out
    assert f"not rewritten: docs/claims.md:1: '{link.format(bumped(lock))[8:].split('/src')[0]}/'" in said
    assert "re-check each anchor at the new version, then run python tools/versions.py --write --accept-links" in said
    assert page.read_text() == f"[source]({link.format(bumped(lock))}) of transformers {lock}\n"
    assert versions.main(["--check"]) == 1
    assert versions.main(["--write", "--accept-links"]) == 0
    assert page.read_text() == f"[source]({link.format(lock)}) of transformers {lock}\n"
    assert versions.main(["--check"]) == 0


def test_the_command_line_prints_a_declared_version_and_refuses_an_unknown_name():
    run = subprocess.run([*TOOL, "transformers-newest"], capture_output=True, text=True)
    assert run.stdout.strip() == versions.TRANSFORMERS_NEWEST
    run = subprocess.run([*TOOL, "no-such-package"], capture_output=True, text=True)
    assert run.returncode == 2 and "no version named 'no-such-package'" in run.stderr
    run = subprocess.run([*TOOL, "--chek"], capture_output=True, text=True)
    assert run.returncode == 2 and "--check" in run.stderr


def test_the_lock_holds_the_transformers_the_range_and_its_newest_tested_release_bracket():
    def key(version):
        return tuple(int(part) for part in version.split("."))
    assert key(versions.TRANSFORMERS_LOWEST) <= key(versions.LOCK["transformers"]) <= key(versions.TRANSFORMERS_NEWEST)


def test_the_lock_is_pip_compiles_output_for_every_requirement_pyproject_declares():
    text = (ROOT / "requirements.lock").read_text()
    assert "by the following command:\n#\n#    make lock\n" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {binder_requirements.normal(re.match(r"[A-Za-z0-9._-]+", line).group(0))
                for group in [project["dependencies"], *project["optional-dependencies"].values()] for line in group}
    direct = {name for name, (_, parents) in binder_requirements.parse_lock(text).items() if "lrlib (pyproject.toml)" in parents}
    assert direct == declared, "pyproject.toml and requirements.lock differ: run make lock"
    constrained = (ROOT / "lock-constraints.txt").read_text()
    assert versions.read_lock(constrained).items() <= versions.LOCK.items()


def test_the_lock_holds_no_local_version_label_that_pypi_lacks():
    labelled = [line for line in (ROOT / "requirements.lock").read_text().splitlines() if re.match(r"^\S+==\S*\+", line)]
    assert labelled == []

