"""The compiled catalog: the validated content, kept on disk so a start does not re-validate it.

Parsing and validating every lesson, question and lab takes about a quarter of a second, paid
by every `tutor` start and every headless command; reading the pickled result back takes a
twentieth of that. The cache is only ever an optimisation:

- it is keyed by the tutor's version, the content files' paths, sizes and modification times,
  the source of the models and loader that built it, and the working folder (problem paths are
  written relative to it), so a changed, added or removed file is seen at the next start and a
  cache written by another version of the tutor is never trusted;
- anything wrong with it (missing, truncated, unreadable, another key) means a rebuild, never
  an error; it is written to a temporary file and renamed, so a crash or a second process never
  leaves half a cache behind.

It lives in :func:`tutor.paths.cache_dir`. Only the project's own catalog is cached: a catalog
of other files (an author's `tutor content check PATH`, a test's fixtures) is always read fresh.

Beside it, under the same key, is the catalog's summary (tutor.content.summary): what the home
screen's first frame shows, as plain data that unpickles without importing pydantic or the
models. :func:`load_summary` returns it only when it is current.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from pathlib import Path
from typing import Callable, Iterable

from tutor import __version__, paths

FILE_NAME = "catalog.pickle"
SUMMARY_NAME = "catalog-summary.pickle"
_FORMAT = 1  # bump when the cache's own layout changes
_BUILDERS = ("models.py", "loader.py", "files.py", "summary.py")  # the code that shapes what is cached


def key(files: Iterable[Path]) -> str:
    """What the cached catalog was built from; any change gives another key."""
    digest = hashlib.sha256(f"{_FORMAT}|{__version__}|{Path.cwd()}".encode())
    here = Path(__file__).resolve().parent
    for name in _BUILDERS:
        digest.update((here / name).read_bytes())
    for file in files:
        stat = file.stat()
        digest.update(f"|{file}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def load_or_build(files: list[Path], build: Callable[[], object]) -> object:
    """The cached catalog for ``files`` if it is there and current, else ``build()`` (then kept)."""
    try:
        wanted = key(files)
    except OSError:  # a file vanished while we looked: read afresh, cache nothing
        return build()
    try:
        path = paths.cache_dir() / FILE_NAME
    except OSError:  # no cache folder can be made: read afresh every time
        return build()
    catalog = read_kept(path, wanted)  # a missing, corrupt or foreign cache is rebuilt, never fatal
    if catalog is not None:
        if read_kept(path.with_name(SUMMARY_NAME), wanted) is None:  # kept by an earlier version
            _store_summary(path, wanted, catalog)
        return catalog
    catalog = build()
    keep(path, wanted, catalog)
    _store_summary(path, wanted, catalog)
    return catalog


def load_summary() -> object | None:
    """The summary of the project's catalog if the cache holds a current one, else None (the
    caller then loads the catalog itself)."""
    from tutor.content.files import content_files, default_targets  # noqa: PLC0415

    try:
        return read_kept(paths.cache_dir() / SUMMARY_NAME, key(content_files(default_targets())))
    except OSError:
        return None


def read_kept(path: Path, wanted: object) -> object | None:
    """What :func:`keep` stored in ``path`` under the key ``wanted``; None when the file is
    missing, corrupt, or kept under another key."""
    try:
        with path.open("rb") as fh:
            stored_key, value = pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, corrupt or foreign: not there
        return None
    return value if stored_key == wanted else None


def _store_summary(path: Path, wanted: str, catalog: object) -> None:
    from tutor.content.summary import CatalogSummary  # noqa: PLC0415

    keep(path.with_name(SUMMARY_NAME), wanted, CatalogSummary.of(catalog))


def keep(path: Path, wanted: object, value: object) -> None:
    """``value`` pickled in ``path`` under the key ``wanted``: written to a temporary file of this
    process and thread, then renamed, so no reader ever sees half of it."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with tmp.open("wb") as fh:
            pickle.dump((wanted, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk costs speed, not correctness
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
