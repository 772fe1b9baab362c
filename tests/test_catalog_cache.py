"""The compiled catalog cache: an optimisation that is never trusted when anything changed."""

from __future__ import annotations

import os
import pickle
import shutil

import pytest

from tutor import paths
from tutor.content import cache
from tutor.content.loader import load_catalog

from conftest import ROOT


@pytest.fixture
def content(tmp_path, monkeypatch):
    """A copy of the project's content the tests may change (TUTOR_CONTENT points at it)."""
    root = tmp_path / "content-root"
    for part in ("content", "quizzes", "labs"):
        shutil.copytree(ROOT / part, root / part)
    monkeypatch.setenv("TUTOR_CONTENT", str(root))
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path / "cache"))  # not the session's shared one
    return root


def cache_file():
    return paths.cache_dir() / cache.FILE_NAME


def test_second_load_comes_from_the_cache(content, monkeypatch):
    first = load_catalog()
    assert cache_file().exists()
    monkeypatch.setattr("tutor.content.loader._read", lambda wanted: pytest.fail("read although cached"))
    second = load_catalog()
    assert second.questions.keys() == first.questions.keys() and second.labs.keys() == first.labs.keys()


def _a_question_file(content):
    return sorted((content / "quizzes").rglob("*.yaml"))[0]


def test_changed_file_is_seen(content):
    file = _a_question_file(content)
    before = load_catalog()
    qid = next(q for q, (path, _) in before.question_paths.items() if path.endswith(file.name))
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace(f"id: {qid}", f"id: {qid}-changed", 1), encoding="utf-8")
    os.utime(file, ns=(file.stat().st_atime_ns, file.stat().st_mtime_ns + 1_000_000))
    after = load_catalog()
    assert f"{qid}-changed" in after.questions and qid not in after.questions


def test_added_and_removed_files_are_seen(content):
    file = _a_question_file(content)
    before = load_catalog()
    in_file = {q for q, (path, _) in before.question_paths.items() if path.endswith(file.name)}
    moved = file.with_name("zz-copy-" + file.name)
    file.rename(moved)  # removed under one name, added under another: both must be seen
    after = load_catalog()
    assert {q for q, (path, _) in after.question_paths.items() if path.endswith(moved.name)} == in_file
    moved.unlink()
    assert not in_file & load_catalog().questions.keys()


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps(("another key", object()))[:-3],
                                    pickle.dumps(("another key", "a foreign object"))])
def test_corrupt_or_foreign_cache_is_rebuilt(content, damage):
    expected = load_catalog().questions.keys()
    cache_file().write_bytes(damage)
    assert load_catalog().questions.keys() == expected
    stored_key, _ = pickle.loads(cache_file().read_bytes())
    assert stored_key != "another key"


def test_another_tutor_version_is_not_trusted(content, monkeypatch):
    load_catalog()
    monkeypatch.setattr(cache, "__version__", "999.0")
    calls = []
    real = cache.pickle.dump
    monkeypatch.setattr(cache.pickle, "dump", lambda *a, **k: (calls.append(1), real(*a, **k)))
    load_catalog()
    assert calls, "a cache from another version was used instead of being rebuilt"


def test_explicit_targets_bypass_the_cache(content):
    load_catalog([content / "labs"])
    assert not cache_file().exists()


def test_unwritable_cache_folder_costs_nothing_but_speed(content, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setattr(paths, "cache_dir", lambda: blocked)
    assert load_catalog().questions


def test_the_summary_is_the_catalogs_and_is_never_stale(content):
    """The home screen's first frame reads only the summary (tutor.content.summary): it comes
    with the cache, says what the catalog says, and is None the moment a content file changes."""
    from tutor.content.summary import CatalogSummary

    assert cache.load_summary() is None  # nothing cached yet
    catalog = load_catalog()
    summary = cache.load_summary()
    assert summary == CatalogSummary.of(catalog)
    assert summary.question_count("1") == len(catalog.questions_for(day="1")) > 0
    assert summary.has_lesson("2", "ko") and [lab.id for lab in summary.labs_of("2")] == sorted(
        lab.id for lab in catalog.labs.values() if lab.day == "2")
    file = _a_question_file(content)
    file.write_text(file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache.load_summary() is None  # the app then loads the catalog, which rebuilds both
    load_catalog()
    assert cache.load_summary() == CatalogSummary.of(load_catalog())


def test_a_cache_without_a_summary_gets_one_at_the_next_load(content):
    load_catalog()
    (paths.cache_dir() / cache.SUMMARY_NAME).unlink()
    assert cache.load_summary() is None
    load_catalog()
    assert cache.load_summary() is not None
