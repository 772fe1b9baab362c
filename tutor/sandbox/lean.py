"""Speed: what the sandbox changes in moto so that it starts, resets and answers fast.

Two lookups moto repeats on every request are memoized: the list of its service folders
(``os.listdir`` and ``isdir`` over some 170 folders, twice a request) and the method names of a
response class (``inspect.getmembers``). Together they were about 10 ms of the 30 ms a request
took; neither can change while the process runs.

And moto gives every Region it touches 1 366 AMIs, each with its own EBS snapshot and volume, of
which 1 284 are the ECS-optimized AMIs of that Region. Building them took 0.24 s of CPU per Region
on every start, every `tutor sandbox reset` and every reset between tests, and every EC2 filter
(describe-volumes, describe-snapshots...) then walked them. No lab launches an ECS-optimized AMI
(the container lab runs on Fargate), so the sandbox keeps moto's default list and each Region's
latest Amazon Linux and Windows AMIs (what the `/aws/service/ami-*` SSM parameters resolve to)
and leaves the ECS-optimized ones out.

The AMIs are built while a Region's EC2 backend is created, from the seed that also draws the
default VPC's ids, so leaving some out changes those ids. A journal recorded before this change
(format 2) is therefore replayed with the full list, and keeps it until it is reset: see
:func:`lean_for`.

Imported only by the sandbox process (and the test server that stands in for it).
"""

from __future__ import annotations

import re
from typing import Any

#: Journals from this format on were recorded without the ECS-optimized AMIs.
LEAN_FROM_FORMAT = 3


class _State:
    enabled = True


def apply() -> None:
    """Before anything imports moto.ec2 (the region lists are read as it is imported)."""
    _share_region_lists()
    _memoize_lookups()
    _leave_out_ecs_amis()


def _share_region_lists() -> None:
    """moto's EC2 module lists the Regions of three partitions as it is imported, and each of its
    backends lists its service's Regions when first used, each from a new boto3 Session. That
    parsed botocore's endpoint data again per Session, and botocore loads a service's whole API
    model (EC2's: 0.13 s of JSON) only to read its endpoint prefix. One session answers all the
    lists, and the prefix is read from the head of the model file, where botocore's metadata is
    (the whole model when it is not there): the same lists, a sixth of a sandbox start sooner."""
    import functools

    import boto3.session

    original = boto3.session.Session.get_available_regions
    if getattr(original, "_tutor_patched", False):
        return
    shared: list[Any] = []

    @functools.lru_cache(maxsize=None)
    def regions(service_name: str, partition_name: str, allow_non_regional: bool) -> tuple[str, ...]:
        if not shared:
            shared.append(boto3.session.Session())
        session = shared[0]
        try:  # botocore's internals: any change there and the lists come the slow way
            prefix = _endpoint_prefix(session, service_name)
            if prefix is not None:
                resolver = session._session._get_internal_component("endpoint_resolver")
                return tuple(resolver.get_available_endpoints(prefix, partition_name, allow_non_regional))
        except Exception:  # noqa: BLE001
            pass
        return tuple(original(session, service_name, partition_name, allow_non_regional))

    def get_available_regions(self: Any, service_name: str, partition_name: str = "aws",
                              allow_non_regional: bool = False) -> list[str]:
        return list(regions(service_name, partition_name, allow_non_regional))

    get_available_regions._tutor_patched = True  # type: ignore[attr-defined]
    boto3.session.Session.get_available_regions = get_available_regions  # type: ignore[method-assign]


_PREFIX = re.compile(rb'"endpointPrefix"\s*:\s*"([^"]+)"')


def _endpoint_prefix(session: Any, service_name: str) -> str | None:
    """The endpoint prefix in the metadata at the head of the service's latest model file, or
    None (unknown service, another layout): the caller then asks botocore the slow way."""
    import gzip
    import os

    loader = session._session.get_component("data_loader")
    try:
        version = loader.determine_latest_version(service_name, "service-2")
    except Exception:  # noqa: BLE001 - botocore's own call raises the right error
        return None
    for base in loader.search_paths:
        folder = os.path.join(base, service_name, version)
        for name, opener in (("service-2.json", open), ("service-2.json.gz", gzip.open)):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                with opener(path, "rb") as model:
                    found = _PREFIX.search(model.read(4096))
                return found.group(1).decode() if found else None
    return None


def _memoize_lookups() -> None:
    import functools

    from moto import backends
    from moto.core import responses

    if getattr(backends.list_of_moto_modules, "_tutor_patched", False):
        return
    folders = tuple(backends.list_of_moto_modules())

    def list_of_moto_modules() -> tuple[str, ...]:
        return folders

    list_of_moto_modules._tutor_patched = True  # type: ignore[attr-defined]
    backends.list_of_moto_modules = list_of_moto_modules  # type: ignore[assignment]
    responses.method_names_from_class = functools.lru_cache(maxsize=None)(responses.method_names_from_class)


def _leave_out_ecs_amis() -> None:
    """Leave the ECS-optimized AMIs out of every Region's EC2 backend created from now on
    (while :func:`set_enabled` says so)."""
    from moto.ec2.models import amis

    original = amis.load_resource
    if getattr(original, "_tutor_patched", False):
        return

    def load_resource(path: str, *args: Any, **kwargs: Any) -> Any:
        if _State.enabled and "ecs/optimized_amis/" in path:
            return []
        return original(path, *args, **kwargs)

    load_resource._tutor_patched = True  # type: ignore[attr-defined]
    amis.load_resource = load_resource


def set_enabled(on: bool) -> None:
    _State.enabled = on


def lean_for(first_record: dict[str, Any] | None, legacy_recording: bool) -> bool:
    """Whether a sandbox replaying this journal leaves the ECS AMIs out: yes for an empty journal
    or one begun by this version; no for one begun earlier (its ids were drawn after the full list)."""
    if legacy_recording:
        return False
    return first_record is None or int(first_record.get("v", 0)) >= LEAN_FROM_FORMAT
