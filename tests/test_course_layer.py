"""The course (lrlib.course: exercise checks, answers, experiments) is a layer on top of the library:
no module of the core imports it, `import lrlib` loads none of it nor its packages, and none of its
names is among lrlib's public names."""

import ast
import json
import pathlib
import subprocess
import sys

import pytest

import lrlib
from lrlib import course

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lrlib"
COURSE = PACKAGE / "course"
CORE_MODULES = sorted(path for path in PACKAGE.rglob("*.py") if COURSE not in path.parents)
# What only the course needs (matplotlib and ipywidgets: until a plotting or widget name is used).
COURSE_PACKAGES = ("sklearn", "scipy", "tqdm")
PLOTTING_PACKAGES = ("matplotlib", "ipywidgets")


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def course_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every import in ``source`` (the code of module ``module``) that reaches lrlib.course, absolute
    or relative, as the absolute name it resolves to."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            origin = ".".join(base + ([node.module] if node.module else []))
            names = [origin] + [f"{origin}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [name for name in names if name == "lrlib.course" or name.startswith("lrlib.course.")]
    return sorted(set(found))


@pytest.mark.parametrize("source,module,is_package", [
    ("from . import course", "lrlib", True),
    ("from .course import check", "lrlib", True),
    ("from .course.answers import nb03", "lrlib.plot", False),
    ("from ..course import outcomes", "lrlib.sub.module", False),
    ("import lrlib.course.experiments", "lrlib.plot", False),
    ("from lrlib import course", "lrlib.plot", False),
    ("def later():\n    from lrlib.course.exercises import check", "lrlib.plot", False),
])
def test_the_import_finder_sees_every_way_to_import_the_course(source, module, is_package):
    assert course_imports(source, module, is_package), source


def test_the_import_finder_leaves_other_imports_alone():
    source = "from . import plot\nfrom .scheduler import lr_curve\nimport lrlib.coursework\nfrom lrlib import courses"
    assert course_imports(source, "lrlib", is_package=True) == []


@pytest.mark.parametrize("path", CORE_MODULES, ids=[str(p.relative_to(PACKAGE)) for p in CORE_MODULES])
def test_no_module_of_the_core_imports_the_course(path):
    found = course_imports(path.read_text(), _module_name(path), is_package=path.name == "__init__.py")
    assert found == [], f"{path.relative_to(ROOT)} imports {found}: the core never imports lrlib.course"


def test_the_core_is_every_module_outside_the_course():
    names = {_module_name(path) for path in CORE_MODULES}
    assert {"lrlib", "lrlib.scheduler", "lrlib.plot"} <= names
    assert not any(name.startswith("lrlib.course") for name in names)
    assert (COURSE / "exercises.py").exists() and (COURSE / "answers" / "nb03.py").exists()


def _loaded_in_a_fresh_interpreter() -> tuple[set, list, list]:
    """The modules loaded by numpy and torch, then after `import lrlib`, then after touching each public name:
    top-level names, and every lrlib submodule."""
    code = ("import json, sys\n"
            "def loaded():\n"
            "    return sorted({name.split('.')[0] for name in sys.modules} | "
            "{name for name in sys.modules if name.startswith('lrlib.')})\n"
            "import numpy, torch\n"
            "baseline = loaded()\n"
            "import lrlib\n"
            "after_import = loaded()\n"
            "for name in lrlib.__all__:\n"
            "    getattr(lrlib, name)\n"
            "print(json.dumps([baseline, after_import, loaded()]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    baseline, imported, touched = json.loads(result.stdout)
    return set(baseline), imported, touched


@pytest.mark.environment
def test_import_lrlib_and_every_public_name_load_nothing_of_the_course_and_import_loads_no_heavy_library():
    # torch loads tqdm itself (torch.hub): only what lrlib adds to what numpy and torch load counts
    baseline, imported, touched = _loaded_in_a_fresh_interpreter()
    for loaded in (imported, touched):
        assert not [name for name in loaded if name.startswith("lrlib.course")]
        assert not (set(COURSE_PACKAGES) - baseline) & set(loaded), sorted(set(COURSE_PACKAGES) & set(loaded))
    heavy = set(PLOTTING_PACKAGES) | {"IPython", "transformers", "accelerate", "sklearn"}  # loaded when first used
    assert not heavy & set(imported), sorted(heavy & set(imported))


def test_no_name_of_the_course_is_a_public_name_of_lrlib():
    names = set(course.__all__) | set(course.experiments.__all__) | set(course.outcomes.__all__)
    assert {"check", "predicted", "Feedback", "train_digits"} <= names
    assert not names & set(lrlib.__all__)
    assert "course" not in lrlib.__all__
