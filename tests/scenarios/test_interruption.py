"""Nothing hangs and nothing is left running: timeouts and Ctrl-C stop the program and the pack.

The CLI is started with SIGINT at its default disposition whatever this test
process inherited: CI runners and background jobs often start with SIGINT
ignored, and an ignored disposition survives exec, so the CLI would never see
the Ctrl-C under test. The Ctrl-C test runs under both inherited dispositions.
"""

import contextlib
import os
import signal
import subprocess
import time

import pytest

from .cli import PERIMETER, make_project

SLOW_PROGRAM_TAIL = "\nimport time\ntime.sleep(60)\n"


def _slow_project(tmp_path):
    project = make_project(str(tmp_path / "project"), "s01_bucket_without_encryption_or_public_access_block.py")
    with open(os.path.join(project, "app", "__main__.py"), "a") as handle:
        handle.write(SLOW_PROGRAM_TAIL)
    return project


def _descendants(pid):
    """Every process under pid: the pack, the phase runner and the phase processes it forks."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    processes = {}
    for child in map(int, found.stdout.split()):
        with contextlib.suppress(FileNotFoundError):
            processes[child] = open(f"/proc/{child}/cmdline").read().replace("\0", " ")
            processes.update(_descendants(child))
    return processes


def _alive(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return "State:\tZ" not in status.read()
    except FileNotFoundError:
        return False


def _default_sigint():
    """In the child before exec: a user's terminal delivers Ctrl-C to a default disposition."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def _inherited_sigint(disposition):
    previous = signal.signal(signal.SIGINT, disposition)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_until_children_settle(*args):
    """Start the CLI and wait until the pack, the phase runner and both phase processes are running under it."""
    cli = subprocess.Popen([PERIMETER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=_default_sigint)
    deadline = time.monotonic() + 30
    children = {}
    while time.monotonic() < deadline:
        children = _descendants(cli.pid)
        if sum("perimeter.harness.program" in c for c in children.values()) == 3 and \
                any("pulumi.policy" in c for c in children.values()):
            break
        time.sleep(0.2)
    return cli, children


def test_program_timeout_is_exit_2_and_stops_everything(tmp_path):
    cli, children = _run_until_children_settle("preview", "--cwd", _slow_project(tmp_path), "--stack", "test",
                                               "--timeout", "3")
    _, stderr = cli.communicate(timeout=30)
    assert cli.returncode == 2
    assert "did not finish its preview run within 3s" in stderr and stderr.count("\n") == 1
    assert len(children) == 4 and not [pid for pid in children if _alive(pid)]


@pytest.mark.parametrize("inherited", [signal.SIG_IGN, signal.default_int_handler], ids=["sigint-ignored", "sigint-default"])
def test_ctrl_c_is_exit_2_and_stops_the_pack_and_program(tmp_path, inherited):
    with _inherited_sigint(inherited):
        cli, children = _run_until_children_settle("preview", "--cwd", _slow_project(tmp_path), "--stack", "test")
    assert len(children) == 4, children
    cli.send_signal(signal.SIGINT)
    _, stderr = cli.communicate(timeout=30)
    assert cli.returncode == 2
    assert stderr == "perimeter: interrupted; the policy pack and program were stopped\n"
    assert not [pid for pid in children if _alive(pid)]
