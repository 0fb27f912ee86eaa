"""The render stage: Jinja2 templates with autoescaping and StrictUndefined.

Template mistakes are content mistakes: they are reported as
``templates/name.html:line: message``, not as tracebacks. The names templates see
come from a :class:`~site_builder.context.TemplateContext`, which learns from the
environment below every name a render resolves (its dependencies).
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import jinja2

from .context import TemplateContext
from .errors import Problems
from .i18n import as_date, date_formatter, number_formatter
from .model import Language


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
        # Compiled templates are kept between builds (keyed by their source's checksum):
        # compiling is most of a small site's render time, and the preview rebuilds often.
        bytecode = jinja2.FileSystemBytecodeCache(str(_made(cache_dir / "templates"))) if cache_dir else None
        self.env = _Environment(bytecode_cache=bytecode,
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
        if translations is None:
            self.env.install_null_translations(newstyle=True)
        else:
            self.env.install_gettext_translations(translations, newstyle=True)
        self.env.filters["date"] = date_formatter(language)
        self.env.filters["number"] = number_formatter(language)
        self.env.filters["isodate"] = iso_date
        self.env.template_context = context
        self.env.globals.update(context.globals())

    def render(self, template: str, problems: Problems, **context: Any) -> str | None:
        """Render ``template`` with ``context``; template errors are reported, None returned."""
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateNotFound as exc:
            known = ", ".join(sorted(p.stem for p in self.templates_dir.glob("*.html")))
            problems.add(context.get("source", self.templates_dir), 0, f"template '{exc.name}' not found",
                         f"templates: {known}")
        except jinja2.TemplateSyntaxError as exc:
            problems.add(Path(exc.filename or self.templates_dir / template), exc.lineno or 0,
                         f"template syntax: {exc.message}")
        except (jinja2.UndefinedError, TypeError, ValueError, KeyError, AttributeError) as exc:
            frame = self._template_frame(exc)
            if frame is None:
                raise  # not a template's mistake: a bug, keep the traceback
            problems.add(frame[0], frame[1], f"template error: {exc}")
        return None

    def _template_frame(self, exc: BaseException) -> tuple[Path, int] | None:
        root = self.templates_dir.resolve()
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if Path(f.filename).resolve().is_relative_to(root)]
        return (Path(frames[-1].filename), frames[-1].lineno or 0) if frames else None
