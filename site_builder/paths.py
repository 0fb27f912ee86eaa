"""Where a project keeps each kind of input: the one list of what a build may read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """Where a project keeps each kind of input (all below ``root``)."""

    root: Path

    @property
    def content(self) -> Path: return self.root / "content"
    @property
    def config(self) -> Path: return self.content / "site.toml"
    @property
    def pages(self) -> Path: return self.content / "pages"
    @property
    def data(self) -> Path: return self.content / "data"
    @property
    def charts(self) -> Path: return self.content / "charts"
    @property
    def claims(self) -> Path: return self.content / "claims"
    @property
    def figures(self) -> Path: return self.content / "figures.yaml"
    @property
    def sidecars(self) -> Path: return self.content / "seeds"
    @property
    def seeds(self) -> Path: return self.root / "seeds"
    @property
    def templates(self) -> Path: return self.root / "templates"
    @property
    def static(self) -> Path: return self.root / "static"
    @property
    def cache(self) -> Path: return self.root / ".cache" / "site-builder"

    @property
    def inputs(self) -> list[Path]:
        """The folders a build reads (every other input lies below one of them); the
        preview watches them and a build's stamp covers them (see :mod:`.stamp`)."""
        return [self.content, self.seeds, self.templates, self.static]
