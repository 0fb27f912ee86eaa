"""The dependency locks (requirements/*.txt, written by `make lock`) cover what pyproject.toml
asks for: every runtime dependency pinned to one version that its specifier allows, every pin
with hashes, and the test lock agreeing with the runtime lock on every package they share.
A dependency added to pyproject.toml without `make lock` fails here, not on Netlify."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = REPO / "requirements" / "runtime.txt"
TEST_LOCK = REPO / "requirements" / "test.txt"
PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")


def read_lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """``{canonical name: (version, [hashes])}`` from a pip-compile file: continuation lines
    joined, comments dropped. A line that is not an exact pin fails the test that reads it."""
    text = re.sub(r"\\\n", " ", path.read_text("utf-8"))
    pins: dict[str, tuple[str, list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        match = PIN.fullmatch(requirement)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        hashes = [option.removeprefix("--hash=") for option in options if option.startswith("--hash=")]
        assert len(hashes) == len(options), f"{path.name}: options other than --hash: {line!r}"
        pins[canonicalize_name(match["name"])] = (match["version"], hashes)
    return pins


def declared(group: str | None = None) -> list[Requirement]:
    """The runtime dependencies of pyproject.toml, or those of an optional group."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    return [Requirement(text) for text in (project["optional-dependencies"][group] if group else project["dependencies"])]


@pytest.mark.parametrize("lock, groups", [(RUNTIME_LOCK, [None]), (TEST_LOCK, [None, "test"])], ids=["runtime", "test"])
def test_every_declared_dependency_is_pinned_to_a_version_it_allows(lock, groups):
    pins = read_lock(lock)
    for requirement in (r for group in groups for r in declared(group)):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {lock.name}: run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), \
            f"{lock.name} pins {name}=={version}, outside {requirement}: run `make lock`"


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, TEST_LOCK], ids=["runtime", "test"])
def test_every_pin_carries_sha256_hashes(lock):
    pins = read_lock(lock)
    assert len(pins) > 10
    for name, (version, hashes) in pins.items():
        assert hashes, f"{lock.name}: {name}=={version} has no --hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), f"{lock.name}: {name}: {hashes}"


def test_the_test_lock_keeps_the_runtime_pins():
    runtime, test = read_lock(RUNTIME_LOCK), read_lock(TEST_LOCK)
    assert set(runtime) <= set(test)
    assert {name: test[name][0] for name in runtime} == {name: pin[0] for name, pin in runtime.items()}


def test_the_build_backend_is_locked_too():
    # pip installs our package with --no-build-isolation, so the build backend must come from the lock
    build_system = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["build-system"]["requires"]
    for lock in (RUNTIME_LOCK, TEST_LOCK):
        pins = read_lock(lock)
        for requirement in map(Requirement, build_system):
            assert requirement.specifier.contains(pins[canonicalize_name(requirement.name)][0])
