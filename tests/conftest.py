"""Shared fixtures: every test gets its own data folder; lab tests share one moto server.

No network beyond 127.0.0.1: the moto server listens on loopback and boto3 is pointed at it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def pytest_configure(config):
    """Fewer, cheaper garbage collections: with moto's backends and Textual's widgets on the heap,
    the default thresholds ran a full collection every few thousand allocations and cost a quarter
    of the suite's time (tests/test_tui.py + test_lab_storage_tuning.py: 87-92 s -> 63-69 s).
    Long-lived objects (modules, moto's models) are frozen out of collections once loaded."""
    import gc

    gc.set_threshold(50_000, 50, 1000)


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """Before pytest's own end-of-run collections (five full ones, looking for unraisable exceptions
    in leftovers), freeze what the worker's tests left behind after one: each full collection of
    that heap took 0.2-1 s, and a worker does it while every other worker waits to be torn down."""
    if hasattr(config, "workerinput"):
        import gc

        gc.collect()
        gc.freeze()


def pytest_collection_finish(session):
    import gc

    gc.collect()
    gc.freeze()  # everything the test modules imported (boto3, Textual, the tutor)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """One compiled-catalog cache for the session: every tutor process a test starts reads the
    validated catalog from it instead of re-validating all content (tutor.content.cache)."""
    return tmp_path_factory.mktemp("catalog-cache")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch, shared_cache):
    """One module owns the paths (tutor.paths); pointing TUTOR_HOME here redirects them all."""
    home = tmp_path / "home"
    monkeypatch.setenv("TUTOR_HOME", str(home))
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(shared_cache))
    monkeypatch.setenv("TUTOR_LANG", "en")
    for var in ("TUTOR_DB", "TUTOR_CONTENT", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return home


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """A moto server on 127.0.0.1 for the whole session (one per xdist worker)."""
    import logging

    from tutor.sandbox import fidelity, lean

    lean.apply()  # the tests' server is the sandbox students get: lean (tutor.sandbox.lean), before moto loads
    fidelity.apply()  # and behaving like AWS where the labs depend on it
    from moto.server import ThreadedMotoServer
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    import gc

    gc.freeze()  # moto's modules, loaded now, never need collecting
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def endpoint(moto_endpoint):
    """The session's moto server, emptied before the test."""
    req = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", data=b"", method="POST")
    urllib.request.urlopen(req, timeout=30).read()
    return moto_endpoint


@pytest.fixture
def catalog():
    from tutor.content.loader import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def labs_catalog():
    """The catalog, once per worker, for fixtures that only read its labs (the runner)."""
    from tutor.content.loader import load_catalog

    return load_catalog()


_AWS: dict = {}


def aws(service: str, endpoint: str, region: str = "us-east-1", **kwargs):
    """A boto3 client of the test server, built once per worker: building one builds its whole
    API (5-30 ms) and the lab tests asked for thousands. Shared: never register a hook on it."""
    import boto3

    key = (service, endpoint, region, repr(sorted(kwargs.items())),
           os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY"))
    if key not in _AWS:
        _AWS[key] = boto3.client(service, endpoint_url=endpoint, region_name=region, **kwargs)
    return _AWS[key]


@pytest.fixture
def lab_runner(endpoint, labs_catalog):
    """A runner for a lab against the emptied test endpoint, in English."""
    from tutor.labs.backend import Backend
    from tutor.labs.runner import LabRunner

    def make(lab_id: str, lang: str = "en") -> LabRunner:
        return LabRunner(labs_catalog.labs[lab_id], labs_catalog.lab_dirs[lab_id], Backend("endpoint", endpoint),
                         lang=lang)

    return make


_TUTOR_FORK: dict = {}


def tutor_fork() -> dict:
    """The worker's `tutor` fork server (tests/tutorfork.py), started on first use: ``{"bin": a
    folder whose tutor is its shim, "env": what the shim needs, "tutor": the program to run}``;
    without a server (it did not start) the folder holds nothing and "tutor" is the console script."""
    if not _TUTOR_FORK:
        import atexit
        import tempfile

        import awsfork
        from tutorfork import SOCKET_VAR

        folder = Path(tempfile.mkdtemp(prefix="tutor-fork-"))
        sock = str(folder / "sock")
        server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "tutorfork.py"), sock, str(VENV_BIN / "tutor")],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=str(ROOT))
        atexit.register(lambda: (server.kill(), server.wait()))
        program = VENV_BIN / "tutor"
        if server.stdout.readline().strip() == "ready":
            program = awsfork.write_shim(folder / "bin", str(program), name="tutor", env_var=SOCKET_VAR) / "tutor"
        _TUTOR_FORK.update(bin=str(folder / "bin"), env={SOCKET_VAR: sock}, tutor=str(program))
    return _TUTOR_FORK


def run_tutor(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 180):
    """The console script's command, as a student or CI runs it: its main() in a process of its
    own, with this environment, working folder and standard streams (forked from a server that
    has imported the tutor; tests/tutorfork.py)."""
    fork = tutor_fork()
    return subprocess.run([fork["tutor"], *args], input=input, capture_output=True, text=True,
                          env={**os.environ, **fork["env"], **(env or {})}, timeout=timeout, cwd=str(ROOT))


async def footer_key(pilot, screen, action: str):
    """The key bar's key for ``action``, once the bar has drawn its keys (a busy machine can take
    more than one pause after a screen is pushed)."""
    from textual.widgets._footer import FooterKey

    for _ in range(200):
        found = [k for k in screen.query(FooterKey) if k.action == action]
        if found:
            return found[0]
        await pilot.pause(0.02)
    raise AssertionError(f"no key for {action!r} on {screen!r}")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests (Textual's run_test) in a fresh event loop; no plugin needed."""
    import asyncio
    import inspect

    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None
