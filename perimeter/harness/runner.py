"""Parent side: start `program` in a child process per phase, with a timeout."""

from __future__ import annotations

import json
import os
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


def start_program(project: Project, phase: str, workdir: str) -> tuple[subprocess.Popen, str]:
    request_path = os.path.join(workdir, f"{phase}-request.json")
    capture_path = os.path.join(workdir, f"{phase}-capture.json")
    with open(request_path, "w", encoding="utf-8") as handle:
        json.dump({"directory": project.directory, "main": project.main, "project": project.name,
                   "stack": project.stack, "config": project.config, "secretKeys": list(project.secret_keys),
                   "awsConfig": project.aws_config, "phase": phase}, handle)
    child = subprocess.Popen(
        [sys.executable, "-m", "perimeter.harness.program", request_path, capture_path],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PULUMI_DRY_RUN": "true" if phase == "preview" else "false"},
    )
    return child, capture_path


def finish_program(child: subprocess.Popen, capture_path: str, phase: str, timeout: float) -> Capture:
    try:
        _, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise HarnessError(f"the program did not finish its {phase} run within {timeout:.0f}s; raise --timeout if it is just slow") from None
    if child.returncode == PROGRAM_RUN_ERROR:
        raise ProgramError(f"the Pulumi program failed during {phase}: {stderr.strip()}")
    if child.returncode == PROGRAM_FAILED:
        last = next((line for line in reversed(stderr.strip().splitlines()) if line.strip()), "unknown error")
        raise ProgramError(f"the Pulumi program failed during {phase}: {last}", stderr)
    if child.returncode != 0:
        raise HarnessError(f"the program runner crashed during {phase} (exit {child.returncode}): {stderr.strip()[-500:]}")
    with open(capture_path, encoding="utf-8") as handle:
        captured = json.load(handle)
    return Capture(phase, captured["resources"], captured["outputs"])


def run_phases(project: Project, phases: tuple[str, ...], timeout: float) -> dict[str, Capture]:
    """Run the phases concurrently (one child each) and return their captures."""
    with tempfile.TemporaryDirectory(prefix="perimeter-") as workdir:
        started = {phase: start_program(project, phase, workdir) for phase in phases}
        try:
            return {phase: finish_program(child, path, phase, timeout) for phase, (child, path) in started.items()}
        finally:
            for child, _ in started.values():
                if child.poll() is None:
                    child.kill()
                    child.wait()
