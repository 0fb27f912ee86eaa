"""The search stage: a Pagefind index of the written pages.

Pagefind reads the finished HTML, so it runs on the staging folder after every page
is written and before the folder is swapped in; a failed index means nothing is
published. The binary ships inside the ``pagefind-bin`` wheel: no network needed.
Only elements marked ``data-pagefind-body`` are indexed (templates decide which
pages are worth finding).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

SEARCH_FOLDER = "pagefind"


class SearchIndexError(RuntimeError):
    """Pagefind could not run or failed: an installation problem, not a content mistake."""


def index_site(folder: Path, language: str) -> Path:
    """Write the search index for the HTML pages in ``folder`` into ``folder/pagefind``.

    ``language`` is the site's ISO 639-1 code; the whole site is indexed as that one
    language so that terms in other scripts (marked with ``lang`` inside a page) are
    found from the same search box. Returns the index folder; raises
    :class:`SearchIndexError` when Pagefind is missing or fails.
    """
    try:
        import pagefind_bin
        executable = pagefind_bin.get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError(f"the Pagefind binary is missing ({exc}); pip install 'pagefind[bin]'") from exc
    command = [str(executable), "--site", str(folder), "--output-subdir", SEARCH_FOLDER,
               "--force-language", language.split("-")[0], "--silent"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return folder / SEARCH_FOLDER
