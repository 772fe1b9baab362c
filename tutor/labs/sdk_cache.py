"""botocore's API descriptions, kept pickled: a lab command reads EC2's in 12 ms instead of 60.

Every lab command is a fresh process, and each client it builds makes botocore parse its
service's JSON description: EC2's is 570 KB of gzipped JSON (50-60 ms), the endpoints table
1.2 MB (15-20 ms), read again by every `tutor lab verify`, `run` and `cleanup`. Here the large
files are kept, once parsed, as pickles in the tutor's cache folder (tutor.paths.cache_dir).

The cache is only ever an optimisation:
- a pickle is used only if it names the same source file with the same size and modification
  time, and it lives under the Python and botocore versions that wrote it;
- anything wrong with it (missing, truncated, unreadable, another source) means botocore's own
  reading, then a new pickle (tutor.content.cache.keep: a temporary file, then renamed);
- the data is the same JSON, as plain dicts (botocore reads it into OrderedDicts; dicts keep the
  order too, and load twice as fast).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

import botocore
from botocore.loaders import JSONFileLoader

from tutor import paths
from tutor.content.cache import keep, read_kept

#: Smaller files parse in a millisecond or two: not worth a file of their own.
MIN_SIZE = 32 * 1024
_FORMAT = 1


def install(session: Any) -> Any:
    """``session`` (boto3's) with its botocore loader reading through the cache; returned."""
    with contextlib.suppress(Exception):  # botocore's internals moved: it reads its JSON itself
        loader = session._session.get_component("data_loader")
        if not isinstance(loader.file_loader, PickledFileLoader):
            loader.file_loader = PickledFileLoader(_folder())
    return session


def _folder() -> Path | None:
    try:
        folder = paths.cache_dir() / "sdk" / f"py{sys.version_info[0]}.{sys.version_info[1]}-botocore{botocore.__version__}"
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache folder: botocore reads its JSON every time
    return folder


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class PickledFileLoader(JSONFileLoader):
    def __init__(self, folder: Path | None) -> None:
        self._folder = folder

    def load_file(self, file_path: str) -> Any:
        source, stat = _source(file_path)
        if source is None or self._folder is None or stat.st_size < MIN_SIZE:
            return super().load_file(file_path)
        stamp = (_FORMAT, source, stat.st_size, stat.st_mtime_ns)
        kept = self._folder / _pickle_name(source)
        data = read_kept(kept, stamp)  # any fault in the cache: None, and the JSON is read
        if data is not None:
            return data
        data = super().load_file(file_path)
        if isinstance(data, OrderedDict):
            data = _plain(data)
            keep(kept, stamp, data)
        return data


def _pickle_name(source: str) -> str:
    """``ec2-2016-11-15-service-2.json.gz-<hash of the whole path>.pickle``: readable, and short
    whatever the depth of the folder botocore is installed in (a name has 255 bytes at most)."""
    parts = Path(source).parts
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    return "-".join([*parts[-3:], digest]) + ".pickle"


def _source(file_path: str) -> tuple[str | None, Any]:
    """The file botocore would read for ``file_path`` (given without its extension), and its stat."""
    for extension in (".json", ".json.gz"):  # botocore's order (botocore.loaders._JSON_OPEN_METHODS)
        with contextlib.suppress(OSError):
            stat = os.stat(file_path + extension)
            return file_path + extension, stat
    return None, None
