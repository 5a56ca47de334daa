"""Parent side: run the program's phases in one child process (it forks one per phase), with a timeout."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from ..errors import HarnessError, ProgramError
from .program import PROGRAM_FAILED, PROGRAM_RUN_ERROR
from .project import Project

PHASES = ("preview", "update")


@dataclass(frozen=True)
class Capture:
    phase: str
    resources: list[dict[str, Any]]
    outputs: dict[str, Any]


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _phase_capture(phase: str, files: dict[str, str]) -> Capture:
    code, stderr = int(_read(files["exit"])), _read(files["stderr"])
    if code == PROGRAM_RUN_ERROR:
        raise ProgramError(f"the Pulumi program failed during {phase}: {stderr.strip()}")
    if code == PROGRAM_FAILED:
        last = next((line for line in reversed(stderr.strip().splitlines()) if line.strip()), "unknown error")
        raise ProgramError(f"the Pulumi program failed during {phase}: {last}", stderr)
    if code != 0:
        raise HarnessError(f"the program runner crashed during {phase} (exit {code}): {stderr.strip()[-500:]}")
    captured = json.loads(_read(files["capture"]))
    return Capture(phase, captured["resources"], captured["outputs"])


def _stop(runner: subprocess.Popen) -> None:
    """The runner and every phase process it forked: they share its process group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(runner.pid, signal.SIGKILL)
    runner.wait()


def run_phases(project: Project, phases: tuple[str, ...], timeout: float) -> dict[str, Capture]:
    """Run the phases concurrently (one forked process each) and return their captures."""
    with tempfile.TemporaryDirectory(prefix="perimeter-") as workdir:
        files = {phase: {name: os.path.join(workdir, f"{phase}-{name}") for name in ("capture", "stderr", "exit")}
                 for phase in phases}
        request_path = os.path.join(workdir, "request.json")
        with open(request_path, "w", encoding="utf-8") as handle:
            json.dump({"directory": project.directory, "main": project.main, "project": project.name,
                       "stack": project.stack, "config": project.config, "secretKeys": list(project.secret_keys),
                       "awsConfig": project.aws_config, "phases": files}, handle)
        # Its own process group, so a timeout or Ctrl-C stops the phase processes it forked too.
        runner = subprocess.Popen([sys.executable, "-m", "perimeter.harness.program", request_path],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, process_group=0)
        try:
            try:
                _, stderr = runner.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                late = next((p for p in phases if not os.path.exists(files[p]["exit"])), phases[-1])
                raise HarnessError(f"the program did not finish its {late} run within {timeout:.0f}s; "
                                   "raise --timeout if it is just slow") from None
            if runner.returncode != 0:
                raise HarnessError(f"the program runner crashed (exit {runner.returncode}): {stderr.strip()[-500:]}")
            return {phase: _phase_capture(phase, files[phase]) for phase in phases}
        finally:
            if runner.returncode is None or not all(os.path.exists(f["exit"]) for f in files.values()):
                _stop(runner)
