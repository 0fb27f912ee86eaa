"""Property-based tests: random and mutated content through the seed readers, the
Markdown stage and the output paths. Never an unexpected exception, never a path
outside the output folder, never live code in the HTML."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from safety import live_code
from site_builder.errors import Problems
from site_builder.markdown import Markdown, References
from site_builder.pages import page_address
from site_builder.seeds import load_article
from site_builder.write import Output, OutputPathError

BOUNDED = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
TERMS = {"zh": ("zh-Hans", "zh-Latn-pinyin")}
FRAGMENTS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
             "[b](JAVASCRIPT&#58;x)", "<javascript:x>", "![i](data:image/svg+xml,<svg onload=x>)",
             "![t](https://t.example/p.gif)", "<iframe>", "\"><svg/onload=x>", "{fig:x}", "{zh:走线|zǒuxiàn}",
             "> ", "- ", "1. ", "```chart x\n```\n", "`", "*", "_", "[", "]", "(", ")", "\n", "\n\n", "|", "---\n",
             "&#106;avascript:", "[r]: vbscript:x\n", "\u202e", "\x00", "\r\n", "<!--", "##", "[^1]", "[^1]: n\n"]
hostile_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40).map("".join)
SEEDS = sorted((REPO / "seeds").glob("*.txt")) if (REPO / "seeds").is_dir() else []
SEED_TEXTS = [p.read_text("utf-8") for p in SEEDS] or ["Posted on March 30, 2023\n\nA title\n\nAnn, Outlet, March 29, 2023\n\nBody.\n"]


def render(text: str) -> str:
    problems = Problems(Path("/site"))
    return Markdown(TERMS).render(text, Path("/site/x.md"), 1, References({"x"}, {}, TERMS), problems).html


@BOUNDED
@given(hostile_text)
def test_markdown_never_publishes_live_code(text):
    assert live_code(render(text)) == []


@st.composite
def mutated_seed(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_TEXTS)).encode("utf-8"))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "byte"]))
        if action == "insert":
            data[at:at] = draw(st.sampled_from(FRAGMENTS)).encode("utf-8")
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 200))]
        else:
            data[at:at] = bytes([draw(st.integers(0, 255))])
    return bytes(data)


@BOUNDED
@given(st.one_of(mutated_seed(), hostile_text.map(lambda t: t.encode("utf-8")),
                 hostile_text.map(lambda t: ("---\ntitle: " + t + "\n---\n" + t).encode("utf-8"))),
       st.one_of(st.none(), hostile_text))
def test_seed_readers_report_or_read_and_stay_contained(content, sidecar):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "seeds").mkdir()
        (root / "content/seeds").mkdir(parents=True)
        (root / "seeds/s.txt").write_bytes(content)
        if sidecar is not None:
            (root / "content/seeds/s.yaml").write_text("slug: " + sidecar.replace("\x00", ""), "utf-8")
        problems = Problems(root)
        article = load_article(root / "seeds/s.txt", root / "content/seeds/s.yaml", root, problems)
        if article is None:
            assert problems.errors, "a refused seed must say why"
            return
        output = Output(root / "public")
        target = output.target(article.output)
        assert target.is_relative_to(output.staging.resolve())
        html = Markdown(TERMS).render_blocks(article.body, root / "seeds/s.txt", References(set(), {}, TERMS), problems,
                                             article.accepted)
        assert live_code(html) == []


file_names = st.lists(st.sampled_from(["..", ".", "a", "%2e%2e", "\\", "C:", "/", "é", " ", "index", "-", "A",
                                       "\x00", "~"]) | st.text(max_size=6), min_size=1, max_size=6)


@BOUNDED
@given(file_names)
def test_page_file_names_never_address_outside_the_output(parts):
    name = "/".join(parts) + ".md"
    try:
        relative = PurePosixPath(name)
    except ValueError:
        return
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return  # a folder listing never yields these: the walk stays inside the pages folder
    address = page_address(Path(relative))
    if address is not None:
        output = Output(Path(tempfile.gettempdir()) / "prop-out")
        assert output.target(address[3]).is_relative_to(output.staging.resolve())


@BOUNDED
@given(st.text(max_size=40))
def test_output_refuses_or_contains_every_relative_path(relative):
    output = Output(Path(tempfile.gettempdir()) / "prop-out")
    try:
        target = output.target(relative)
    except OutputPathError:
        return
    assert target.is_relative_to(output.staging.resolve())
