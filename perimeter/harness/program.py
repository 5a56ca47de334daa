"""Child process: run one Pulumi program under the mock runtime and write what it registered.

    python -m perimeter.harness.program REQUEST.json CAPTURE.json

Exit 0 with CAPTURE written; exit 3 when the program raised (its own traceback
on stderr); exit 4 for a `pulumi.RunError`, whose message alone is on stderr,
as the engine prints it.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback

PROGRAM_FAILED = 3
PROGRAM_RUN_ERROR = 4


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


def main(request_path: str, capture_path: str) -> int:
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)

    import pulumi
    from pulumi.runtime import mocks, set_all_config

    from .monitor import AwsMocks, CapturingMonitor

    preview = request["phase"] == "preview"
    aws_mocks = AwsMocks(preview=preview, region=request["awsConfig"].get("region", ""))
    monitor = CapturingMonitor(aws_mocks, request["awsConfig"])
    # As the language host does: the program runs from its main directory, importable from there.
    program_directory = os.path.dirname(request["main"])
    os.chdir(program_directory)
    sys.path.insert(0, program_directory)
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
