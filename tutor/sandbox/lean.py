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
    """moto's EC2 module lists the Regions of three partitions as it is imported, each from a new
    boto3 Session that parses botocore's endpoint data again: a third of a second of every
    sandbox start. One session answers all three, with the same lists."""
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
        return tuple(original(shared[0], service_name, partition_name, allow_non_regional))

    def get_available_regions(self: Any, service_name: str, partition_name: str = "aws",
                              allow_non_regional: bool = False) -> list[str]:
        return list(regions(service_name, partition_name, allow_non_regional))

    get_available_regions._tutor_patched = True  # type: ignore[attr-defined]
    boto3.session.Session.get_available_regions = get_available_regions  # type: ignore[method-assign]


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
