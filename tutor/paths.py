"""The one module that knows where things live on disk.

Tests redirect everything by setting ``TUTOR_HOME`` (or ``TUTOR_DB``); nothing else in the
package builds a user path itself.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository (or installed tree) that holds content/, quizzes/ and labs/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_root() -> Path:
    """Where content/, quizzes/ and labs/ are read from (``TUTOR_CONTENT`` overrides)."""
    return Path(os.environ.get("TUTOR_CONTENT") or PROJECT_ROOT)


def data_dir() -> Path:
    """The user's data folder: the progress database and the sandbox's state."""
    home = os.environ.get("TUTOR_HOME")
    if home:
        path = Path(home)
    else:
        from platformdirs import user_data_path

        path = user_data_path("saa-tutor", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """What the tutor can rebuild at any time (the compiled catalog): ``TUTOR_CACHE_DIR``, else a
    ``cache`` folder in ``TUTOR_HOME`` when that is set, else the user's cache folder."""
    chosen = os.environ.get("TUTOR_CACHE_DIR")
    if chosen:
        path = Path(chosen)
    elif os.environ.get("TUTOR_HOME"):
        path = data_dir() / "cache"
    else:
        from platformdirs import user_cache_path

        path = user_cache_path("saa-tutor", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The progress database: ``--db`` first, then ``TUTOR_DB``, then the data folder."""
    chosen = explicit or os.environ.get("TUTOR_DB")
    if chosen:
        path = Path(chosen).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    return data_dir() / "progress.db"


def sandbox_dir() -> Path:
    path = data_dir() / "sandbox"
    path.mkdir(parents=True, exist_ok=True)
    return path
