"""botocore's API descriptions read through the tutor's pickle cache (tutor.labs.sdk_cache)."""

from __future__ import annotations

import gzip
import json
import os
from collections import OrderedDict

import boto3
import botocore.loaders
from tutor.labs import sdk_cache


def _big_json(path, marker: str) -> dict:
    data = {"marker": marker, "shapes": {f"Shape{i}": {"type": "string", "documentation": "x" * 40} for i in range(800)}}
    path.write_text(json.dumps(data))
    assert path.stat().st_size >= sdk_cache.MIN_SIZE
    return data


def _json_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    original = botocore.loaders.JSONFileLoader._load_file

    def counted(self, full_path, open_method):
        reads.append(full_path)
        return original(self, full_path, open_method)

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "_load_file", counted)
    return reads


def test_the_sessions_models_equal_botocores_in_content_and_order_and_the_second_read_skips_the_json(monkeypatch):
    plain = boto3.session.Session()._session.get_component("data_loader")
    expected = plain.load_service_model("ec2", "service-2")
    cached = sdk_cache.install(boto3.session.Session())
    loader = cached._session.get_component("data_loader")
    assert isinstance(loader.file_loader, sdk_cache.PickledFileLoader)
    first = loader.load_service_model("ec2", "service-2")  # parsed (or read from an earlier test's pickle)
    assert first == expected and list(first["shapes"]) == list(expected["shapes"])
    reads = _json_reads(monkeypatch)
    again = sdk_cache.install(boto3.session.Session())._session.get_component("data_loader")
    second = again.load_service_model("ec2", "service-2")
    assert second == expected and list(second["operations"]) == list(expected["operations"])
    assert not [r for r in reads if r.endswith(("/service-2.json", "/service-2.json.gz")) and os.path.isfile(r)]
    client = sdk_cache.install(boto3.session.Session()).client("ec2", region_name="us-east-1")
    assert "RunInstances" in client.meta.service_model.operation_names


def test_a_changed_file_is_read_again_and_a_corrupt_pickle_rebuilt(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir()
    source = tmp_path / "service-2.json"
    loader = sdk_cache.PickledFileLoader(folder)
    first = _big_json(source, "one")
    assert loader.load_file(str(tmp_path / "service-2")) == first
    (kept,) = folder.iterdir()
    reads = _json_reads(monkeypatch)
    assert loader.load_file(str(tmp_path / "service-2"))["marker"] == "one" and not reads
    changed = _big_json(source, "two")
    os.utime(source, ns=(1, 1))  # whatever the clock did: another modification time
    assert loader.load_file(str(tmp_path / "service-2")) == changed and len(reads) == 1
    kept.write_bytes(kept.read_bytes()[:100])  # truncated
    assert loader.load_file(str(tmp_path / "service-2")) == changed and len(reads) == 2
    assert loader.load_file(str(tmp_path / "service-2")) == changed and len(reads) == 2  # kept again


def test_gzipped_small_and_missing_files_and_no_cache_folder(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    data = {"marker": "gz", "items": ["y" * 50] * 2000}
    (tmp_path / "big.json.gz").write_bytes(gzip.compress(json.dumps(data).encode()))
    (tmp_path / "small.json").write_text('{"a": 1}')
    loader = sdk_cache.PickledFileLoader(folder)
    # the gzipped file is smaller than MIN_SIZE on disk: botocore reads it, nothing is kept
    assert loader.load_file(str(tmp_path / "big")) == data
    assert loader.load_file(str(tmp_path / "small")) == OrderedDict(a=1)
    assert loader.load_file(str(tmp_path / "missing")) is None
    assert list(folder.iterdir()) == []
    assert sdk_cache.PickledFileLoader(None).load_file(str(tmp_path / "small")) == {"a": 1}


def test_a_cache_that_cannot_be_written_only_costs_the_json(tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder would be")  # no pickle can be written under it
    data = _big_json(tmp_path / "service-2.json", "blocked")
    assert sdk_cache.PickledFileLoader(blocked).load_file(str(tmp_path / "service-2")) == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "service-2.json"]


def test_the_labs_backend_reads_through_the_cache(endpoint):
    from tutor.labs.backend import Backend

    client = Backend("endpoint", endpoint).client("sqs", "us-east-1")
    assert client.list_queues().get("QueueUrls", []) == []
    from tutor.labs.backend import _session

    assert isinstance(_session()._session.get_component("data_loader").file_loader, sdk_cache.PickledFileLoader)


def test_an_sdk_installed_deep_in_folders_is_kept_too(tmp_path, monkeypatch):
    deep = tmp_path.joinpath(*["a-folder-with-a-long-name"] * 12)  # its path alone is over 300 bytes
    deep.mkdir(parents=True)
    data = _big_json(deep / "service-2.json", "deep")
    folder = tmp_path / "cache"
    folder.mkdir()
    loader = sdk_cache.PickledFileLoader(folder)
    assert loader.load_file(str(deep / "service-2")) == data
    (kept,) = folder.iterdir()
    assert "-service-2.json-" in kept.name and len(kept.name) < 120
    reads = _json_reads(monkeypatch)
    assert loader.load_file(str(deep / "service-2")) == data and not reads
