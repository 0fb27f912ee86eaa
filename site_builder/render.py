"""The render stage: Jinja2 templates with autoescaping and StrictUndefined.

Template mistakes are content mistakes: they are reported as
``templates/name.html:line: message``, not as tracebacks. The names templates see
come from a :class:`~site_builder.context.TemplateContext`, which learns from the
environment below every name a render resolves (its dependencies).
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .context import TemplateContext
from .errors import Problems, did_you_mean
from .i18n import as_date, date_formatter, list_formatter, number_formatter
from .model import Language


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def thousands(value: Any, column: str = "") -> Any:
    """``25565`` → ``25,565`` for numbers readers compare; anything else as it is. A
    column whose name or label says it holds years (``fiscal_year``, "Year") keeps
    its numbers plain: 2,023 is no year."""
    if "year" in column.lower():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{_decimals(value)}f}"
    return value


def _decimals(value: float) -> int:
    text = repr(value)
    return 0 if "e" in text or "." not in text else min(len(text.split(".")[1].rstrip("0")), 6)


def iso_date(value: Any) -> str:
    value = as_date(value)
    return value.isoformat() if value is not None else ""


class _TracedContext(jinja2.runtime.Context):
    """Tells the template context each name a template resolves (every template of a
    render, imported macros and included files alike, gets one of these)."""

    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        self.environment.template_context.resolved(key, value)
        return value


class _Environment(jinja2.Environment):
    context_class = _TracedContext
    template_context: TemplateContext


class Renderer:
    """One Jinja environment per build, with the site-wide context set once."""

    def __init__(self, templates_dir: Path, context: TemplateContext, language: Language,
                 cache_dir: Path | None = None, translations: Any = None):
        """``language`` formats dates and numbers; ``translations`` (gettext, see
        :func:`~site_builder.i18n.catalogue`) give the interface text of templates'
        ``_()``, which the templates folder's digest covers (``templates/locales/``)."""
        self.templates_dir = templates_dir
        self._undefined: list = []  # the latest undefined value, for 'did you mean' (see _undefined)
        # Compiled templates are kept between builds (keyed by their source's checksum):
        # compiling is most of a small site's render time, and the preview rebuilds often.
        bytecode = jinja2.FileSystemBytecodeCache(str(_made(cache_dir / "templates"))) if cache_dir else None
        # auto_reload off: a build renders every page with the templates it started
        # with (the preview makes a new Renderer for each build), and checking a
        # template's file for changes was a stat per template, import and include of
        # every page (25,000 at 1,000 pages).
        self.env = _Environment(bytecode_cache=bytecode, auto_reload=False,
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=_recording_undefined(self._undefined), trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
        if translations is None:
            self.env.install_null_translations(newstyle=True)
        else:
            self.env.install_gettext_translations(translations, newstyle=True)
        self.env.filters["date"] = date_formatter(language)
        self.env.filters["number"] = number_formatter(language)
        self.env.filters["isodate"] = iso_date
        self.env.filters["thousands"] = thousands
        self.env.filters["listed"] = list_formatter(language)
        self.env.filters["time"] = lambda value: Markup('<time datetime="{}">{}</time>').format(
            iso_date(value), self.env.filters["date"](value))
        # Text from content (site.toml's nav and licence wording) translated by the catalogue
        # but escaped like any content: ``_()`` marks its result safe, as it would a
        # template's own literal, which content must never be.
        self.env.filters["translated"] = (lambda text: str(text)) if translations is None else \
            (lambda text: str(translations.gettext(str(text))))
        self.env.template_context = context
        self.env.globals.update(context.globals())

    def render(self, template: str, problems: Problems, **context: Any) -> str | None:
        """Render ``template`` with ``context``; template errors are reported, None returned.

        A template mistake is reported at the template's line for the page being
        rendered (``context['source']``): every page that meets it is named in one message."""
        affects = f"page:{context.get('source') or 'templates/' + template}"
        self._forget_imported_modules()
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateNotFound as exc:
            known = [p.stem for p in self.templates_dir.glob("*.html")]
            problems.add(context.get("source", self.templates_dir), 0, f"template '{exc.name}' not found",
                         did_you_mean(Path(exc.name).stem, known))
        except jinja2.TemplateSyntaxError as exc:
            problems.add_for(affects, Path(exc.filename or self.templates_dir / template), exc.lineno or 0,
                             f"template syntax: {(exc.message or '').rstrip('.')}")
        except (jinja2.UndefinedError, TypeError, ValueError, KeyError, AttributeError) as exc:
            frame = self._template_frame(exc)
            if frame is None:
                raise  # not a template's mistake: a bug, keep the traceback
            message, hint = _undefined(exc, self._undefined, context, self.env.globals)
            problems.add_for(affects, frame[0], frame[1], message, hint)
        return None

    def _forget_imported_modules(self) -> None:
        """Jinja runs the top level of an ``{% import %}``-ed template once and keeps the
        module for every later render; names read there would then be recorded as
        dependencies of the first page only. Running it again for each page (it only
        defines macros and sets a few names) lets every page record what it reads."""
        for loaded in self.env.cache.values() if self.env.cache is not None else ():
            loaded._module = None  # jinja2.Template's cache of its module without context

    def _template_frame(self, exc: BaseException) -> tuple[Path, int] | None:
        root = self.templates_dir.resolve()
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if Path(f.filename).resolve().is_relative_to(root)]
        return (Path(frames[-1].filename), frames[-1].lineno or 0) if frames else None


def _recording_undefined(last: list) -> type:
    """StrictUndefined that keeps the latest undefined value in ``last``: jinja rewrites
    the traceback, so this is how a failure learns which object lacked which name."""

    class Recording(jinja2.StrictUndefined):
        __slots__ = ()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            last[:] = [self]

    return Recording


def _undefined(exc: Exception, last: list, context: dict, globals_: dict) -> tuple[str, str]:
    """The message and 'did you mean' hint for a template error."""
    message = "template error: " + re.sub(r"'[\w.]+\.(\w+ object)'", r"'\1'", str(exc))
    undefined = last[0] if last else None
    if not isinstance(exc, jinja2.UndefinedError) or undefined is None or undefined._undefined_message != str(exc):
        return message, ""
    owner, name = undefined._undefined_obj, undefined._undefined_name
    if owner is jinja2.utils.missing:
        known = [*context, *globals_]
    elif isinstance(owner, dict):
        known = [k for k in owner if isinstance(k, str)]
    else:
        known = [n for n in dir(owner) if not n.startswith("_")]
    hint = did_you_mean(str(name), known)
    return message, hint if hint.startswith("did you mean") else ""
