"""The promise of issue 15: nothing inside a seed file is an error, or a ``--strict``
failure, that its sidecar cannot settle. Seeds are kept byte-for-byte, so every message
a seed causes must name a sidecar key, and setting the keys the messages name must make
the strict build pass.

The seeds are every ``seeds/`` file of the invalid cases (``tests/invalid/*/seeds``),
every reader fixture (``tests/readers``, here without their outlet settings) and the
bodies below, which reach the Markdown stage. They are built as one site, and each
round sets the sidecar keys the messages name, until the build passes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import make_site, page
from site_builder.build import build
from site_builder.errors import BuildError

TESTS = Path(__file__).parent
# A file with no text at all is not an article a sidecar could describe: its one
# message says to remove it (the "one helpful message" for an unreadable seed).
NO_ARTICLE = ("not a text file (it holds binary data)", "seed file is empty")
BODIES = {
    "chart-and-figures.md": "---\ntitle: Our extensions are not theirs\n---\n```chart darien\n```\n\n"
                            "It said {fig:nothing} and {n:75 miles}.\n",
    "deep-nesting.md": "---\ntitle: Deep\n---\n" + "> " * 60 + "deep\n",
    "invisible.md": "---\ntitle: Hidden\n---\nText\u200b with a zero-width space.\n",
    "not-text-values.md": "---\ntitle: Values\nsummary: [1, 2]\nupdated: someday\nimage: {caption: [x]}\n"
                          "category: {a: b}\ncanonical_url: ftp://x\n---\nText.\n",
    "no-body.md": "---\ntitle: Only a header\n---\n",
    "named-reader-wrong.txt": "just a line of text\n",
    "outlet-links.md": "---\ntitle: Their links\n---\nSee [more](/world/other-story/), [this](other.html#x), "
                       "[that](#gone) and ![their photo](/img/p.jpg).\n",
}
# what the repository's templates link to, so that a strict build of a tiny site can pass
PAGES = {"content/pages/index.md": page("Home", template="home"), "content/pages/about.md": page("About", template="about"),
         "content/pages/sources.md": page("Sources"), "content/pages/topics/route.md": page("Route", template="topic")}
SIDECAR_FOR_BODY = {"named-reader-wrong": {"reader": "plaintext"}}
VALUES = {"title": "A settled title", "date": "2024-01-02", "updated": "2024-01-03", "authors": ["A. Reporter"],
          "url": "https://example.org/original", "outlet": "An Outlet", "summary": "What it says.",
          "category": "news", "encoding": "windows-1252"}
SIDECAR = re.compile(r"content/seeds/([^\s)'\"]+)\.yaml")
SETTLES = re.compile(r"set (?:another )?'(?P<key>\w+)' in |add '(?P<kind>[\w-]+)' to 'accept' in |'reader: (?P<reader>\w+)'")


def seed_files() -> dict[str, bytes]:
    files = {f"seeds/{case.parent.parent.name}--{case.name}": case.read_bytes()
             for case in sorted(TESTS.glob("invalid/*/seeds/*")) if case.is_file()}
    files.update({f"seeds/reader-{case.parent.name}--{case.name}": case.read_bytes()
                  for case in sorted(TESTS.glob("readers/*/*")) if case.is_file()
                  and case.name != "settings.json" and not case.name.endswith(".expected.json")})
    files.update({f"seeds/body--{name}": text.encode() for name, text in BODIES.items()})
    return files


def settle(message: str, hint: str, stem: str, sidecar: dict) -> None:
    """Set in ``sidecar`` what the hint of one seed's message names."""
    found = SETTLES.search(hint)
    assert found, f"names no sidecar key: {message} ({hint})"
    if found["reader"]:
        sidecar["reader"] = found["reader"]
    elif found["kind"]:
        sidecar.setdefault("accept", []).append(found["kind"])
    elif found["key"] == "slug":
        sidecar["slug"] = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    else:
        sidecar[found["key"]] = VALUES[found["key"]]


def test_every_seed_message_is_settled_by_the_sidecar_key_it_names(tmp_path):
    files = seed_files()
    sidecars = {stem: dict(values) for stem, values in SIDECAR_FOR_BODY.items()}
    sidecars = {f"body--{stem}": values for stem, values in sidecars.items()}
    root = make_site(tmp_path / "site", {**PAGES, **files})
    seen = []
    for round_ in range(10):
        for stem, values in sidecars.items():
            (root / "content/seeds").mkdir(parents=True, exist_ok=True)
            (root / f"content/seeds/{stem}.yaml").write_text(yaml.safe_dump(values), "utf-8")
        try:
            build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", strict=True)
            break
        except BuildError as error:
            problems = [p for p in error.problems if p.message not in NO_ARTICLE]
            removed = [p for p in error.problems if p.message in NO_ARTICLE]
        for problem in removed:  # done as its message says
            (root / problem.source).unlink()
        for problem in problems:
            assert problem.source.startswith("seeds/"), f"not from a seed: {problem}"
            sidecar = SIDECAR.search(problem.hint)
            assert sidecar and sidecar[1] == Path(problem.source).stem, f"names no sidecar: {problem}"
            settle(problem.message, problem.hint, sidecar[1], sidecars.setdefault(sidecar[1], {}))
            seen.append(problem)
    else:
        pytest.fail("still failing after 10 rounds:\n" + "\n".join(map(str, problems)))

    kinds = {kind for values in sidecars.values() for kind in values.get("accept", [])}
    # the walk met every kind of message this test is for (a regression would show as a gap)
    assert {"raw-html", "remote-images", "refused-links", "deep-nesting", "invisible-characters", "empty-body",
            "ignored-metadata", "relative-links"} <= kinds
    assert {"title", "date", "encoding", "slug", "reader"} <= {key for values in sidecars.values() for key in values}
    assert len(seen) > 30


QUOTED = ("---\ntitle: Their story\n---\n<b>Bold</b> [more](/world/other/) and ![photo](/img/p.jpg) "
          "[run](javascript:alert(1)) {fig:nothing}\n")


def test_accepting_changes_no_byte_of_the_page(site, tmp_path):
    """Accepting findings only silences them: the page is the same, nothing unsafe in it."""
    plain = site({**PAGES, "seeds/s.md": QUOTED}).read("articles/their-story/index.html")
    accepted = site({"content/seeds/s.yaml": "accept: [raw-html, remote-images, refused-links, relative-links]\n"},
                    strict=True).read("articles/their-story/index.html")
    assert accepted == plain
    assert "&lt;b&gt;Bold&lt;/b&gt;" in plain and "<b>" not in plain
    assert "/img/p.jpg" not in plain and 'href="javascript' not in plain
    assert 'href="/world/other/"' not in plain and "{fig:nothing}" in plain


def test_relative_links_of_a_seed_point_at_the_original(site):
    built = site({"seeds/s.md": QUOTED, "content/seeds/s.yaml": "url: https://news.example/a/story\n"})
    assert 'href="https://news.example/world/other/"' in built.read("articles/their-story/index.html")
