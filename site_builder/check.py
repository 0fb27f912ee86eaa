"""``site-builder check``: everything a build verifies, without publishing anything.

For editors and pre-commit hooks. The check is a whole build (inputs, references,
templates, links, every output path) written into a temporary folder outside the
project and then deleted, so it can never disagree with ``build`` about what is
wrong; only the build cache under ``.cache/`` is shared, which makes a check after a
build, or a build after a check, fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .build import Report, build


def check(root: Path, strict: bool = False, drafts: bool = False, chart_cache: Path | None = None) -> Report:
    """Build ``root`` into a temporary folder and discard it. Raises
    :class:`~site_builder.errors.BuildError` exactly as :func:`~site_builder.build.build` does."""
    with tempfile.TemporaryDirectory(prefix="site-builder-check-") as folder:
        return build(root, out=Path(folder) / "public", strict=strict, drafts=drafts, chart_cache=chart_cache)
