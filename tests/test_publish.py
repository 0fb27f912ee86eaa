"""What Netlify runs, run here: the build command as written in a clean virtual
environment, the same bytes whatever the machine's clock, zone, locale, hash seed or
working directory, and a build with no network at all."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from conftest import page
from netlify_site import netlify_config
from test_lock import RUNTIME_LOCK, read_lock
from conftest import copy_repo

REPO = Path(__file__).resolve().parent.parent
NOT_SHIPPED = shutil.ignore_patterns(".venv", ".git", "public", ".preview", ".cache", "__pycache__", "*.egg-info",
                                     "build", ".pytest_cache", ".hypothesis", "node_modules", "benchmarks")


def require_tool(name: str) -> str:
    """The tool's path; a missing tool fails in CI (make test installs it) and skips locally."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is missing (make test installs it: apt-get install -y {name})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_build(root: Path, *, cwd: Path, env: dict[str, str], prefix: list[str] = ()) -> subprocess.CompletedProcess:
    command = [*prefix, sys.executable, "-m", "site_builder", "--root", str(root), "build", "--strict"]
    base = {k: v for k, v in os.environ.items() if k not in ("TZ", "LANG", "LC_ALL", "PYTHONHASHSEED")}
    result = subprocess.run(command, cwd=cwd, env={**base, **env}, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def installed(venv: Path) -> dict[str, str]:
    """``{canonical name: version}`` of everything pip installed into ``venv`` (pip itself aside)."""
    result = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
                            capture_output=True, text=True, check=True)
    return {canonicalize_name(p["name"]): p["version"] for p in json.loads(result.stdout) if p["name"] != "pip"}


def cache_plugin_paths(config: dict) -> list[str]:
    """The folders netlify-plugin-cache restores before a build and saves after it."""
    return [path for plugin in config.get("plugins", []) if plugin["package"] == "netlify-plugin-cache"
            for path in plugin["inputs"]["paths"]]


@pytest.mark.slow
def test_netlify_build_commands_run_as_written_in_a_clean_virtualenv(tmp_path):
    config = netlify_config()
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=NOT_SHIPPED)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update({k: str(v) for k, v in config["build"]["environment"].items()})
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"

    def netlify(command: str) -> None:
        result = subprocess.run(["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    netlify(config["build"]["command"])
    published = project / config["build"]["publish"]
    home = (published / "index.html").read_text("utf-8")
    assert "<h1" in home and 'name="robots"' not in home
    assert (published / "404.html").is_file()
    assert (venv / "bin" / "site-builder").is_file()  # installed into the clean environment, not borrowed
    assert installed(venv) == {name: pin[0] for name, pin in read_lock(RUNTIME_LOCK).items()} | {"site-builder": "0.1.0"}

    # The next deploy: a fresh checkout and public/, with the folders the cache plugin saved put back.
    cold = tree(published)
    kept = [project / path for path in cache_plugin_paths(config)]
    assert kept and all(path.is_dir() for path in kept)
    shutil.rmtree(published)
    netlify(config["build"]["command"])
    assert tree(published) == cold

    netlify(config["context"]["deploy-preview"]["command"])
    assert '<meta name="robots" content="noindex">' in (published / "index.html").read_text("utf-8")


def test_previews_show_drafts_and_are_not_indexed(site):
    files = {"content/pages/x.md": page("X"), "content/pages/later.md": page("Later", draft="true")}
    public = site(files)
    assert not (public.out / "later").exists()
    assert all('name="robots"' not in p.read_text("utf-8") for p in public.pages())
    preview = site(files, drafts=True)
    assert (preview.out / "later/index.html").is_file()
    assert all('<meta name="robots" content="noindex">' in p.read_text("utf-8") for p in preview.pages())


@pytest.mark.slow  # whole real-site builds in subprocesses: make test runs it
def test_two_builds_on_different_machines_give_identical_bytes(tmp_path):
    faketime = require_tool("faketime")
    clock = [faketime, "-f", "@2031-07-15 23:59:30"]
    year = subprocess.run([*clock, sys.executable, "-c", "import time; print(time.gmtime().tm_year)"],
                          capture_output=True, text=True, check=True).stdout
    assert year.strip() == "2031"  # the wall clock really differs
    first, second = copy_repo(tmp_path / "a"), copy_repo(tmp_path / "elsewhere" / "b")
    run_build(first, cwd=first, env={"TZ": "UTC", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"})
    run_build(second, cwd=tmp_path, env={"TZ": "Pacific/Kiritimati", "LANG": "en_US.UTF-8", "PYTHONHASHSEED": "4242",
                                         "FAKETIME_DONT_FAKE_MONOTONIC": "1"},
              prefix=clock)
    a, b = tree(first / "public"), tree(second / "public")
    assert len(a) > 50 and sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


@pytest.mark.slow  # whole real-site builds in subprocesses: make test runs it
def test_the_build_needs_no_network(tmp_path, chart_cache):
    unshare = require_tool("unshare")
    root = copy_repo(tmp_path / "site")
    offline = [unshare, "--map-root-user", "--net"]
    probe = subprocess.run([*offline, sys.executable, "-c",
                            "import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)"],
                           capture_output=True, text=True)
    assert probe.returncode != 0 and "unreachable" in probe.stderr, probe.stderr  # the network really is gone
    # a cold chart cache: every chart is rendered and the Vega bundle made inside the sandbox
    run_build(root, cwd=root, env={"TZ": "UTC"}, prefix=offline)
    assert len(list(chart_cache.glob("*.png"))) >= 5
    assert (root / "public" / "charts" / "route-map.svg").is_file()

