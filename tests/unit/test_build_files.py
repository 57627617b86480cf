"""The reproducible build, checked without a Docker engine (none runs where this is written):
the locks pin every dependency within pyproject.toml's ranges, with hashes; the tools have
upper bounds; the Dockerfile installs from the locks and copies only what exists and what
.dockerignore lets through."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def pins(lock: str) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for each package a lock file pins."""
    found: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text()):
        pinned = re.match(r"([A-Za-z0-9_.-]+)==([^\s;\\]+)", block)
        if pinned:
            found[canonicalize_name(pinned.group(1))] = (pinned.group(2),
                                                         block.count("--hash=sha256:"))
    return found


def requirements(*extras: str) -> list[Requirement]:
    listed = [*PROJECT["dependencies"]]
    for extra in extras:
        listed += PROJECT["optional-dependencies"][extra]
    return [r for r in map(Requirement, listed) if canonicalize_name(r.name) !=
            canonicalize_name(PROJECT["name"])]


def test_each_lock_pins_every_dependency_within_its_range_with_hashes() -> None:
    for lock, extras in (("requirements.lock", ("postgres",)),
                         ("requirements-build.lock", ("image-build", "postgres"))):
        pinned = pins(lock)
        for requirement in requirements(*extras):
            version, hashes = pinned[canonicalize_name(requirement.name)]
            assert requirement.specifier.contains(version), (lock, requirement, version)
            assert hashes >= 1, (lock, requirement.name)
    runtime, build = pins("requirements.lock"), pins("requirements-build.lock")
    assert all(build[name] == pin for name, pin in runtime.items()), "the same versions"


def test_every_tool_has_an_upper_bound() -> None:
    for listed in PROJECT["optional-dependencies"].values():
        for requirement in map(Requirement, listed):
            if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
                continue  # dev includes image-build
            assert any(s.operator in ("<", "<=", "==", "~=") for s in requirement.specifier), (
                f"{requirement}: a new release could turn CI red by itself")


def test_the_dockerfile_installs_the_locks_with_hashes_and_tests_the_workaround() -> None:
    installs = re.findall(r"pip install --require-hashes --no-deps -r (\S+)", DOCKERFILE)
    assert [Path(p).name for p in installs] == ["requirements-build.lock", "requirements.lock"]
    assert "tests/unit/test_framework_workaround.py" in DOCKERFILE.split("RUN python -m pytest")[1]


def test_everything_the_dockerfile_copies_exists_and_is_in_the_build_context() -> None:
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    copied = [source for line in DOCKERFILE.splitlines()
              if line.startswith("COPY ") and "--from=" not in line
              for source in line.split()[1:-1]]
    assert copied, "the Dockerfile copies from the build context"
    for source in copied:
        assert (ROOT / source).exists(), source
        for pattern in (p.rstrip("/") for p in ignored):
            assert not (fnmatch.fnmatch(source, pattern) or source.startswith(f"{pattern}/")), (
                f"{source} is copied but {pattern} in .dockerignore leaves it out")
    for private in (".env", ".venv", ".git", "data/"):
        assert private in ignored, f"{private} stays out of the image's build context"
