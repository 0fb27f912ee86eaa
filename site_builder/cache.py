"""What is unchanged since the last build: a key per output file, hashed from its inputs.

A page's key covers everything its bytes depend on: the engine (its source code and the
versions of the libraries that render), every template, the page's own item (all of
it), and the current value of every name, key and attribute of the template context
its last render looked at (recorded by :mod:`site_builder.context`: the configuration,
a static file's hashed name, the listings it showed, the figures and charts its body
used). When the key computed from the dependencies recorded last time equals the key
recorded then (see :mod:`site_builder.write`), the page is neither parsed as Markdown
nor rendered again: with the same inputs its render would look at the same values.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from pathlib import Path

from .context import TemplateContext, fingerprint
from .stamp import installed_distributions

SHARED_CACHE_ENV = "SITE_BUILDER_CACHE"


def shared_cache_dir(override: Path | None = None) -> Path:
    """The per-user folder of renders keyed by their content (charts by spec, data and
    library versions; the Vega bundle by vl-convert's version): ``override``, else
    ``$SITE_BUILDER_CACHE``, else ``$XDG_CACHE_HOME/site-builder`` (``~/.cache``). It
    lives outside the project, so a fresh output folder or ``make clean`` keeps it, and
    every checkout of every project on the machine shares it (equal keys, equal files)."""
    if override is not None:
        return override
    if os.environ.get(SHARED_CACHE_ENV):
        return Path(os.environ[SHARED_CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "site-builder"


@functools.cache
def version(distribution: str) -> str:
    """An installed distribution's version, looked up once per process (each lookup
    scans ``site-packages``: milliseconds that every preview rebuild would pay again).

    The version is read from the name of the distribution's ``NAME-VERSION.dist-info``
    folder, the first on ``sys.path`` as :mod:`importlib.metadata` would find it:
    importing that module costs a build with nothing to render a tenth of its time."""
    wanted = _normalized(distribution)
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for name in names:
            found, _, found_version = name.removesuffix(".dist-info").partition("-")
            if name.endswith(".dist-info") and _normalized(found) == wanted:
                return found_version
    import importlib.metadata  # an egg or another layout: the standard library knows them all
    return importlib.metadata.version(distribution)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def engine_digest() -> str:
    """The engine's own source (every module, the readers' too) and every installed
    distribution's version: a new engine or library renders every page afresh. Computed
    once per process (the code cannot change under it)."""
    digest = hashlib.sha256()
    engine = Path(__file__).parent
    for path in sorted(engine.rglob("*.py")):
        digest.update(path.relative_to(engine).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update("\n".join(installed_distributions()).encode())
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """Every file below ``folder``, by name and bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def render_key(base: str, dependencies: list, context: "TemplateContext") -> str:
    """The key of one rendered page: ``base`` (engine, templates, the template and the
    page's own item, see :func:`base_key`) and the current digest of every dependency
    its render recorded (see :mod:`site_builder.context`). Equal keys give equal bytes."""
    return hashlib.sha256("".join([base, *map(context.token, dependencies)]).encode()).hexdigest()[:32]


def base_key(shared: str, template: str, item: object, instances: dict | None = None) -> str:
    """What a page's bytes depend on besides its recorded dependencies: ``shared`` (the
    engine and every template), the template's name and everything the item holds.
    ``instances``: the build's digests of the instances it holds (see :func:`.context.fingerprint`)."""
    return hashlib.sha256(f"{shared}\0{template}\0{fingerprint(item, instances)}".encode()).hexdigest()
