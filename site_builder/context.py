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
import functools
import hashlib
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Dependency = tuple[str, str | None]  # (name, key); key None: the whole value
_MISSING = object()


def fingerprint(value: Any, memo: dict[int, tuple[Any, bytes]] | None = None) -> str:
    """A digest of everything ``value`` holds: equal for equal values, in any process.
    Fields marked ``keyed=False`` in their metadata (what rendering fills in, a chart's
    function) are left out. Each dataclass instance is digested on its own and enters
    its container as that digest; ``memo`` (id → (instance, digest)) keeps those of one
    build (:attr:`TemplateContext.instances`: the pages' own items and their template
    contexts show the same pages, charts and datasets in many places)."""
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, value, memo)
    return digest.hexdigest()


def _feed(digest, value: Any, memo) -> None:
    kind = type(value)
    if kind is str:
        data = value.encode("utf-8", "surrogatepass")
        digest.update(b"s%d:" % len(data) + data)  # the length keeps neighbours apart
    elif (kind is list or kind is dict) and _plain(value):  # a data table's rows, a chart's labels
        data = repr(value).encode("utf-8", "surrogatepass")
        digest.update(b"r%d:" % len(data) + data)
    elif kind is list or kind is tuple:
        digest.update(b"[%d" % len(value))
        for item in value:
            _feed(digest, item, memo)
    elif kind is dict:
        digest.update(b"{%d" % len(value))
        for key, item in value.items():  # in order: templates iterate in this order
            _feed(digest, key, memo)
            _feed(digest, item, memo)
    elif kind in _SCALARS or value is None:
        digest.update(repr(value).encode() + b";")
    elif kind in _DATACLASSES or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        digest.update(b"D" + _instance_digest(value, memo))
    else:
        _feed_other(digest, value, memo)


_PLAIN_SCALARS = {str, int, bool, float, type(None)}


def _plain(value: list | dict) -> bool:
    """Whether ``repr(value)`` tells it exactly (and far faster than walking it): lists
    and text-keyed dicts of text, numbers, booleans and None, nested. Not tuples (a
    list and a tuple are digested alike) nor subclasses (``Markup`` is digested as text)."""
    if type(value) is list:
        return all(type(item) in _PLAIN_SCALARS or (type(item) in _CONTAINERS and _plain(item)) for item in value)
    return all(type(key) is str and (type(item) in _PLAIN_SCALARS or (type(item) in _CONTAINERS and _plain(item)))
               for key, item in value.items())


_CONTAINERS = {list, dict}


def _instance_digest(value: Any, memo) -> bytes:
    """One dataclass instance's digest: its type and keyed fields (the common kinds of
    field inline, for speed: a thousand pages are digested on every build)."""
    sealed = value.__dict__.get(_SEALED)
    if sealed is not None:
        return sealed
    found = memo.get(id(value)) if memo is not None else None
    if found is not None and found[0] is value:
        return found[1]
    names = _DATACLASSES.get(type(value))
    if names is None:
        names = _DATACLASSES[type(value)] = (type(value).__qualname__.encode() + b"(", tuple(
            field.name for field in dataclasses.fields(value) if field.metadata.get("keyed", True)))
    own = hashlib.blake2b(names[0], digest_size=16)
    for name in names[1]:
        item = getattr(value, name)
        kind = type(item)
        if kind is str:
            data = item.encode("utf-8", "surrogatepass")
            own.update(b"s%d:" % len(data))
            own.update(data)
        elif kind is int or kind is bool or item is None or kind is dt.date or (
                kind is list and all(type(x) is str for x in item)):
            own.update(repr(item).encode("utf-8", "surrogatepass") + b";")  # unambiguous for these types
        else:
            own.update(b"D")
            _feed(own, item, memo)
    result = own.digest()
    if memo is not None:
        memo[id(value)] = (value, result)  # the instance is held, so its id is not reused
    return result


def _feed_other(digest, value: Any, memo) -> None:
    if isinstance(value, str):  # a subclass (Markup)
        _feed(digest, str(value), memo)
    elif isinstance(value, bytes):
        digest.update(b"b%d:" % len(value) + value)
    elif isinstance(value, (list, tuple)):
        _feed(digest, list(value), memo)
    elif isinstance(value, dict):
        _feed(digest, dict(value), memo)
    elif isinstance(value, (bool, int, float, dt.date)):
        digest.update(repr(value).encode() + b";")
    elif isinstance(value, (set, frozenset)):
        digest.update(repr(sorted(value, key=repr)).encode() + b";")
    elif value is _MISSING:
        digest.update(b"missing;")
    else:
        raise TypeError(f"cannot fingerprint a {type(value).__name__}: declare how its name is digested")


_SCALARS = {bool, int, float, dt.date, dt.datetime}
_DATACLASSES: dict[type, tuple[bytes, tuple[str, ...]]] = {}  # type → its name and keyed fields


_SEALED, _LISTED = "_sealed_digest", "_listed_digest"


def seal(item: Any, digest: bytes, listed_digest: bytes | None = None) -> Any:
    """Give a frozen item the digests :func:`instance_digest` made of an equal one and
    of its :func:`listed` copy (its memo entry's, see :mod:`.memo`), so that neither is
    digested again. Only for frozen dataclasses: their keyed fields cannot change."""
    if not type(item).__dataclass_params__.frozen:
        raise TypeError(f"only a frozen item can keep its digest, not a {type(item).__name__}")
    object.__setattr__(item, _SEALED, digest)
    if listed_digest is not None:
        object.__setattr__(item, _LISTED, listed_digest)
    return item


def instance_digest(item: Any) -> bytes:
    """The digest a dataclass instance enters its container's digest as."""
    return _instance_digest(item, None)


def listed(item: Any) -> Any:
    """``item`` as listings show it: a copy whose body and rendered fields are blank
    (a shallow copy: a thousand pages are listed on every build)."""
    copy = object.__new__(type(item))
    copy.__dict__.update(item.__dict__)
    copy.__dict__.pop(_SEALED, None)  # the digest was of the whole item; the listed one is the copy's
    if _LISTED in copy.__dict__:
        copy.__dict__[_SEALED] = copy.__dict__.pop(_LISTED)
    for name, blank in _unlisted(type(item)):
        object.__setattr__(copy, name, blank())
    return copy


@functools.cache
def _unlisted(kind: type) -> tuple[tuple[str, Callable[[], Any]], ...]:
    """The fields listings leave blank, each with what makes its blank value: its
    default, else its declared type's empty value (never read from the item: a page
    remembered between builds reads its body only when used, see ``Page.__getattr__``)."""
    hints = typing.get_type_hints(kind)
    return tuple((f.name, _blank(f, hints[f.name])) for f in dataclasses.fields(kind) if not f.metadata.get("listed", True))


def _blank(field: dataclasses.Field, declared: Any) -> Callable[[], Any]:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory
    if field.default is not dataclasses.MISSING:
        return lambda: field.default
    return typing.get_origin(declared) or declared  # str → "", list[Block] → []


class TemplateContext:
    """The names templates see, each with how its current value is digested, and the
    dependencies recorded while :meth:`tracing`."""

    def __init__(self, instances: dict[int, tuple[Any, bytes]] | None = None) -> None:
        self._values: dict[str, Any] = {}
        self._digesters: dict[str, Callable[[str | None], Any]] = {}
        self._digests: dict[Dependency, str] = {}
        self._trace: set[Dependency] | None = None
        # the digests of the dataclass instances this build digested (see fingerprint());
        # one build's editions and reuse keys share them
        self.instances: dict[int, tuple[Any, bytes]] = {} if instances is None else instances
        self._tokens: dict[Dependency, str] = {}
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

    def token(self, dependency: Dependency) -> str:
        """A dependency and its current digest, as one piece of a page's reuse key."""
        token = self._tokens.get(dependency)
        if token is None:
            name, key = dependency
            token = self._tokens[dependency] = f"\0{name}\0{'*' if key is None else 'k' + key}\0{self.digest(dependency)}"
        return token

    def digest(self, dependency: Dependency) -> str:
        """The current digest of one recorded dependency (an unknown name: 'missing')."""
        if dependency not in self._digests:
            name, key = dependency
            digester = self._digesters.get(name)
            self._digests[dependency] = fingerprint(_MISSING if digester is None else digester(key), self.instances)
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
