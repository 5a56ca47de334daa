"""Bad input is a class, not a list: every file and flag each command reads, fed hostile values.

Whatever the input, the answer is exit 2 and exactly one line on stderr naming
the problem, never a traceback. Most cases call `perimeter.cli.main` in-process
(fast, so hypothesis can try many); a few go through the installed entry point.
A new command joins by adding its file flags to FILE_TARGETS and its numeric
flags to NUMERIC_FLAGS.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perimeter.cli import main
from perimeter.inputs import REGION_PATTERN

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PERIMETER = os.path.join(os.path.dirname(sys.executable), "perimeter")
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def project(tmp_path):
    """A minimal valid project; each case breaks exactly one input."""
    (tmp_path / "Pulumi.yaml").write_text("name: probe\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("raise SystemExit('the program must not run in these tests')\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    return tmp_path


@dataclass(frozen=True)
class FileTarget:
    """One file a command reads: where it goes and the argv that makes the command read it."""

    name: str
    argv: Callable[[object, str], list[str]]  # (project dir, file path) -> argv


PROGRAM = ["--stack", "test", "--policy-pack", os.path.join(ROOT, "policies")]
FILE_TARGETS = {
    "preview Pulumi.yaml": FileTarget("Pulumi.yaml", lambda p, f: ["preview", "--cwd", str(p), *PROGRAM]),
    "preview stack file": FileTarget("Pulumi.test.yaml", lambda p, f: ["preview", "--cwd", str(p), *PROGRAM]),
    "preview --policy-config": FileTarget("policy.json", lambda p, f: ["preview", "--cwd", str(p), *PROGRAM,
                                                                       "--policy-config", f]),
    "evidence --policy-config": FileTarget("policy.json", lambda p, f: ["evidence", "--cwd", str(p), *PROGRAM,
                                                                        "--policy-config", f, "--out", f"{p}/out"]),
    "evidence --verify-report": FileTarget("verify.json", lambda p, f: ["evidence", "--cwd", str(p), *PROGRAM,
                                                                        "--verify-report", f, "--out", f"{p}/out"]),
    "evidence --history": FileTarget("history/000001-20260105T060000Z.json", lambda p, f: [
        "evidence", "--cwd", str(p), *PROGRAM, "--history", os.path.dirname(f), "--out", f"{p}/out"]),
    "verify --outputs": FileTarget("outputs.json", lambda p, f: ["verify", "--outputs", f, "--region", "eu-west-1",
                                                                 "--endpoint-url", "http://127.0.0.1:9"]),
    "evaluate --outputs": FileTarget("outputs.json", lambda p, f: ["evaluate", "--live", "--outputs", f, "--region",
                                                                   "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"]),
}
NUMERIC_FLAGS = {
    "preview --timeout": lambda p, v: ["preview", "--cwd", str(p), *PROGRAM, "--timeout", v],
    "evidence --timeout": lambda p, v: ["evidence", "--cwd", str(p), *PROGRAM, "--timeout", v, "--out", f"{p}/o"],
}


def assert_one_line_no_verdict(code: int, err: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("perimeter: "), err


def run_main(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


# Documents of the wrong shape for every target: none of them is an object with the required keys.
WRONG_SHAPES = st.one_of(
    st.lists(st.integers() | st.text(max_size=5), max_size=3), st.text(max_size=10).filter(lambda s: s.strip()),
    st.integers(), st.floats(allow_nan=False), st.booleans(),
)
INVALID_UTF8 = st.tuples(st.binary(max_size=40), st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"]),
                         st.binary(max_size=40)).map(lambda parts: b"".join(parts))


@pytest.mark.parametrize("target", sorted(FILE_TARGETS))
@FAST
@given(content=INVALID_UTF8 | st.binary(min_size=1, max_size=60).map(lambda b: b"\x00" + b))
def test_binary_or_non_utf8_file_is_one_line_exit_2(project, capsys, target, content):
    spec = FILE_TARGETS[target]
    (project / spec.name).parent.mkdir(exist_ok=True)
    (project / spec.name).write_bytes(content)
    assert_one_line_no_verdict(*run_main(capsys, spec.argv(project, str(project / spec.name))))


@pytest.mark.parametrize("target", sorted(FILE_TARGETS))
@FAST
@given(document=WRONG_SHAPES, as_yaml=st.booleans())
def test_wrong_shape_is_one_line_exit_2(project, capsys, target, document, as_yaml):
    spec = FILE_TARGETS[target]
    (project / spec.name).parent.mkdir(exist_ok=True)
    text = yaml.safe_dump(document) if as_yaml and spec.name.endswith(".yaml") else json.dumps(document)
    (project / spec.name).write_text(text)
    assert_one_line_no_verdict(*run_main(capsys, spec.argv(project, str(project / spec.name))))


@pytest.mark.parametrize("document, fragment", [
    ("- a\n- b\n", "at (top level): ['a', 'b'] is not of type 'object'"),
    ("just a string\n", "is not of type 'object'"),
    ("name: probe\nruntime: python\nmain: 42\n", "at main: 42 is not of type 'string'"),
    ("name: [probe\n", "is not valid YAML at line"),
])
def test_pulumi_yaml_of_the_wrong_shape_names_the_key(project, capsys, document, fragment):
    (project / "Pulumi.yaml").write_text(document)
    code, err = run_main(capsys, ["preview", "--cwd", str(project), *PROGRAM])
    assert_one_line_no_verdict(code, err)
    assert f"Pulumi.yaml {project}/Pulumi.yaml" in err and fragment in err


@pytest.mark.parametrize("document, fragment", [
    ("config: [1, 2]\n", "at config: [1, 2] is not of type 'object', 'null'"),
    ("config:\n  'a:b:c': 1\n", "at config: 'a:b:c' does not match"),
    ("config:\n  aws:region:\n", "stack config key 'aws:region' has no value"),
])
def test_stack_file_of_the_wrong_shape_names_the_key(project, capsys, document, fragment):
    (project / "Pulumi.test.yaml").write_text(document)
    code, err = run_main(capsys, ["preview", "--cwd", str(project), *PROGRAM])
    assert_one_line_no_verdict(code, err)
    assert fragment in err


@pytest.mark.parametrize("flag", sorted(NUMERIC_FLAGS))
@FAST
@given(value=st.sampled_from(["nan", "NaN", "inf", "-inf", "0", "-1", "0.0", "1e9", "", "ten"])
       | st.floats().filter(lambda v: not 0 < v <= 86400).map(repr))
def test_numeric_flag_out_of_range_is_one_line_exit_2(project, capsys, flag, value):
    code, err = run_main(capsys, NUMERIC_FLAGS[flag](project, value))
    assert_one_line_no_verdict(code, err)
    assert "--timeout" in err and "seconds > 0 and <= 86400" in err or "expected one argument" in err


@FAST
@given(region=st.text(max_size=20).filter(lambda s: not re.match(REGION_PATTERN, s)))
def test_verify_region_that_is_not_a_region_is_one_line_exit_2(capsys, region):
    code, err = run_main(capsys, ["verify", f"--region={region}", "--endpoint-url", "http://127.0.0.1:9"])
    assert_one_line_no_verdict(code, err)
    assert "--region" in err


ENV_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20)


@pytest.mark.parametrize("command", ["preview", "verify"])
@FAST
@given(epoch=ENV_TEXT.filter(lambda s: not (s.isascii() and s.isdigit())) | st.integers(min_value=253402300800).map(str))
def test_source_date_epoch_out_of_range_is_one_line_exit_2(project, capsys, monkeypatch, command, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    argv = ["preview", "--cwd", str(project), *PROGRAM] if command == "preview" else \
        ["verify", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"]
    code, err = run_main(capsys, argv)
    assert_one_line_no_verdict(code, err)
    assert "SOURCE_DATE_EPOCH" in err


def test_evidence_out_that_is_not_a_pack_is_refused_before_the_run(project, capsys):
    out = project / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, err = run_main(capsys, ["evidence", "--cwd", str(project), *PROGRAM, "--out", str(out)])
    assert_one_line_no_verdict(code, err)
    assert "is not empty and holds no evidence pack (manifest.json)" in err
    assert (out / "notes.txt").read_text() == "mine"


# --- through the installed entry point ---

def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PERIMETER, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("args, env, fragment", [
    (["preview", "--timeout", "nan"], {}, "argument --timeout: 'nan' is out of range"),
    (["preview", "--timeout", "-1"], {}, "argument --timeout: '-1' is out of range"),
    (["verify", "--region", "eu west 1"], {}, "argument --region: 'eu west 1' is not valid"),
    (["preview"], {"SOURCE_DATE_EPOCH": "99999999999999"}, "SOURCE_DATE_EPOCH='99999999999999' must be whole seconds"),
])
def test_entry_point_bad_flag_or_environment(args, env, fragment):
    result = run_cli(*args, env=env)
    assert_one_line_no_verdict(result.returncode, result.stderr)
    assert fragment in result.stderr and result.stdout == ""


def test_entry_point_non_utf8_stack_file(project):
    (project / "Pulumi.test.yaml").write_bytes(b"config:\n  aws:region: eu-west-1\xff\n")
    result = run_cli("preview", "--cwd", str(project), *PROGRAM)
    assert_one_line_no_verdict(result.returncode, result.stderr)
    assert "is not UTF-8 text (byte 0xff at offset 31): save it as UTF-8" in result.stderr


def test_syntax_error_in_the_program_shows_only_the_program(project):
    (project / "__main__.py").write_text("import pulumi\n\ndef broken(:\n    pass\n")
    result = run_cli("preview", "--cwd", str(project), *PROGRAM)
    assert result.returncode == 2
    first, *rest = result.stderr.splitlines()
    assert first == "perimeter: the Pulumi program failed during preview: SyntaxError: invalid syntax"
    assert f'File "{project}/__main__.py", line 3' in result.stderr
    assert "Traceback" not in result.stderr and "perimeter/" not in result.stderr and "runpy" not in result.stderr


@pytest.fixture(scope="module")
def reference_copy(tmp_path_factory):
    """The reference program in a scratch directory, so a test can write its stack file."""
    copy = tmp_path_factory.mktemp("reference")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(os.path.join(ROOT, name), copy)
    for directory in ("components", "assistant", "evaluation"):
        if os.path.isdir(os.path.join(ROOT, directory)):
            shutil.copytree(os.path.join(ROOT, directory), copy / directory,
                            ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "stacks").mkdir()
    return copy


def test_misspelt_stack_config_key_is_an_error_with_did_you_mean(reference_copy):
    with open(os.path.join(ROOT, "stacks", "Pulumi.dev.yaml"), encoding="utf-8") as handle:
        stack = yaml.safe_load(handle)
    stack["config"]["perimeter:vpcCdir"] = "10.50.0.0/16"
    (reference_copy / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    result = run_cli("preview", "--cwd", str(reference_copy), "--stack", "dev", "--phase", "preview")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "perimeter:vpcCdir is not a known key; did you mean 'perimeter:vpcCidr'?" in result.stderr
