"""Child side: run one Pulumi program under the mock runtime, a forked process per phase.

    python -m perimeter.harness.program REQUEST.json

The process imports the Pulumi SDK and the provider SDK classes the program
names (warm.py) once, then forks a process per phase, so the preview and the
update run concurrently and share that import, which is most of a phase's time.
Each phase process writes its capture and its stderr to the files the request
names for it; this process writes each phase's exit status as the phase ends:
0 with the capture written; 3 when the program raised (its own traceback on
stderr); 4 for a `pulumi.RunError`, whose message alone is on stderr, as the
engine prints it.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback

PROGRAM_FAILED = 3
PROGRAM_RUN_ERROR = 4
PHASE_CRASHED = 70  # the harness itself failed inside a phase process (traceback on its stderr)


def _program_traceback(error: BaseException, main: str) -> str:
    """The traceback from the program's first frame on: the harness's frames are noise.

    A program that never ran (a syntax error in its entry file) has no frame of its
    own: then only the error itself, which names the file, line and column.
    """
    frames = traceback.extract_tb(error.__traceback__)
    start = next((i for i, f in enumerate(frames) if os.path.abspath(f.filename) == main), len(frames))
    lines = ["Traceback (most recent call last):\n"] + traceback.format_list(frames[start:]) if start < len(frames) else []
    return "".join(lines + traceback.format_exception_only(type(error), error))


def stack_outputs() -> dict:
    """Exports in wire form (unknown sentinels, secret envelopes), as `pulumi stack output` would hold them."""
    from google.protobuf import json_format
    from pulumi.runtime import get_root_resource, rpc
    from pulumi.runtime.sync_await import _sync_await

    stack = get_root_resource()
    struct = _sync_await(rpc.serialize_properties(dict(stack.outputs), {}))
    return json_format.MessageToDict(struct)


def run_phase(request: dict, phase: str, capture_path: str) -> int:
    import pulumi
    from pulumi.runtime import mocks, set_all_config

    from .monitor import AwsMocks, CapturingMonitor

    preview = phase == "preview"
    os.environ["PULUMI_DRY_RUN"] = "true" if preview else "false"
    aws_mocks = AwsMocks(preview=preview, region=request["awsConfig"].get("region", ""))
    monitor = CapturingMonitor(aws_mocks, request["awsConfig"])
    set_all_config(request["config"], request["secretKeys"])
    mocks.set_mocks(aws_mocks, project=request["project"], stack=request["stack"], preview=preview, monitor=monitor)

    @pulumi.runtime.test
    def run_program():
        runpy.run_path(request["main"], run_name="__main__")

    try:
        run_program()
    except pulumi.RunError as error:
        print(error, file=sys.stderr)
        return PROGRAM_RUN_ERROR
    except SystemExit as error:
        if error.code not in (None, 0):
            print(f"the program exited with status {error.code}", file=sys.stderr)
            return PROGRAM_RUN_ERROR
    except BaseException as error:  # whatever the program raised is reported with its own traceback
        sys.stderr.write(_program_traceback(error, os.path.abspath(request["main"])))
        return PROGRAM_FAILED

    with open(capture_path, "w", encoding="utf-8") as handle:
        json.dump({"resources": monitor.captured, "outputs": stack_outputs()}, handle)
    return 0


def _fork_phase(request: dict, phase: str, files: dict) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = PHASE_CRASHED
    try:
        os.dup2(os.open(files["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        code = run_phase(request, phase, files["capture"])
    except BaseException:  # the harness's own failure: the parent reports it with this traceback
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main(request_path: str) -> int:
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)

    from pulumi.runtime import mocks  # noqa: F401  (imported once, before the fork, for every phase)

    from . import monitor  # noqa: F401
    from .warm import import_providers, provider_references

    # As the language host does: the program runs from its main directory, importable from there.
    program_directory = os.path.dirname(request["main"])
    os.chdir(program_directory)
    sys.path.insert(0, program_directory)
    import_providers(provider_references(request["main"]))

    phases = {_fork_phase(request, phase, files): files for phase, files in request["phases"].items()}
    while phases:
        pid, status = os.wait()
        with open(phases.pop(pid)["exit"], "w", encoding="utf-8") as handle:
            handle.write(str(os.waitstatus_to_exitcode(status)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
