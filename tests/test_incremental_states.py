"""Incremental builds are correct by construction: after any sequence of edits, what a
build that kept its caches publishes is byte for byte what a clean build publishes.

A Hypothesis state machine edits a tiny real site (pages, seed articles, the dataset,
the chart definition, templates, static files, seed sidecars, ``site.toml``; files added,
removed and renamed) and after every step builds it three ways: the command line's build
into a folder it keeps building into, the preview's (``defer=True`` with a memo, then
``finish``), and a clean build into an empty folder with an empty cache. The published
files (and the messages of a failing build) must be equal. Only the per-user chart cache
is shared, as it is between real builds: it is keyed by content.

A clean build depends on nothing but the bytes of its inputs, so it runs once per input
tree met in the whole run (:class:`CleanBuilds`): every example starts from the same site
and Hypothesis's sequences share their beginnings, so about three checks in four meet a
tree already built. The kept builds run at every step, as they must.

``STATEFUL_EXAMPLES`` sets how many edit sequences run (default 200; ``make test`` runs the
test, ``make test-fast`` leaves it out as a case marked slow).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, make_site, page, write_files
from fixtures_site import CHART_MODULE, DATA_CSV, chart_files
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from site_builder.build import build
from site_builder.errors import BuildError
from site_builder.memo import InputMemo

CONFIG = "search = false\n" + MINIMAL_CONFIG  # the index is Pagefind's; its own tests cover it
CONFIGS = [CONFIG, CONFIG.replace('title = "Test Site"', 'title = "Another Site"'),
           CONFIG.replace('template = "topic"', 'template = "page"'),
           CONFIG + '\n[[nav]]\ntitle = "About"\nurl = "/about/"\n']
PAGE_NAMES = ["topics/one", "topics/two", "topics/three", "about", "notes", "topics/index"]
BODIES = ["Plain words.", "In 2023, {fig:crossings-2023} crossed.\n\n## Part\n\n## More\n\n## Last\n",
          "A chart:\n\n```chart crossings-bar\n```\n", "See [one](/topics/one/) and [gone](/gone/#x).",
          "Total {fig:crossings-total}; <b>raw</b> text."]
LISTED = ["", "[first]", "[second, first]"]  # a page's 'articles' (seed slugs come from their titles)
SEED_NAMES = ["alpha", "beta", "gamma"]
SEED_BODIES = ["The first story.", "The first story, told again at more length.", "In 2023 {fig:crossings-2023}."]
TITLES = ["First", "Second", "Third"]
SIDECARS = ["", "outlet: The Outlet\n", "tags: [a, b]\n"]
TEMPLATE_EDITS = [  # (find, replace) in templates/page.html: each shows the context another way
    ("", ""),
    ('<article class="prose">', '<article class="prose" data-edited>'),
    ("{% block after %}", "<ul>{% for a in articles %}<li>{{ a.title }} {{ a.reading_minutes }}</li>{% endfor %}</ul>{% block after %}"),
    ("{% block after %}", "{% for p in site.pages %}{{ p.title }}{{ p.body }}{% endfor %}{% block after %}"),
    ("{% block after %}", "{{ cited_by.get('alpha', [])|length }}{{ claims|length }}{% block after %}"),
]
STYLES = ["body { color: #111; }\n", "body { color: #222; }\n"]
CHARTS = [CHART_MODULE, CHART_MODULE.replace("Crossings per year", "Crossings each year")]
DATA = [DATA_CSV, DATA_CSV.replace("25565", "31337")]
EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "200"))
STEPS = 6  # enough for add → edit → rename → remove chains with other edits between


def seed(title: str, body: str) -> str:
    return f'---\ntitle: "{title}"\ndate: 2023-05-01\n---\n\n{body}\n'


def digests(folder: Path) -> dict[str, str]:
    """Each file below ``folder`` (by relative path) and a digest of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def tree_key(files: dict[str, str]) -> str:
    return hashlib.blake2b(repr(sorted(files.items())).encode(), digest_size=16).hexdigest()


def outcome(root: Path, out: Path, cache: Path, chart_cache: Path, **options) -> tuple:
    """(published files' digests, warnings) of a build, or ("failed", its messages)."""
    try:
        report = build(root, out=out, cache_dir=cache, chart_cache=chart_cache, **options)
    except BuildError as exc:
        return "failed", [str(p) for p in exc.problems]
    report.finish()
    return digests(out), sorted(str(w) for w in report.warnings)


class CleanBuilds:
    """What a clean build publishes, for each input tree met in the run (see the module's
    docstring), with the bytes of every file published once, for the messages."""

    def __init__(self, folder: Path, chart_cache: Path) -> None:
        self.folder, self.chart_cache = folder, chart_cache
        self.outcomes: dict[str, tuple] = {}
        self.blobs: dict[str, bytes] = {}  # digest → bytes; the trees' outputs share most files
        self.builds = 0

    def outcome(self, root: Path, key: str) -> tuple:
        if key not in self.outcomes:
            out, cache = self.folder / "public", self.folder / "cache"
            self.outcomes[key] = outcome(root, out, cache, self.chart_cache)
            if self.outcomes[key][0] != "failed":
                for relative, digest in self.outcomes[key][0].items():
                    self.blobs.setdefault(digest, (out / relative).read_bytes())
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            self.builds += 1
        return self.outcomes[key]


class EditedSite(RuleBasedStateMachine):
    """A site, the folders its kept builds publish into, and the edits made to it."""

    workspace: Path  # this test's temporary folder
    clean: CleanBuilds  # shared by every example, as the per-user chart cache is

    def __init__(self) -> None:
        super().__init__()
        self.work = self.workspace / "example"  # one example at a time: the same folder each time
        shutil.rmtree(self.work, ignore_errors=True)
        self.root = make_site(self.work / "site", {
            **chart_files(), "content/site.toml": CONFIG, "static/style.css": STYLES[0],
            "content/pages/index.md": page("Home", "Welcome.", template="home"),
            "content/pages/topics/one.md": page("One", BODIES[1], order=1, articles=LISTED[1]),
            "content/pages/topics/two.md": page("Two", BODIES[2], order=2),
            "content/pages/sources.md": page("Sources", "Where it comes from.", template="sources"),
            "seeds/alpha.md": seed("First", SEED_BODIES[0]), "seeds/beta.md": seed("Second", SEED_BODIES[1]),
        })
        self.template = (self.root / "templates/page.html").read_text("utf-8")
        self.memo = InputMemo()
        self.inputs: dict[str, str] = {}  # at the last check
        self.steps = 0

    def teardown(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def _existing(self, folder: str, names: list[str], suffix: str) -> list[str]:
        return [name for name in names if (self.root / folder / f"{name}{suffix}").exists()]

    @rule(name=st.sampled_from(PAGE_NAMES), body=st.sampled_from(BODIES), title=st.sampled_from(TITLES),
          order=st.integers(0, 3), listed=st.sampled_from(LISTED))
    def write_page(self, name, body, title, order, listed):
        meta = {"order": order} | ({"articles": listed} if listed else {})
        write_files(self.root, {f"content/pages/{name}.md": page(title, body, **meta)})

    @precondition(lambda self: self._existing("content/pages", PAGE_NAMES, ".md"))
    @rule(data=st.data())
    def remove_page(self, data):
        name = data.draw(st.sampled_from(self._existing("content/pages", PAGE_NAMES, ".md")), label="page")
        (self.root / f"content/pages/{name}.md").unlink()

    @precondition(lambda self: self._existing("content/pages", PAGE_NAMES, ".md"))
    @rule(data=st.data(), new=st.sampled_from(PAGE_NAMES))
    def rename_page(self, data, new):
        old = data.draw(st.sampled_from(self._existing("content/pages", PAGE_NAMES, ".md")), label="page")
        (self.root / f"content/pages/{old}.md").rename(self.root / f"content/pages/{new}.md")

    @rule(name=st.sampled_from(SEED_NAMES), title=st.sampled_from(TITLES), body=st.sampled_from(SEED_BODIES))
    def write_seed(self, name, title, body):
        write_files(self.root, {f"seeds/{name}.md": seed(title, body)})

    @precondition(lambda self: self._existing("seeds", SEED_NAMES, ".md"))
    @rule(data=st.data())
    def remove_seed(self, data):
        name = data.draw(st.sampled_from(self._existing("seeds", SEED_NAMES, ".md")), label="seed")
        (self.root / f"seeds/{name}.md").unlink()

    @precondition(lambda self: self._existing("seeds", SEED_NAMES, ".md"))
    @rule(data=st.data(), new=st.sampled_from(SEED_NAMES))
    def rename_seed(self, data, new):
        old = data.draw(st.sampled_from(self._existing("seeds", SEED_NAMES, ".md")), label="seed")
        (self.root / f"seeds/{old}.md").rename(self.root / f"seeds/{new}.md")

    @rule(name=st.sampled_from(SEED_NAMES), sidecar=st.sampled_from(SIDECARS))
    def write_sidecar(self, name, sidecar):
        path = self.root / f"content/seeds/{name}.yaml"
        write_files(self.root, {f"content/seeds/{name}.yaml": sidecar}) if sidecar else path.unlink(missing_ok=True)

    @rule()
    def edit_dataset(self):
        self._next_of(DATA, "content/data/crossings.csv")

    @rule()
    def edit_chart(self):
        self._next_of(CHARTS, "content/charts/crossings.py")

    @rule(edit=st.sampled_from(TEMPLATE_EDITS[1:]))
    def edit_template(self, edit):
        text = self.template.replace(edit[0], edit[1], 1)
        current = (self.root / "templates/page.html").read_text("utf-8")
        write_files(self.root, {"templates/page.html": self.template if text == current else text})

    @rule(extra=st.booleans())
    def edit_static(self, extra):
        self._next_of(STYLES, "static/style.css")
        (self.root / "static/extra.txt").write_text("x") if extra else (self.root / "static/extra.txt").unlink(missing_ok=True)

    @rule(config=st.sampled_from(CONFIGS))
    def edit_config(self, config):
        write_files(self.root, {"content/site.toml": config})

    def _next_of(self, versions: list[str], relative: str) -> None:
        """Replace the file at ``relative`` with the next of its ``versions``: always a change."""
        current = (self.root / relative).read_text("utf-8")
        write_files(self.root, {relative: versions[(versions.index(current) + 1) % len(versions)]})

    @invariant()
    def kept_builds_publish_what_a_clean_build_publishes(self):
        inputs = digests(self.root)
        step = f"step {self.steps} ({changes(self.inputs, inputs)})" if self.steps else "the first build"
        self.inputs, self.steps = inputs, self.steps + 1
        clean = self.clean.outcome(self.root, tree_key(inputs))
        for name, options in (("cli", {}), ("preview", {"defer": True, "memo": self.memo})):
            out = self.work / name
            kept = outcome(self.root, out, self.work / f"{name}-cache", self.clean.chart_cache, **options)
            if kept != clean:  # raised, not asserted: pytest's rendering of the two outcomes says nothing useful
                raise AssertionError(f"after {step}, the {name} build differs from a clean build:\n"
                                     + difference(clean, kept, self.clean.blobs, out))


def changes(before: dict[str, str], after: dict[str, str]) -> str:
    """Which input files a step added, removed or edited, for the messages."""
    found = [f"added {p}" for p in after.keys() - before.keys()] + [f"removed {p}" for p in before.keys() - after.keys()]
    found += [f"edited {p}" for p in after.keys() & before.keys() if after[p] != before[p]]
    return ", ".join(sorted(found)) or "no change"


def difference(clean: tuple, kept: tuple, blobs: dict[str, bytes], out: Path) -> str:
    """What differs between a clean build's outcome and a kept build's (published into
    ``out``): files missing, extra or changed, and where the first changed file differs."""
    if "failed" in (clean[0], kept[0]):
        return "\n".join(f"{who}: {'failed' if result[0] == 'failed' else 'built'}, {result[1]}"
                         for who, result in (("clean", clean), ("kept", kept)))
    lines = [f"missing: {p}" for p in sorted(clean[0].keys() - kept[0].keys())]
    lines += [f"not in the clean build: {p}" for p in sorted(kept[0].keys() - clean[0].keys())]
    changed = sorted(p for p in clean[0].keys() & kept[0].keys() if clean[0][p] != kept[0][p])
    lines += [f"differs: {p}" for p in changed]
    if changed:
        lines += first_difference(changed[0], blobs[clean[0][changed[0]]], (out / changed[0]).read_bytes())
    if clean[1] != kept[1]:
        lines += [f"warnings of the clean build: {clean[1]}", f"warnings of the kept build: {kept[1]}"]
    return "\n".join(lines)


def first_difference(name: str, expected: bytes, actual: bytes, around: int = 100) -> list[str]:
    """Where ``actual`` first departs from ``expected``, with some bytes either side (the
    pages are minified: a line diff would show one enormous line)."""
    at = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b), min(len(expected), len(actual)))
    line, start = expected.count(b"\n", 0, at) + 1, max(0, at - around)
    return [f"first difference in {name}, line {line}, byte {at}:", f"  clean: {expected[start:at + around]!r}",
            f"  kept:  {actual[start:at + around]!r}"]


@pytest.mark.slow  # about three minutes on two shared cores: make test runs it, make test-fast does not
def test_any_sequence_of_edits_builds_what_a_clean_build_builds(tmp_path):
    EditedSite.workspace = tmp_path
    EditedSite.clean = CleanBuilds(tmp_path / "clean", tmp_path / "charts")
    machine = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                       suppress_health_check=list(HealthCheck))(EditedSite)
    machine.TestCase().runTest()
