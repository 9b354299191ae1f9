"""Put one transformers release beside the installed environment, without touching it.

    python tools/transformers_at.py 5.5.0          # prints the folder to put on PYTHONPATH

The folder (.venv/transformers/<version>, reused when it is complete) holds transformers at that
version and, of its dependencies, only those the environment's installed versions do not satisfy
(an older release may need an older tokenizers or huggingface-hub), each installed with
`pip install --no-deps --target`. PYTHONPATH=<folder> then imports that release and those
dependencies first, and everything else (torch, numpy, lrlib) from the environment.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parents[1]
CACHE = ROOT / ".venv" / "transformers"


def _pip_target(folder: pathlib.Path, requirement: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-deps", "--upgrade", "--target", str(folder), requirement], check=True)


def _runtime_requirements(folder: pathlib.Path, name: str) -> list[Requirement]:
    """The requirements without extras of the distribution `name` installed in `folder`."""
    normal = name.lower().replace("-", "_")
    metadata = next(p for p in folder.glob("*.dist-info") if p.name.lower().startswith(normal + "-")) / "METADATA"
    environment = {**default_environment(), "extra": ""}
    requirements = []
    for line in metadata.read_text().splitlines():
        if line.startswith("Requires-Dist:"):
            requirement = Requirement(line.split(":", 1)[1].strip())
            if requirement.marker is None or requirement.marker.evaluate(environment):
                requirements.append(requirement)
    return requirements


def _satisfied(requirement: Requirement) -> bool:
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        return False
    return requirement.specifier.contains(installed, prereleases=True)


def transformers_at(release: str) -> pathlib.Path:
    folder = CACHE / release
    done = folder / ".complete"
    if done.exists():
        return folder
    _pip_target(folder, f"transformers=={release}")
    pending, added = ["transformers"], []
    while pending:
        for requirement in _runtime_requirements(folder, pending.pop()):
            if not _satisfied(requirement) and requirement.name not in added:
                _pip_target(folder, str(requirement))
                added.append(requirement.name)
                pending.append(requirement.name)
    for stale in folder.glob("bin"):  # console scripts are not needed and point at no interpreter
        subprocess.run(["rm", "-rf", str(stale)], check=True)
    done.write_text("transformers " + release + (" with " + ", ".join(added) if added else "") + "\n")
    return folder


if __name__ == "__main__":
    print(transformers_at(sys.argv[1]))
