"""What a template can see, and a record of what each render looked at.

Every name a template may use besides its own item (``page``, ``article`` …) is
declared here, once per build, in a :class:`TemplateContext`. While a page renders,
the context records which names it resolved and, for the mappings and views, which
keys and attributes it looked up: ``cited_by['some-slug']``, ``asset('style.css')``,
``site.datasets``. Those records are the page's dependencies. A page's reuse key (see
:func:`site_builder.cache.render_key`) hashes its own item, the templates and the
current value of each dependency it recorded last time: if none changed, the render
would take the same path through the same values and write the same bytes. No rule
kept by hand decides what a page depends on, so a new template variable or a new
listing cannot publish a stale page: it is recorded the first time it is used.

Listings show other pages as their front matter (see :func:`listed`): their body and
what rendering makes of it (HTML, table of contents) are blank. So a page that lists
another does not change when that page's text does, and never prints HTML that only
exists once the other page has been rendered (in another process, or later).

The names every template sees:

==================  =============================================================
``config``          the site configuration (``content/site.toml``)
``site``            ``site.pages``, ``.articles`` (listed), ``.datasets``,
                    ``.figures``, ``.claims``, ``.charts`` (definitions),
                    ``.rendered_charts``
``asset(name)``     the content-hashed URL of a file in ``static/``
``noindex``         whether pages ask search engines to skip them (drafts shown)
``sections``        section name → its pages, in order
``articles``        every article, newest first
``articles_by_slug``, ``cited_by`` (article slug → pages citing it),
``articles_for`` (page URL → its articles), ``neighbours`` (page URL → (previous,
next) in its section), ``claims`` (article slug → its checked claims),
``all_claims``, ``structured_data(items, image)`` (JSON-LD for an article, a page, a
chart or datasets), ``citation(item)`` (plain text and BibTeX for "Cite this")
==================  =============================================================
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Dependency = tuple[str, str | None]  # (name, key); key None: the whole value
_MISSING = object()


def fingerprint(value: Any) -> str:
    """A digest of everything ``value`` holds: equal for equal values, in any process.
    Fields marked ``keyed=False`` in their metadata (what rendering fills in, a chart's
    function) are left out."""
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest, value: Any) -> None:
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        digest.update(b"s%d:" % len(data) + data)  # the length keeps neighbours apart
    elif isinstance(value, bytes):
        digest.update(b"b%d:" % len(value) + value)
    elif isinstance(value, (list, tuple)):
        digest.update(b"[%d" % len(value))
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        digest.update(b"{%d" % len(value))
        for key, item in value.items():  # in order: templates iterate in this order
            _feed(digest, key)
            _feed(digest, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(type(value).__qualname__.encode() + b"(")
        for field in dataclasses.fields(value):
            if field.metadata.get("keyed", True):
                digest.update(field.name.encode() + b"=")
                _feed(digest, getattr(value, field.name))
    elif value is None or isinstance(value, (bool, int, float, dt.date, set, frozenset)):
        digest.update(repr(sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value).encode() + b";")
    elif value is _MISSING:
        digest.update(b"missing;")
    else:
        raise TypeError(f"cannot fingerprint a {type(value).__name__}: declare how its name is digested")


def listed(item: Any) -> Any:
    """``item`` as listings show it: a copy whose body and rendered fields are blank."""
    return dataclasses.replace(item, **{f.name: _blank(item, f) for f in dataclasses.fields(item)
                                        if not f.metadata.get("listed", True)})


def _blank(item: Any, field: dataclasses.Field) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return type(getattr(item, field.name))() if field.default is dataclasses.MISSING else field.default


class TemplateContext:
    """The names templates see, each with how its current value is digested, and the
    dependencies recorded while :meth:`tracing`."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._digesters: dict[str, Callable[[str | None], Any]] = {}
        self._digests: dict[Dependency, str] = {}
        self._trace: set[Dependency] | None = None
        self._self_recording: set[str] = set()  # mappings, views, functions: they record their keys

    def value(self, name: str, value: Any, shows: Callable[[], Any] | None = None) -> None:
        """Declare ``name``, seen as a whole; ``shows`` returns what its digest covers
        (default: the value itself; a function gives what it reads)."""
        self._values[name] = value
        self._digesters[name] = lambda key: shows() if shows else value

    def mapping(self, name: str, mapping: Mapping[str, Any]) -> None:
        """Declare ``name``, a mapping whose pages depend only on the keys they look up."""
        self._values[name] = _RecordedMapping(self, name, mapping)
        self._self_recording.add(name)
        self._digesters[name] = lambda key: mapping if key is None else mapping.get(key, _MISSING)

    def attributes(self, name: str, obj: Any) -> None:
        """Declare ``name``, an object whose pages depend only on the attributes they read."""
        self._values[name] = _RecordedAttributes(self, name, obj)
        self._self_recording.add(name)
        self._digesters[name] = lambda key: getattr(obj, key, _MISSING)

    def function(self, name: str, function: Callable[[str], Any]) -> None:
        """Declare ``name``, a function of one text argument (its result is what a page sees)."""
        def call(argument: str) -> Any:
            self.record(name, argument)
            return function(argument)
        self._values[name] = call
        self._self_recording.add(name)
        self._digesters[name] = lambda key: _result(function, key)

    def globals(self) -> dict[str, Any]:
        """The names for the template environment."""
        return dict(self._values)

    def resolved(self, name: str, value: Any) -> None:
        """A template resolved ``name`` to ``value``: a whole-value dependency, unless the
        name is a recording mapping, view or function (they record their own keys)."""
        if self._trace is not None and name not in self._self_recording and self._values.get(name, _MISSING) is value:
            self._trace.add((name, None))

    def record(self, name: str, key: str | None) -> None:
        if self._trace is not None:
            self._trace.add((name, key))

    @contextlib.contextmanager
    def tracing(self) -> Iterator[set[Dependency]]:
        """Record the dependencies of one render into the yielded set."""
        outer, self._trace = self._trace, set()
        try:
            yield self._trace
        finally:
            self._trace = outer

    def digest(self, dependency: Dependency) -> str:
        """The current digest of one recorded dependency (an unknown name: 'missing')."""
        if dependency not in self._digests:
            name, key = dependency
            digester = self._digesters.get(name)
            self._digests[dependency] = fingerprint(_MISSING if digester is None else digester(key))
        return self._digests[dependency]


def _result(function: Callable[[str], Any], argument: str) -> Any:
    try:
        return function(argument)
    except (KeyError, ValueError):
        return _MISSING


class _RecordedMapping(Mapping):
    """A read-only mapping that records each key a template looks up."""

    def __init__(self, context: TemplateContext, name: str, mapping: Mapping[str, Any]):
        self._context, self._name, self._mapping = context, name, mapping

    def __getitem__(self, key: str) -> Any:
        self._context.record(self._name, str(key))
        return self._mapping[key]

    def __iter__(self):
        self._context.record(self._name, None)
        return iter(self._mapping)

    def __len__(self) -> int:
        self._context.record(self._name, None)
        return len(self._mapping)


class _RecordedAttributes:
    """A read-only view of an object that records each attribute a template reads."""

    def __init__(self, context: TemplateContext, name: str, obj: Any):
        object.__setattr__(self, "_recorded", (context, name, obj))

    def __getattr__(self, attribute: str) -> Any:
        context, name, obj = object.__getattribute__(self, "_recorded")
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        context.record(name, attribute)
        return getattr(obj, attribute)
