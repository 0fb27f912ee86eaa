"""``site-builder serve`` as a running process: what it rebuilds, when, and how it survives
mistakes. The browser side (live reload itself) is in ``test_serve_browser.py``."""

from __future__ import annotations

import os
import time

import pytest

from conftest import make_site, page
from fixtures_site import CHART_MODULE, DATA_CSV as CHART_FILES_CSV, chart_files
from served import serving, wait_until
from site_builder.serve import output_digests, reload_paths

TOPIC = "content/pages/topics/alpha.md"


@pytest.fixture
def served(tmp_path):
    root = make_site(tmp_path / "site", {TOPIC: page("Alpha", "First words.", order=1),
                                         "content/pages/index.md": page("Home", "Welcome.", template="home")})
    with serving(root, tmp_path / "serve.log") as server:
        yield server


def settled(server, builds: int) -> None:
    """Wait for ``builds`` builds in all, then a little longer to see that no more follow."""
    wait_until(lambda: server.builds() >= builds, what=f"{builds} builds")
    time.sleep(0.6)


def test_preview_is_built_outside_the_project_and_pages_are_served(served):
    status, html = served.get("/topics/alpha/")
    assert status == 200 and "First words." in html
    assert "livereload.js" in html  # the reload script is injected
    # Nothing beside the inputs but the build cache: the preview lives outside the project.
    assert sorted(p.name for p in served.root.iterdir()) == [".cache", "content", "static", "templates"]


def test_one_save_one_rebuild_and_a_burst_is_one_rebuild(served):
    settled(served, 1)
    served.write(TOPIC, page("Alpha", "Second words.", order=1))
    settled(served, 2)
    assert served.builds() == 2
    assert "Second words." in served.get("/topics/alpha/")[1]
    # an editor saving several files at once: each written aside, then renamed into place
    # (as editors save), the five renames back to back
    staging = served.root.parent / "staging"
    staging.mkdir()
    for n in range(5):
        (staging / f"burst-{n}.md").write_text(page(f"Burst {n}", order=n + 2), "utf-8")
    for n in range(5):
        os.replace(staging / f"burst-{n}.md", served.root / f"content/pages/topics/burst-{n}.md")
    settled(served, 3)
    assert served.builds() == 3
    assert served.get("/topics/burst-4/")[0] == 200


def test_an_editors_save_is_one_rebuild(served):
    """What vim does on :w (with 'backupcopy' off): probe the folder, move the file to a
    backup, write it anew, set its mode, drop the backup; one save, one rebuild."""
    settled(served, 1)
    path = served.root / TOPIC
    for _ in range(3):
        probe = path.parent / "4913"
        probe.write_text(""), probe.unlink()
        os.replace(path, path.with_name(path.name + "~"))
        path.write_text(page("Alpha", f"Saved at {time.monotonic()}.", order=1), "utf-8")
        os.chmod(path, 0o644)
        path.with_name(path.name + "~").unlink()
        time.sleep(0.4)
    settled(served, 4)
    assert served.builds() == 4


@pytest.mark.slow  # whole real-site builds in subprocesses: make test runs it
def test_a_save_during_a_rebuild_leads_to_exactly_one_more(tmp_path):
    slow = "import time\ntime.sleep(1.5)  # a slow chart module makes every build slow\n"
    root = make_site(tmp_path / "site", {TOPIC: page("Alpha", order=1), "content/charts/slow.py": slow})
    with serving(root, tmp_path / "serve.log") as server:
        server.write(TOPIC, page("Alpha", "One.", order=1))
        time.sleep(0.5)  # the rebuild is running now
        server.write(TOPIC, page("Alpha", "Two.", order=1))
        time.sleep(0.3)
        server.write(TOPIC, page("Alpha", "Three.", order=1))
        wait_until(lambda: server.builds() >= 3, timeout=20, what="3 builds")
        time.sleep(2.5)
        assert server.builds() == 3
        assert "Three." in server.get("/topics/alpha/")[1]


def test_created_renamed_and_deleted_pages(served):
    served.write("content/pages/topics/beta.md", page("Beta", "New page.", order=2))
    wait_until(lambda: served.get("/topics/beta/")[0] == 200, what="the new page")
    (served.root / "content/pages/topics/beta.md").rename(served.root / "content/pages/topics/gamma.md")
    wait_until(lambda: served.get("/topics/gamma/")[0] == 200, what="the renamed page")
    assert served.get("/topics/beta/")[0] == 404
    (served.root / "content/pages/topics/gamma.md").unlink()
    wait_until(lambda: served.get("/topics/gamma/")[0] == 404, what="the deleted page to go")


def test_template_syntax_error_shows_in_browser_and_terminal_then_recovers(served):
    template = served.root / "templates/topic.html"
    good = template.read_text("utf-8")
    template.write_text(good + "{% if %}\n", "utf-8")
    status, html = wait_until(lambda: (r := served.get("/topics/alpha/"))[0] == 500 and r, what="the error page")
    assert "templates/topic.html:" in html and "template syntax" in html
    assert "livereload.js" in html  # so that it reloads by itself once fixed
    assert "templates/topic.html:" in served.log() and "Traceback" not in served.log()
    template.write_text(good, "utf-8")
    wait_until(lambda: served.get("/topics/alpha/")[0] == 200, what="the page to come back")


def test_chart_module_edits_apply_without_restart_and_errors_do_not_kill_it(tmp_path):
    files = {**chart_files(), TOPIC: page("Alpha", "```chart crossings-bar\n```", order=1)}
    root = make_site(tmp_path / "site", files)
    with serving(root, tmp_path / "serve.log") as server:
        assert "Crossings per year" in server.get("/topics/alpha/")[1]
        server.write("content/charts/crossings.py", CHART_MODULE.replace("Crossings per year", "Crossings, yearly"))
        wait_until(lambda: "Crossings, yearly" in server.get("/topics/alpha/")[1], what="the new chart title")
        server.write("content/charts/crossings.py", CHART_MODULE + "\nraise RuntimeError('broken on purpose')\n")
        status, html = wait_until(lambda: (r := server.get("/topics/alpha/"))[0] == 500 and r, what="the error page")
        assert "content/charts/crossings.py:" in html and "broken on purpose" in html
        server.write("content/charts/crossings.py", CHART_MODULE)
        wait_until(lambda: "Crossings per year" in server.get("/topics/alpha/")[1], what="the chart to return")
        assert server.process.poll() is None and "Traceback" not in server.log()


def test_reload_paths_swap_stylesheets_and_reload_pages_for_anything_else():
    before = {"static/style.css": "a", "index.html": "1", "x/index.html": "2"}
    assert reload_paths(before, dict(before)) == []
    assert reload_paths(before, {**before, "static/style.css": "b"}) == ["/static/style.css"]
    assert reload_paths(before, {**before, "static/style.css": "b", "x/index.html": "3"}) == ["/x/index.html"]
    assert reload_paths(before, {**before, "x/index.html": "3"}) == ["/x/index.html"]
    assert reload_paths(before, {k: v for k, v in before.items() if k != "x/index.html"}) == ["/x/index.html"]


def test_output_digests_list_every_file_below_the_output_without_content_hashes(tmp_path):
    files = {"index.html": '<link href="/static/style.0123456789.css">', "static/style.0123456789.css": "a{}",
             "topics/alpha/index.html": "Alpha", "pagefind/fragment/en_1.pf_fragment": "x"}
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    memo: dict = {}
    digests = output_digests(tmp_path, memo)
    assert sorted(digests) == ["index.html", "pagefind/fragment/en_1.pf_fragment", "static/style.css",
                               "topics/alpha/index.html"]
    (tmp_path / "index.html").write_text('<link href="/static/style.9876543210.css">')  # another hash only
    (tmp_path / "topics/alpha/index.html").write_text("Alpha, edited")
    again = output_digests(tmp_path, memo)
    assert [k for k in digests if digests[k] != again[k]] == ["topics/alpha/index.html"]


def test_a_file_deleted_mid_rebuild_is_a_message_not_a_crash(tmp_path):
    # A chart module deletes the dataset's CSV while the build runs, after it was read
    # and before it is copied to the output: the build trips over the missing file.
    flag = tmp_path / "deleted-once"
    vanish = (f"import pathlib\nflag = pathlib.Path({str(flag)!r})\n"
              "csv = pathlib.Path(__file__).parent.parent / 'data' / 'crossings.csv'\n"
              "if not flag.exists():\n    flag.touch()\n    csv.unlink()\n")
    root = make_site(tmp_path / "site", {**chart_files(), TOPIC: page("Alpha", "Words.", order=1)})
    with serving(root, tmp_path / "serve.log") as server:
        server.write("content/charts/vanish.py", vanish)
        status, html = wait_until(lambda: (r := server.get("/topics/alpha/"))[0] == 500 and r, what="the error page")
        assert "content/data/crossings" in html
        server.write("content/data/crossings.csv", CHART_FILES_CSV)
        wait_until(lambda: server.get("/topics/alpha/")[0] == 200, what="the page to come back")
        assert server.process.poll() is None and "Traceback" not in server.log()


def test_link_warnings_and_the_search_index_follow_the_reload(served):
    """The preview publishes a saved page first; the link check and the search index come
    just after, and what they find reaches the terminal and the served site."""
    settled(served, 1)
    status, entry = served.get("/pagefind/pagefind-entry.json")
    assert status == 200
    served.write(TOPIC, page("Alpha", "Words about [nowhere](/topics/nowhere/) and zebras.", order=1))
    wait_until(lambda: "broken link '/topics/nowhere/'" in served.log(), what="the link warning")
    assert f"{TOPIC}:6: warning: broken link" in served.log()
    def indexed_again() -> bool:  # Pagefind's entry file names the index's content hash
        now = served.get("/pagefind/pagefind-entry.json")
        return now[0] == 200 and now[1] != entry
    wait_until(indexed_again, what="the search index made again")


class _Calls(list):
    def rebuild(self, changed):
        self.append(("rebuild", len(changed)))

    def idle(self, superseded):
        self.append(("idle",))


def test_idle_work_runs_once_after_a_quiet_rebuild_and_a_newer_save_makes_it_moot():
    from pathlib import Path
    from site_builder.watch import Rebuilds
    calls = _Calls()
    rebuilds = Rebuilds(calls.rebuild, settle=0.01, idle=calls.idle, idle_after=0.3)
    try:
        rebuilds.changed([Path("a")])
        wait_until(lambda: ("idle",) in calls, what="the idle work")
        time.sleep(0.4)
        assert calls == [("rebuild", 1), ("idle",)]
        calls.clear()
        rebuilds.changed([Path("b")])
        wait_until(lambda: calls, what="a rebuild")
        rebuilds.changed([Path("c")])  # within idle_after of the rebuild: the first idle is moot
        wait_until(lambda: ("idle",) in calls, what="the idle work")
        time.sleep(0.4)
        assert calls == [("rebuild", 1), ("rebuild", 1), ("idle",)]
    finally:
        rebuilds.stop()


def test_a_reload_refetches_the_page_but_not_the_scripts_and_stylesheets(served):
    """Pages are never cached; content-hashed files and livereload.js are, so a reloading
    browser waits for the page alone. An outdated hashed name answered with the current
    file is not cached either."""
    import re
    import urllib.request

    def cache_control(path: str) -> str:
        with urllib.request.urlopen(served.base + path, timeout=10) as response:
            return response.headers["Cache-Control"]

    html = served.get("/topics/alpha/")[1]
    stylesheet = re.search(r'href="(/static/style\.[0-9a-f]{10}\.css)"', html)[1]
    assert cache_control("/topics/alpha/") == "no-store"
    assert cache_control(stylesheet) == "public, max-age=31536000, immutable"
    assert cache_control("/static/style.0000000000.css") == "no-store"
    assert "max-age" in cache_control("/livereload.js?port=1")


def test_a_save_during_idle_work_stops_it_and_is_rebuilt_at_once():
    """Idle work (the link check, the search index) gives way to a save: it is told as
    soon as the change arrives, and the rebuild does not wait for it to run its course."""
    from pathlib import Path
    from site_builder.watch import Rebuilds
    import threading
    calls, working = [], threading.Event()

    def idle(superseded):
        working.set()
        started = time.monotonic()
        while not superseded() and time.monotonic() < started + 10:  # work that would take 10 s
            time.sleep(0.005)
        calls.append(("idle", superseded()))

    rebuilds = Rebuilds(lambda changed: calls.append(("rebuild", time.monotonic())), settle=0.01, idle=idle,
                        idle_after=0.05)
    try:
        rebuilds.changed([Path("a")])
        assert working.wait(10)  # the idle work is running
        saved = time.monotonic()
        rebuilds.changed([Path("b")])
        wait_until(lambda: len(calls) == 3, what="the second rebuild")
        assert calls[1] == ("idle", True)
        assert calls[2][0] == "rebuild" and calls[2][1] - saved < 1
    finally:
        rebuilds.stop()


def test_a_search_index_stopped_by_a_save_is_made_complete_at_the_next_quiet_moment(tmp_path):
    from site_builder.build import build
    from site_builder.search import index_site, Superseded

    root = make_site(tmp_path / "site", {TOPIC: page("Alpha", "Words about aardvarks.", order=1)})
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(root, out=out, cache_dir=cache)
    entry = (out / "pagefind/pagefind-entry.json").read_bytes()
    (root / TOPIC).write_text(page("Alpha", "Words about zebras.", order=1), "utf-8")
    stopped = build(root, out=out, cache_dir=cache, defer=True)
    stopped.finish(superseded=lambda: True)  # a save came in as Pagefind started
    assert stopped.search.state == "deferred"
    assert (out / "pagefind/pagefind-entry.json").read_bytes() == entry  # the old index, whole
    assert not list(tmp_path.glob(".out.search-*"))  # nothing half-made left beside it
    with pytest.raises(Superseded):
        index_site(out, "en", into=tmp_path / "never", superseded=lambda: True)

    (root / TOPIC).write_text(page("Alpha", "Words about zebras and okapis.", order=1), "utf-8")
    quiet = build(root, out=out, cache_dir=cache, defer=True)
    assert quiet.search.state == "deferred"  # the stopped index is not taken for a made one
    quiet.finish(superseded=lambda: False)
    assert quiet.search.state == "indexed"
    clean = build(root, out=tmp_path / "clean", cache_dir=tmp_path / "clean-cache")

    def index(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted((folder / "pagefind").rglob("*"))
                if p.is_file()}
    assert clean.search.state == "indexed" and index(out) == index(tmp_path / "clean")


def test_the_watcher_is_told_of_changes_but_not_of_reads(tmp_path):
    """A build reads every input; the operating system is asked for changes only, so
    those reads reach no watching thread (each one cost the rebuild time)."""
    from site_builder.watch import Watcher
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a.md").write_text("a")
    watcher = Watcher(tmp_path, [folder], lambda paths: None)
    seen: list[str] = []
    watcher._event = lambda event: seen.append(event.event_type)  # everything the thread is handed
    watcher.start()
    try:
        (folder / "a.md").write_text("a, saved")
        wait_until(lambda: "closed" in seen, what="the watch to be live")
        time.sleep(0.1)
        seen.clear()
        for _ in range(20):
            (folder / "a.md").read_text()
        time.sleep(0.3)
        assert seen == []
        (folder / "a.md").write_text("b")
        wait_until(lambda: "closed" in seen, what="the save")
        assert set(seen) <= {"modified", "closed"}
    finally:
        watcher.stop()
