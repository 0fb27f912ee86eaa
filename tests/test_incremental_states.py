"""Incremental builds are correct by construction: after any sequence of edits, what a
build that kept its caches publishes is byte for byte what a clean build publishes.

A Hypothesis state machine edits a tiny real site (pages, seed articles, the dataset,
the chart definition, templates, static files, seed sidecars, ``site.toml``; files added, removed and
renamed) and after every step builds it three ways: the command line's build into a
folder it keeps building into, the preview's (``defer=True`` with a memo, then
``finish``), and a clean build into a new folder with an empty cache. The published
files (and the messages of a failing build) must be equal. Only the per-user chart
cache is shared, as it is between real builds: it is keyed by content.

``STATEFUL_EXAMPLES`` sets how many edit sequences run (``make test`` runs it; ``make test-fast``
leaves it out, as a case marked slow).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, make_site, page, write_files
from fixtures_site import CHART_MODULE, DATA_CSV, chart_files
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

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
SEED_NAMES = ["alpha", "beta", "gamma"]
SEED_BODIES = ["The first story.", "The first story, told again at more length.", "In 2023 {fig:crossings-2023}."]
TITLES = ["First", "Second", "Third"]
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
EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "30"))


def seed(title: str, body: str) -> str:
    return f'---\ntitle: "{title}"\ndate: 2023-05-01\n---\n\n{body}\n'


def published(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class EditedSite(RuleBasedStateMachine):
    """A site, the folders its kept builds publish into, and the edits made to it."""

    chart_cache: Path  # shared by every build of every example, as the per-user cache is

    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="states-"))
        self.root = make_site(self.work / "site", {
            **chart_files(), "content/site.toml": CONFIG, "static/style.css": STYLES[0],
            "content/pages/index.md": page("Home", "Welcome.", template="home"),
            "content/pages/topics/one.md": page("One", BODIES[1], order=1, articles="[alpha]"),
            "content/pages/topics/two.md": page("Two", BODIES[2], order=2),
            "content/pages/sources.md": page("Sources", "Where it comes from.", template="sources"),
            "seeds/alpha.md": seed("First", SEED_BODIES[0]), "seeds/beta.md": seed("Second", SEED_BODIES[1]),
        })
        self.template = (self.root / "templates/page.html").read_text("utf-8")
        self.memo = InputMemo()
        self.builds = 0

    def teardown(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    @rule(name=st.sampled_from(PAGE_NAMES), body=st.sampled_from(BODIES), title=st.sampled_from(TITLES),
          order=st.integers(0, 3))
    def write_page(self, name, body, title, order):
        write_files(self.root, {f"content/pages/{name}.md": page(title, body, order=order)})

    @rule(name=st.sampled_from(PAGE_NAMES))
    def remove_page(self, name):
        (self.root / f"content/pages/{name}.md").unlink(missing_ok=True)

    @rule(old=st.sampled_from(PAGE_NAMES), new=st.sampled_from(PAGE_NAMES))
    def rename_page(self, old, new):
        source = self.root / f"content/pages/{old}.md"
        if source.exists():
            source.rename(self.root / f"content/pages/{new}.md")

    @rule(name=st.sampled_from(SEED_NAMES), title=st.sampled_from(TITLES), body=st.sampled_from(SEED_BODIES))
    def write_seed(self, name, title, body):
        write_files(self.root, {f"seeds/{name}.md": seed(title, body)})

    @rule(name=st.sampled_from(SEED_NAMES))
    def remove_seed(self, name):
        (self.root / f"seeds/{name}.md").unlink(missing_ok=True)

    @rule(name=st.sampled_from(SEED_NAMES), sidecar=st.sampled_from(["", "outlet: The Outlet\n", "tags: [a, b]\n"]))
    def write_sidecar(self, name, sidecar):
        path = self.root / f"content/seeds/{name}.yaml"
        write_files(self.root, {f"content/seeds/{name}.yaml": sidecar}) if sidecar else path.unlink(missing_ok=True)

    @rule(data=st.sampled_from(DATA))
    def edit_dataset(self, data):
        write_files(self.root, {"content/data/crossings.csv": data})

    @rule(module=st.sampled_from(CHARTS))
    def edit_chart(self, module):
        write_files(self.root, {"content/charts/crossings.py": module})

    @rule(edit=st.sampled_from(TEMPLATE_EDITS))
    def edit_template(self, edit):
        text = self.template.replace(edit[0], edit[1], 1) if edit[0] else self.template
        write_files(self.root, {"templates/page.html": text})

    @rule(style=st.sampled_from(STYLES), extra=st.booleans())
    def edit_static(self, style, extra):
        write_files(self.root, {"static/style.css": style})
        (self.root / "static/extra.txt").write_text("x") if extra else (self.root / "static/extra.txt").unlink(missing_ok=True)

    @rule(config=st.sampled_from(CONFIGS))
    def edit_config(self, config):
        write_files(self.root, {"content/site.toml": config})

    @invariant()
    def kept_builds_publish_what_a_clean_build_publishes(self):
        self.builds += 1
        clean = self._build(self.work / f"clean-{self.builds}", self.work / f"clean-cache-{self.builds}")
        cli = self._build(self.work / "cli", self.work / "cli-cache")
        preview = self._build(self.work / "preview", self.work / "preview-cache", defer=True, memo=self.memo)
        assert cli == clean
        assert preview == clean
        shutil.rmtree(self.work / f"clean-{self.builds}", ignore_errors=True)
        shutil.rmtree(self.work / f"clean-cache-{self.builds}", ignore_errors=True)

    def _build(self, out: Path, cache: Path, **options) -> tuple:
        """(published files, warnings) of a build, or the messages it failed with."""
        try:
            report = build(self.root, out=out, cache_dir=cache, chart_cache=self.chart_cache, **options)
        except BuildError as exc:
            return "failed", [str(p) for p in exc.problems]
        report.finish()
        return published(out), sorted(str(w) for w in report.warnings)


@pytest.mark.slow  # 2 to 7 minutes on two shared cores: make test runs it, make test-fast does not
def test_any_sequence_of_edits_builds_what_a_clean_build_builds(tmp_path):
    EditedSite.chart_cache = tmp_path / "charts"
    machine = settings(max_examples=EXAMPLES, stateful_step_count=10, deadline=None,
                       suppress_health_check=list(HealthCheck))(EditedSite)
    machine.TestCase().runTest()
