"""Locating a broken link and hinting at the address meant: exact, and the same cost per warning."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

import site_builder.links as links
from site_builder.links import _Addresses, _holds_whole

PIECES = st.text(alphabet="ab/._-#%é1 ()\"'=<>字", max_size=14)


@settings(max_examples=500)
@given(PIECES.filter(bool), PIECES)
def test_whole_address_search_matches_the_pattern_it_replaced(url, line):
    pattern = re.compile(r"(?<![\w/.#%-])" + re.escape(url) + r"(?![\w/.#%-])")
    assert _holds_whole(line, url) == bool(pattern.search(line))


def test_a_hint_comes_from_the_folder_or_the_name_and_is_made_once_per_address(monkeypatch):
    files = {"index.html", "topics/index.html", "topics/route/index.html", "topics/asylum/index.html",
             "about/index.html", "static/style.css"} | {f"notes/n{i}/index.html" for i in range(2000)}
    addresses = _Addresses(files)
    asked = []
    real = links.did_you_mean
    monkeypatch.setattr(links, "did_you_mean", lambda name, known: asked.append(len(known)) or real(name, known))
    assert addresses.closest("/topics/rout/") == "did you mean '/topics/route/'?"  # a misspelt page
    assert addresses.closest("/topcs/route/") == "did you mean '/topics/route/'?"  # a misspelt folder
    assert addresses.closest("/abut/") == "did you mean '/about/'?"
    assert addresses.closest("/static/styl.css") == "did you mean '/static/style.css'?"
    assert addresses.closest("/topics/rout/") == "did you mean '/topics/route/'?"
    assert len(asked) == 4  # the repeated address was not judged again
    assert max(asked) < 10  # never the 2,000 notes: only the folder's and the name's addresses
