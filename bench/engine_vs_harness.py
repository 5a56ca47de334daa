"""Wall time of `pulumi preview --policy-pack` (the real engine) against `perimeter preview`, side by side.

    .venv/bin/python -m bench.engine_vs_harness [--units 100]

Needs the engine in .tools/ (`make engine`). Both run the same program, config and
pack, as whole commands from a cold start: the reference dev stack, then the
synthetic program of bench/preview_scaling.py at `--units` x 10 resources. The
engine drives the stand-in AWS provider (tests/conformance/standin_provider.py);
`perimeter preview` is timed for the preview phase alone (what `pulumi preview`
does) and for its default, both phases.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from bench.preview_scaling import RESOURCES_PER_UNIT, SYNTHETIC_PROGRAM
from tests.conformance.pulumi_cli import ROOT, Workspace, engine_missing

PERIMETER = os.path.join(os.path.dirname(sys.executable), "perimeter")


def _timed(run) -> tuple[float, int]:
    started = time.perf_counter()
    returncode = run()
    return time.perf_counter() - started, returncode


def _perimeter(pack: str, project: str, stack: str, config: str | None, phase: str) -> int:
    args = [PERIMETER, "preview", "--cwd", project, "--stack", stack, "--phase", phase, "--format", "json",
            "--policy-pack", pack]
    if config:
        args += ["--policy-config", config]
    return subprocess.run(args, capture_output=True, timeout=3600).returncode


def _synthetic_project(directory: str, units: int) -> str:
    os.makedirs(directory)
    with open(os.path.join(directory, "Pulumi.yaml"), "w") as handle:
        handle.write("name: bench\nruntime: python\n")
    with open(os.path.join(directory, "Pulumi.bench.yaml"), "w") as handle:
        handle.write(f"config:\n  aws:region: eu-west-1\n  bench:units: {units}\n")
    with open(os.path.join(directory, "__main__.py"), "w") as handle:
        handle.write(SYNTHETIC_PROGRAM)
    return directory


def measure(workspace: Workspace, label: str, project: str, stack: str, config: str | None) -> dict:
    engine, engine_rc = _timed(lambda: workspace.preview(project, stack, config).returncode)
    harness, harness_rc = _timed(lambda: _perimeter(workspace.pack, project, stack, config, "preview"))
    both, _ = _timed(lambda: _perimeter(workspace.pack, project, stack, config, "both"))
    return {"label": label, "engine": engine, "harness": harness, "both": both, "exit": (engine_rc, harness_rc)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100, help="synthetic program size, in units of 10 resources")
    args = parser.parse_args(argv)
    missing = engine_missing()
    if missing:
        print(f"engine_vs_harness: {missing}", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        reference = Workspace(os.path.join(directory, "reference"))
        project = reference.reference_project("dev")
        rows.append(measure(reference, "reference dev stack", project, "dev", reference.policy_config("dev")))
        synthetic = Workspace(os.path.join(directory, "synthetic"))
        project = _synthetic_project(os.path.join(directory, "synthetic-project"), args.units)
        synthetic.stack_init(project, "bench")
        rows.append(measure(synthetic, f"synthetic, {args.units * RESOURCES_PER_UNIT} resources", project, "bench", None))
    print("| program | `pulumi preview --policy-pack` s | `perimeter preview --phase preview` s | engine / perimeter "
          "| `perimeter preview` (both phases) s | exit (engine, perimeter) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['label']} | {r['engine']:.1f} | {r['harness']:.1f} | {r['engine'] / r['harness']:.1f}x "
              f"| {r['both']:.1f} | {r['exit'][0]}, {r['exit'][1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
