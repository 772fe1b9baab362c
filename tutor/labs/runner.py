"""Run a lab: verify its steps, run their solutions, clean up what carries its names.

The runner is the one place that calls a lab module's functions; it turns their results into
the JSON the CLI prints and the TUI shows, and turns their exceptions into typed errors.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from tutor.content.models import Lab, LabStep
from tutor.errors import EnvironmentFailure, NotEmulated, NotFound, TutorError
from tutor.labs.backend import Backend, translate
from tutor.labs.kit import SKIPPED_EN, SKIPPED_KO, Context, Result, SolveConflict

NOT_EMULATED_EN = "not emulated by this endpoint, so not judged here"
NOT_EMULATED_KO = "이 엔드포인트가 에뮬레이션하지 않으므로 여기서는 판정하지 않습니다"


class LabSolveConflict(EnvironmentFailure):
    """A solution would have to adopt a resource the student made; the student decides."""


def require_step(lab: Lab, step_id: str) -> LabStep:
    step = lab.step(step_id)
    if step is None:
        raise NotFound(f"lab {lab.id} has no step {step_id!r} (steps: {', '.join(s.id for s in lab.steps)})")
    return step


def load_module(lab: Lab, folder: Path) -> ModuleType:
    path = folder / lab.module
    name = f"tutor_lab_{lab.id.replace('-', '_')}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise NotFound(f"lab module not found: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class LabRunner:
    def __init__(self, lab: Lab, folder: Path, backend: Backend, lang: str = "en"):
        self.lab, self.folder, self.backend, self.lang = lab, folder, backend, lang
        self.module = load_module(lab, folder)
        self.ctx = Context(
            lab_id=lab.id, region=lab.region, endpoint=backend.endpoint,
            make_client=lambda service: backend.client(service, lab.region, lab_id=lab.id), lang=lang,
        )
        if backend.kind == "real":  # tags and records: tutor.labs.real
            self.ctx.run_id = getattr(backend, "run_id", None)
            record = backend._recorder(lab.id, lab.region)  # type: ignore[attr-defined]
            self.ctx.on_created = lambda kind, ident: record(kind, ident, "")

    # helpers ----------------------------------------------------------------------------
    def _fn(self, name: str) -> Callable[[Context], Any]:
        fn = getattr(self.module, name, None)
        if not callable(fn):
            raise NotFound(f"lab {self.lab.id}: function {name!r} is missing from {self.lab.module}")
        return fn

    def _call(self, name: str) -> Any:
        try:
            return self._fn(name)(self.ctx)
        except (TutorError, SolveConflict):
            raise
        except Exception as exc:  # boto3 raises many types; the backend knows which are ours
            failure = translate(exc, self.backend)
            if failure is None:
                raise
            raise failure from exc

    def skipped_steps(self) -> list[str]:
        """Steps the sandbox cannot emulate: skipped whenever an endpoint is in use."""
        return [s.id for s in self.lab.steps if s.real_aws_only and self.backend.endpoint]

    def step(self, step_id: str) -> LabStep:
        return require_step(self.lab, step_id)

    # verify -----------------------------------------------------------------------------
    def verify_step(self, step: LabStep) -> dict[str, Any]:
        checks = []
        for chk in step.checks:
            if chk.real_aws_only and self.backend.endpoint:
                result = Result(True, SKIPPED_EN, SKIPPED_KO, skipped=True)
            else:
                try:
                    result = self._call(chk.fn)
                except NotEmulated as exc:
                    # One call the endpoint lacks costs one check, never the whole verify.
                    result = Result(True, f"{NOT_EMULATED_EN} ({exc.message})",
                                    f"{NOT_EMULATED_KO} ({exc.message})", skipped=True)
                if not isinstance(result, Result):
                    raise TypeError(f"{chk.fn} returned {type(result).__name__}, not Result")
            entry: dict[str, Any] = {"id": chk.id, "passed": result.passed,
                                     "message": result.message(self.lang)}
            if result.skipped:
                entry["skipped"] = True
            checks.append(entry)
        return {"id": step.id, "passed": all(c["passed"] for c in checks), "checks": checks}

    def verify(self, step_id: str | None = None,
               progress: Callable[[str], None] | None = None) -> dict[str, Any]:
        steps = [self.step(step_id)] if step_id else list(self.lab.steps)
        if self.lab.graded:
            graded = self._graded(step_id)
            graded.setdefault("real_aws_only", [])
            return {"lab": self.lab.id, **graded, "backend": self.backend.to_json()}
        skipped = set(self.skipped_steps())
        results = []
        for step in steps:
            if step.id in skipped:
                continue
            if progress:
                progress(step.id)
            results.append(self.verify_step(step))
        return {
            "lab": self.lab.id,
            "passed": all(r["passed"] for r in results),
            "steps": results,
            "real_aws_only": [s.id for s in steps if s.id in skipped],
            "backend": self.backend.to_json(),
        }

    def _graded(self, step_id: str | None) -> dict[str, Any]:
        try:
            report = self._fn("grade")(self.ctx, step_id)
        except (TutorError, SolveConflict):
            raise
        except Exception as exc:
            failure = translate(exc, self.backend)
            if failure is None:
                raise
            raise failure from exc
        if not isinstance(report, dict) or "steps" not in report or "passed" not in report:
            raise TypeError("grade() must return a report with 'passed' and 'steps'")
        return report

    # solve ------------------------------------------------------------------------------
    def solve(self, step_ids: list[str] | None = None,
              progress: Callable[[str], None] | None = None) -> list[str]:
        """Run the solutions of the given steps (default all) in lab order; return those run."""
        wanted = set(step_ids) if step_ids else {s.id for s in self.lab.steps}
        for sid in wanted:
            self.step(sid)
        skipped = set(self.skipped_steps())
        done = []
        for step in self.lab.steps:
            if step.id not in wanted or step.id in skipped:
                continue
            if progress:
                progress(step.id)
            try:
                self._call(step.solution)
            except SolveConflict as exc:
                text = exc.ko if self.lang == "ko" else exc.en
                raise LabSolveConflict(f"step {step.id}: {text}") from exc
            done.append(step.id)
        return done

    # cleanup ----------------------------------------------------------------------------
    def cleanup(self, step_id: str | None = None) -> list[dict[str, Any]]:
        """Delete what carries the lab's names (the student's CLI work too), nothing else; with
        a step, only what that step creates (when the lab gives the step a cleanup)."""
        if step_id is None:
            return list(self._call(self.lab.cleanup) or [])
        step = self.step(step_id)
        if not step.cleanup:
            return []
        return list(self._call(step.cleanup) or [])
