"""The command line as a contributor meets it: exit codes, help, messages."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import make_site, page

CLI = [sys.executable, "-m", "site_builder"]


def run(*args, cwd=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_for_each_command():
    for args in (["--help"], ["build", "--help"], ["check", "--help"], ["serve", "--help"]):
        result = run(*args)
        assert result.returncode == 0
        assert "usage: site-builder" in result.stdout
    assert "--strict" in run("build", "--help").stdout
    assert "127.0.0.1" in run("serve", "--help").stdout


def test_usage_error_exits_2(tmp_path):
    assert run("frobnicate").returncode == 2
    result = run("--root", str(tmp_path), "build")
    assert result.returncode == 2 and "content/site.toml is missing" in result.stderr


def test_build_success_prints_one_summary_line(tmp_path):
    root = make_site(tmp_path / "s", {"content/pages/index.md": page("Home", template="home")})
    result = run("--root", str(root), "build")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("built 7 pages") and "public" in lines[0]
    assert (root / "public/index.html").is_file()


def test_the_program_ends_with_its_output_whole_in_a_pipe(tmp_path):
    """What the program printed into a pipe (block-buffered without PYTHONUNBUFFERED)
    arrives whole: it ends with its objects frozen (see ``cli._build``), not cut short."""
    root = make_site(tmp_path / "s", {"content/pages/index.md": page("Home", template="home"),
                                      "content/pages/a.md": page("A", "See [this](/nowhere/).")})
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    result = subprocess.run([*CLI, "--root", str(root), "build"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("built 8 pages") and result.stdout.endswith(" warnings\n")
    assert "content/pages/a.md:5: warning: broken link '/nowhere/'" in result.stderr


def test_content_error_exits_1_with_path_and_line_and_no_traceback(tmp_path):
    root = make_site(tmp_path / "s", {
        "content/pages/a.md": "---\ntitle: A\nsumary: typo\n---\nBody\n",
        "content/pages/b.md": "---\ntitle: B\nsummary: ok\n---\n```chart nope\n```\n",
    })
    result = run("--root", str(root), "build")
    assert result.returncode == 1
    assert "content/pages/a.md:2: missing required key 'summary' in front matter" in result.stderr
    assert "content/pages/b.md:5: unknown chart 'nope' (known: none)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "public").exists()


def test_strict_turns_warnings_into_errors(tmp_path):
    root = make_site(tmp_path / "s", {"content/pages/x.md": page(), "content/pages/notes.txt": "stray"})
    assert run("--root", str(root), "build").returncode == 0
    result = run("--root", str(root), "build", "--strict")
    assert result.returncode == 1 and "content/pages/notes.txt: warning: not a Markdown page" in result.stderr


def test_check_verifies_without_publishing_with_the_build_exit_codes(tmp_path):
    root = make_site(tmp_path / "s", {"content/pages/x.md": page(), "content/pages/notes.txt": "stray"})
    result = run("--root", str(root), "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("checked 7 pages: no errors, ")
    assert "content/pages/notes.txt: warning: not a Markdown page" in result.stderr
    assert not (root / "public").exists()
    strict = run("--root", str(root), "check", "--strict")
    assert strict.returncode == 1 and "check failed: " in strict.stderr
    (root / "content/pages/y.md").write_text("---\ntitle: Y\nsummary: s\n---\n```chart nope\n```\n", "utf-8")
    broken = run("--root", str(root), "check")
    assert broken.returncode == 1 and "content/pages/y.md:5: unknown chart 'nope'" in broken.stderr
    assert "Traceback" not in broken.stderr and not (root / "public").exists()
