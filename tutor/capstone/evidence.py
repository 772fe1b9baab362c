"""Run the week's lab checks for the capstone, once each, with one set of clients.

The capstone never re-implements a lab's requirement: it calls that lab's own check functions
(so a point is only given for what a lab's step states) with a context carrying that lab's id,
sharing the graded lab's boto3 clients (building a client costs more than most describes). A
call the endpoint does not emulate makes that one check skipped, as in the runner.
"""

from __future__ import annotations

import copy
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from tutor.capstone.rubric import Outcome
from tutor.content.files import default_targets
from tutor.content.loader import load_catalog
from tutor.content.models import Lab
from tutor.errors import NotEmulated, TutorError
from tutor.labs.kit import Context, Result, SolveConflict


def labs_catalog(labs_dir: Path) -> Any:
    """The catalog of the labs in ``labs_dir``: the project's from the compiled cache (parsing
    every lab.yaml again took 0.1 s of each capstone verify), any other folder read afresh."""
    if labs_dir.resolve() == default_targets()[2].resolve():
        return load_catalog()
    return load_catalog([labs_dir])


def week_labs(labs_dir: Path, exclude: str) -> tuple[dict[str, Lab], dict[str, Path]]:
    """Every lab next to the capstone (the capstone itself left out)."""
    catalog = labs_catalog(labs_dir)
    labs = {k: v for k, v in catalog.labs.items() if k != exclude}
    return labs, {k: catalog.lab_dirs[k] for k in labs}


class SharedClients:
    """boto3 clients for one Region, cached per service: the capstone needs a dozen services and
    grades again and again, so each client is built once (the backend's, same settings)."""

    def __init__(self, region: str, endpoint: str | None):
        self.region, self.endpoint = region, endpoint
        self._clients: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._clients:
            from tutor.labs.backend import Backend  # noqa: PLC0415 - boto3 only when grading

            self._clients[service] = Backend("endpoint" if self.endpoint else "real", self.endpoint).client(service, self.region)
        return self._clients[service]


_SHARED: dict[tuple[str, str | None], SharedClients] = {}


def shared_clients(ctx: Context) -> SharedClients:
    """One client factory per Region and endpoint for the whole process (the TUI grades again
    and again; the clients stay valid)."""
    key = (ctx.region, ctx.endpoint)
    if key not in _SHARED:
        _SHARED[key] = SharedClients(*key)
    return _SHARED[key]


class ReadOnce:
    """The shared clients for one grading pass, each read asked once: the week's checks read the
    same things again and again (the load balancer 12 times, the group 8), and 111 of the
    capstone's 158 calls repeated one before. Only reads (Describe/List/Get/Head operations) are
    kept, answers and errors alike, for this pass only; each caller gets its own copy."""

    READS = ("Describe", "List", "Get", "Head")

    def __init__(self, clients: Callable[[str], Any]):
        self._clients, self._wrapped = clients, {}
        self._kept: dict[tuple[str, str, str], tuple[bool, Any]] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str) -> Any:
        if service not in self._wrapped:
            self._wrapped[service] = _KeptReads(self, service, self._clients(service))
        return self._wrapped[service]

    def call(self, service: str, name: str, method: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        key = (service, name, json.dumps(kwargs, sort_keys=True, default=str))
        with self._lock:
            kept = self._kept.get(key)
        if kept is None:
            try:
                kept = (True, method(**kwargs))
            except Exception as exc:  # noqa: BLE001 - kept and raised again, as AWS would answer again
                kept = (False, exc)
            with self._lock:
                self._kept.setdefault(key, kept)
        ok, value = kept
        if not ok:
            raise value
        return copy.deepcopy(value)


class _KeptReads:
    def __init__(self, owner: ReadOnce, service: str, client: Any):
        self._owner, self._service, self._client = owner, service, client
        self._reads = {name for name, op in client.meta.method_to_api_mapping.items() if op.startswith(ReadOnce.READS)}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name == "get_paginator":  # every paginated operation is a read
            return lambda operation: _KeptPaginator(self, operation, attr(operation))
        if name not in self._reads:
            return attr
        return lambda **kwargs: self._owner.call(self._service, name, attr, kwargs)


class _KeptPaginator:
    """``paginate(**kwargs)`` as botocore's, its pages fetched (or its error raised) when first
    iterated, as botocore does, and kept for the pass like any other read."""

    def __init__(self, reads: _KeptReads, operation: str, paginator: Any):
        self._reads, self._operation, self._paginator = reads, operation, paginator

    def paginate(self, **kwargs: Any) -> Any:
        def pages(**kw: Any) -> list[Any]:
            return list(self._paginator.paginate(**kw))

        reads = self._reads
        return _Pages(lambda: reads._owner.call(reads._service, f"paginate:{self._operation}", pages, kwargs))


class _Pages:
    def __init__(self, fetch: Callable[[], list[Any]]):
        self._fetch = fetch

    def __iter__(self) -> Any:
        return iter(self._fetch())


def context_for(ctx: Context, lab: Lab, clients: Callable[[str], Any] | None = None) -> Context:
    """A context for another lab's functions: its own id (owner tags, cleanup names) and the
    capstone's shared clients (``clients``: a grading pass's :class:`ReadOnce` over them)."""
    return Context(lab_id=lab.id, region=lab.region, endpoint=ctx.endpoint,
                   make_client=clients or shared_clients(ctx), notes=ctx.notes)


def _backend_of(ctx: Context):
    from tutor.labs.backend import Backend  # noqa: PLC0415 - only to word a failure

    return Backend("endpoint" if ctx.endpoint else "real", ctx.endpoint)


def call(ctx: Context, fn: Callable[[Context], Any], sub: Context) -> Any:
    """``fn(sub)``; boto3 failures become the runner's typed errors (NotEmulated among them)."""
    from tutor.labs.backend import translate  # noqa: PLC0415

    try:
        return fn(sub)
    except (TutorError, SolveConflict):
        raise
    except Exception as exc:
        failure = translate(exc, _backend_of(ctx))
        if failure is None:
            raise
        raise failure from exc


class LabEvidence:
    """``outcome(lab, step, check)`` runs that check once; None when the lab or step is absent
    (or the lab lives in another Region than the capstone, which one set of clients cannot see)."""

    def __init__(self, ctx: Context, labs: dict[str, Lab], dirs: dict[str, Path]):
        from tutor.labs.runner import load_module  # noqa: PLC0415

        self.ctx, self.labs, self.dirs = ctx, labs, dirs
        self.clients = ReadOnce(shared_clients(ctx))  # this pass's reads, each asked once
        self._load = load_module
        self._subs: dict[str, Context] = {}
        self._cache: dict[tuple[str, str, str], Outcome | None] = {}

    def _lab(self, lab_id: str) -> Lab | None:
        lab = self.labs.get(lab_id)
        return lab if lab is not None and lab.region == self.ctx.region else None

    def step_checks(self, lab_id: str, step_id: str) -> list[str] | None:
        lab = self._lab(lab_id)
        step = lab.step(step_id) if lab else None
        return None if step is None else [c.id for c in step.checks]

    def outcome(self, lab_id: str, step_id: str, check_id: str) -> Outcome | None:
        key = (lab_id, step_id, check_id)
        if key not in self._cache:
            self._cache[key] = self._run(*key)
        return self._cache[key]

    def prefetch(self, keys: list[tuple[str, str, str]], threads: int = 4) -> None:
        """Run these checks now, a lab per thread (each lab's checks in order, as its runner
        would). The sandbox answers one request at a time, but a call's own work in this process
        (signing, parsing) takes about as long as the answer and overlaps with the other labs'
        calls: with every lab built, the capstone's 160 calls took 3.6 s one after another."""
        by_lab: dict[str, list[tuple[str, str, str]]] = {}
        for key in keys:
            if key not in self._cache and key not in by_lab.get(key[0], []):
                by_lab.setdefault(key[0], []).append(key)
        for lab_id in by_lab:  # modules and contexts in this thread: loading a module is not thread-safe
            lab = self._lab(lab_id)
            if lab is not None:
                self._load(lab, self.dirs[lab_id])
                self._subs.setdefault(lab_id, context_for(self.ctx, lab, self.clients))
        if not by_lab:
            return

        def run(lab_keys: list[tuple[str, str, str]]) -> None:
            for key in lab_keys:
                self.outcome(*key)

        with ThreadPoolExecutor(min(threads, len(by_lab)), thread_name_prefix="capstone-evidence") as pool:
            for done in [pool.submit(run, lab_keys) for lab_keys in by_lab.values()]:
                done.result()  # the first failure is raised here, as it would be one by one

    def _run(self, lab_id: str, step_id: str, check_id: str) -> Outcome | None:
        lab = self._lab(lab_id)
        step = lab.step(step_id) if lab else None
        chk = next((c for c in step.checks if c.id == check_id), None) if step else None
        if lab is None or step is None or chk is None:
            return None
        if (step.real_aws_only or chk.real_aws_only) and self.ctx.endpoint:
            return Outcome(True, "verified on real AWS only", "실제 AWS에서만 검증됩니다", skipped=True)
        module = self._load(lab, self.dirs[lab_id])
        sub = self._subs.setdefault(lab_id, context_for(self.ctx, lab, self.clients))
        try:
            result = call(self.ctx, getattr(module, chk.fn), sub)
        except NotEmulated as exc:
            return Outcome(True, f"not emulated by this endpoint ({exc.message})",
                           f"이 엔드포인트가 에뮬레이션하지 않습니다({exc.message})", skipped=True)
        if not isinstance(result, Result):
            raise TypeError(f"{lab_id}: {chk.fn} returned {type(result).__name__}, not Result")
        return Outcome(result.passed, result.en, result.ko, skipped=result.skipped)


def steps_up_to(labs: dict[str, Lab], wanted: dict[str, set[str]], region: str) -> list[tuple[Lab, list[Any]]]:
    """For each wanted lab in ``region``, in day order: its steps up to the last wanted one (a
    later step builds on the earlier ones). The capstone grades one Region, so labs elsewhere
    are left out."""
    out = []
    for lab in sorted((labs[k] for k in wanted if k in labs), key=lambda l: (l.day, l.id)):
        if lab.region != region:
            continue
        ids = [s.id for s in lab.steps]
        last = max(ids.index(s) for s in wanted[lab.id] if s in ids)
        out.append((lab, lab.steps[: last + 1]))
    return out


def solve_steps(ctx: Context, labs: dict[str, Lab], dirs: dict[str, Path],
                wanted: dict[str, set[str]]) -> list[str]:
    """Run the solutions the wanted steps need (:func:`steps_up_to`), skipping real-AWS-only
    steps on an endpoint. Solutions never adopt: each runs under its own lab's id."""
    from tutor.labs.runner import load_module  # noqa: PLC0415

    done = []
    for lab, steps in steps_up_to(labs, wanted, ctx.region):
        module = load_module(lab, dirs[lab.id])
        sub = context_for(ctx, lab)
        for step in steps:
            if step.real_aws_only and ctx.endpoint:
                continue
            call(ctx, getattr(module, step.solution), sub)
            done.append(f"{lab.id}/{step.id}")
    return done


def cleanup_all(ctx: Context, labs: dict[str, Lab], dirs: dict[str, Path]) -> list[dict[str, Any]]:
    """The union of the week's cleanups: each lab deletes what carries its own names."""
    from tutor.labs.runner import load_module  # noqa: PLC0415

    removed: list[dict[str, Any]] = []
    # later days first: a later lab may use what an earlier one made (the ALB in front of the group)
    for lab in sorted(labs.values(), key=lambda l: (l.day, l.id), reverse=True):
        if lab.region != ctx.region:
            continue
        module = load_module(lab, dirs[lab.id])
        removed.extend(call(ctx, getattr(module, lab.cleanup), context_for(ctx, lab)) or [])
    return removed


def own_build_tiers(endpoint: str | None, labs_dir: Path | None = None) -> list:
    """The Regional tiers of the student's own StreamCloud build on ``endpoint`` (None: real AWS),
    read exactly as the capstone grades them (:func:`tutor.capstone.rubric.application_path` over
    the week's lab checks), for the availability what-if to start from. Slow (it runs those
    checks): call it from a worker. An empty list: nothing of StreamCloud was found."""
    from tutor import paths  # noqa: PLC0415
    from tutor.capstone.rubric import application_path  # noqa: PLC0415

    catalog = load_catalog([labs_dir or paths.content_root() / "labs"])
    capstone = catalog.labs.get("streamcloud")
    region = capstone.region if capstone is not None else "us-east-1"
    labs = {k: v for k, v in catalog.labs.items() if k != "streamcloud"}
    ctx = Context(lab_id="streamcloud", region=region, endpoint=endpoint, make_client=SharedClients(region, endpoint))
    return application_path(LabEvidence(ctx, labs, {k: catalog.lab_dirs[k] for k in labs}))
