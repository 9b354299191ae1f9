"""The versions this project pins and tests, read from the one place each is declared, and the
mentions of them in the project's text, kept current.

Where each version is declared:
- requirements.lock (`make lock` writes it): the exact tested set, `LOCK["transformers"]`;
- pyproject.toml, the `course` extra: the transformers range, whose lower end is `TRANSFORMERS_LOWEST`;
- pyproject.toml, `[tool.lrlib] transformers-newest-tested`: `TRANSFORMERS_NEWEST`, the newest
  release `make transformers-range` runs the conformance tests against;
- pyproject.toml, `requires-python = ">=X.Y"`: the oldest Python, which a "Python X.Y" mention names.

A mention is a package name followed by a version, such as "transformers X.Y" or "torch X.Y.Z"
(for the packages in `MENTIONED`, and Python), in README.md, docs/, CONTRIBUTING.md, the notebooks' cells (their
sources, not their outputs, which a run writes) and the Python files of lrlib/, tests/, tools/ and
benchmarks/. It must name the lock's version, to as many parts as it gives. A transformers mention
followed by "(lowest)" or "(newest tested)" names that end of the range instead. A source link
`github.com/<repo>/blob/vX.Y.Z/` of transformers, torch or accelerate must name the lock's version;
its line anchors (#L123) are right for that version only, so --write rewrites a link only when told
that the anchors have been checked again (--accept-links).

Usage: python tools/versions.py --check                  # list each stale mention as file:line; exit 1 if any
       python tools/versions.py --write                  # rewrite stale mentions (not links) to the declared versions
       python tools/versions.py --write --accept-links   # the links too, once their anchors are checked
       python tools/versions.py transformers-newest      # print one version (any locked package's name works too)
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
import tomllib
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parents[1]
MENTIONED = ("transformers", "torch", "accelerate", "jupyterlab", "scikit-learn", "numpy", "python")
LINKED = {"huggingface/transformers": "transformers", "pytorch/pytorch": "torch", "huggingface/accelerate": "accelerate"}
ROLES = {"lowest": "transformers-lowest", "newest tested": "transformers-newest"}
TEXT_FILES = ("README.md", "CONTRIBUTING.md", "docs/*.md", "notebooks/*.ipynb",
              "lrlib/**/*.py", "tests/**/*.py", "tools/**/*.py", "benchmarks/**/*.py")
VERSION = r"\d+(?:\.\d+)+(?!\.?\d)"
MENTION = re.compile(rf"(?<![\w.-])(?P<name>{'|'.join(map(re.escape, MENTIONED))})(?P<gap>\s+)(?P<version>{VERSION})"
                     rf"(?P<role>\s+\((?:{'|'.join(ROLES)})\))?", re.I)
LINK = re.compile(rf"github\.com/(?P<repo>{'|'.join(map(re.escape, LINKED))})/blob/v(?P<version>{VERSION})/")


def normal(name: str) -> str:
    """A package name as PyPI compares names: lower case, runs of -, _ and . as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(text: str) -> dict[str, str]:
    """The pins of a requirements file: normal name -> version (a local label such as +cpu dropped)."""
    pins = {}
    for line in text.splitlines():
        pin = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s+;#]+)", line)
        if pin:
            pins[normal(pin.group(1))] = pin.group(2)
    return pins


def read_declared(pyproject: str) -> dict[str, str]:
    """transformers-lowest (the course extra's `transformers>=`), transformers-newest ([tool.lrlib]) and
    python, the oldest Python lrlib supports (`requires-python = ">=X.Y"`)."""
    data = tomllib.loads(pyproject)
    python = re.fullmatch(r">=\s*(\d+\.\d+)", data["project"].get("requires-python", "").strip())
    if python is None:
        raise SystemExit('pyproject.toml: requires-python must read ">=X.Y"')
    lowest = [re.search(r">=\s*([\d.]+)", line) for line in data["project"]["optional-dependencies"]["course"]
              if normal(re.match(r"[A-Za-z0-9._-]+", line).group(0)) == "transformers"]
    if not lowest or lowest[0] is None:
        raise SystemExit("pyproject.toml: the course extra needs a 'transformers>=X.Y.Z,<N' range")
    newest = data.get("tool", {}).get("lrlib", {}).get("transformers-newest-tested")
    if not newest:
        raise SystemExit("pyproject.toml: [tool.lrlib] needs transformers-newest-tested = \"X.Y.Z\"")
    return {"transformers-lowest": lowest[0].group(1), "transformers-newest": newest, "python": python.group(1)}


LOCK = read_lock((ROOT / "requirements.lock").read_text())
DECLARED = read_declared((ROOT / "pyproject.toml").read_text())
TRANSFORMERS_LOWEST = DECLARED["transformers-lowest"]
TRANSFORMERS_NEWEST = DECLARED["transformers-newest"]


def short(version: str, parts: int = 2) -> str:
    """The first `parts` parts of a version: short("5.23.0") == "5.23"."""
    return ".".join(version.split(".")[:parts])


@dataclass
class Mention:
    path: str
    line: int
    text: str
    wanted: str
    is_link: bool

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r} should be {self.wanted!r}"


def _fixed(text: str, versions: dict[str, str]) -> list[tuple[re.Match, str, bool]]:
    """Each stale mention in a text: (its match, the text it should be, whether it is a source link)."""
    found = []
    for match in MENTION.finditer(text):
        name, role = normal(match.group("name")), match.group("role")
        declared = versions[ROLES[role.strip()[1:-1]] if role and name == "transformers" else name]
        given = match.group("version")
        wanted = short(declared, given.count(".") + 1) if declared.count(".") >= given.count(".") else declared
        if given != wanted:
            found.append((match, match.group(0).replace(given, wanted, 1), False))
    for match in LINK.finditer(text):
        wanted = versions[LINKED[match.group("repo")]]
        if match.group("version") != wanted:
            found.append((match, match.group(0).replace("/v" + match.group("version") + "/", "/v" + wanted + "/"), True))
    return sorted(found, key=lambda fix: fix[0].start())


def _text_lines(path: pathlib.Path):
    """The file's lines, and the pieces to search: (first line's number, text, JSON's prefix and suffix).

    A text file is one piece, so a mention may wrap. A notebook is searched in its cells' sources
    only: each source line is one JSON string on one line of the file (nbformat's layout)."""
    lines = path.read_text().split("\n")
    if path.suffix != ".ipynb":
        return lines, [(1, "\n".join(lines), "", "")]
    found, in_source = [], False
    for number, line in enumerate(lines, 1):
        string = re.fullmatch(r'(\s*(?:"source": )?)(".*")(,?)', line)
        if in_source and line.strip().startswith("]"):
            in_source = False
        elif (in_source or (string and '"source": ' in string.group(1))) and string:
            found.append((number, json.loads(string.group(2)), string.group(1), string.group(3)))
        elif line.strip() == '"source": [':
            in_source = True
    return lines, found


def _files(root: pathlib.Path) -> list[pathlib.Path]:
    own = pathlib.Path(__file__).resolve()
    files = {path for pattern in TEXT_FILES for path in root.glob(pattern) if path.is_file()}
    return sorted(path for path in files if path.resolve() != own)


def scan(root: pathlib.Path | None = None, versions: dict[str, str] | None = None,
         write: bool = False, accept_links: bool = False) -> list[Mention]:
    """Every stale mention under `root`; with `write`, rewrite them (source links only with `accept_links`)."""
    root = ROOT if root is None else root
    versions = {**LOCK, **DECLARED} if versions is None else versions
    stale = []
    for path in _files(root):
        lines, searched = _text_lines(path)
        changed = False
        for number, text, before, after in searched:
            fixes = _fixed(text, versions)
            relative = path.relative_to(root).as_posix()
            stale += [Mention(relative, number + text.count("\n", 0, match.start()), match.group(0), new, is_link)
                      for match, new, is_link in fixes]
            if not write or not fixes:
                continue
            new_text = text
            for match, new, is_link in sorted(fixes, key=lambda fix: -fix[0].start()):
                if accept_links or not is_link:
                    new_text = new_text[:match.start()] + new + new_text[match.end():]
            if new_text == text:
                continue
            if path.suffix == ".ipynb":
                lines[number - 1] = before + json.dumps(new_text, ensure_ascii=False) + after
            else:
                lines = new_text.split("\n")
            changed = True
        if changed:
            path.write_text("\n".join(lines))
    return stale


def main(argv: list[str]) -> int:
    flags = {arg for arg in argv if arg.startswith("--")}
    names = [arg for arg in argv if not arg.startswith("--")]
    unknown = flags - {"--check", "--write", "--accept-links"}
    if unknown or (names and flags) or not (names or flags & {"--check", "--write"}) or len(names) > 1:
        print("Usage:" + __doc__.split("Usage:")[1].rstrip(), file=sys.stderr)
        return 2
    if names:
        versions = {**LOCK, **DECLARED}
        if normal(names[0]) not in versions:
            print(f"versions.py: no version named {names[0]!r}; known: transformers-lowest, transformers-newest, python, "
                  "or a package of requirements.lock", file=sys.stderr)
            return 2
        print(versions[normal(names[0])])
        return 0
    stale = scan(write="--write" in flags, accept_links="--accept-links" in flags)
    links = [mention for mention in stale if mention.is_link]
    if "--write" in flags:
        print(f"versions.py: rewrote {len(stale) - (0 if '--accept-links' in flags else len(links))} stale mention(s)")
        if links and "--accept-links" not in flags:
            for mention in links:
                print(f"  not rewritten: {mention}")
            print("These source links' line anchors (#L...) are right for their version only: re-check each "
                  "anchor at the new version, then run python tools/versions.py --write --accept-links")
            return 1
        return 0
    for mention in stale:
        print(mention)
    print(f"versions.py: {len(stale)} stale version mention(s)" + (": run python tools/versions.py --write" if stale else ""))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
