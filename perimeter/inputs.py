"""Every input the CLI reads, checked before use: files (encoding, syntax, shape) and numeric flags.

One rule for all commands: a bad input is ONE line naming the file or flag,
the problem and the fix (a UsageError, exit 2), never a traceback. Commands
load their files through `load_document` with a JSON schema, and declare their
numeric flags with `bounded_number`, so a new command gets the same guarantees.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import re
from typing import Any, Iterable, Mapping, Optional

import jsonschema
import yaml

from .errors import UsageError

MAX_FILE_BYTES = 50 * 1024 * 1024  # larger than any real stack, config or report; reading more is a mistake
REGION_PATTERN = r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$"


def read_text(path: str, what: str, fix: str = "") -> str:
    """The file's text; a UsageError for a missing, unreadable, oversized or non-UTF-8 file."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{what} {path} not found{_fix(fix)}") from None
    except IsADirectoryError:
        raise UsageError(f"{what} {path} is a directory; pass a file") from None
    except OSError as error:
        raise UsageError(f"{what} {path} cannot be read ({error.strerror or error}){_fix(fix)}") from None
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(f"{what} {path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: pass the right file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"{what} {path} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
                         f"{error.start}): save it as UTF-8") from None
    if "\x00" in text:
        raise UsageError(f"{what} {path} holds NUL bytes, so it is not a text file: pass the right file")
    return text.lstrip("\ufeff")


def parse_json(text: str, path: str, what: str, fix: str = "") -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise UsageError(f"{what} {path} is not valid JSON ({error.msg} at line {error.lineno}, column "
                         f"{error.colno}){_fix(fix)}") from None
    except (ValueError, RecursionError) as error:
        raise UsageError(f"{what} {path} is not valid JSON ({_one_line(str(error)) or 'nested too deeply'})"
                         f"{_fix(fix)}") from None


def parse_yaml(text: str, path: str, what: str, fix: str = "") -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "syntax error"
        raise UsageError(f"{what} {path} is not valid YAML{where} ({_one_line(problem)}){_fix(fix or 'fix the syntax')}") \
            from None
    except (ValueError, RecursionError) as error:  # e.g. an out-of-range date, or nesting too deep
        raise UsageError(f"{what} {path} is not valid YAML ({_one_line(str(error)) or 'nested too deeply'})"
                         f"{_fix(fix)}") from None


def validate(document: Any, schema: Mapping[str, Any], path: str, what: str, fix: str = "") -> Any:
    """`document`, or a UsageError naming the first problem (where in the file, what is wrong, `fix`)."""
    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    error = jsonschema.exceptions.best_match(validator_class(schema).iter_errors(document))
    if error is None:
        return document
    raise UsageError(f"{what} {path}: {describe_schema_error(error)}{_fix(fix)}")


def load_document(path: str, *, what: str, schema: Optional[Mapping[str, Any]] = None, fmt: str = "json",
                  fix: str = "") -> Any:
    """Read, decode, parse (`fmt` json or yaml) and validate one input file; one-line UsageError on any problem.

    `what` names the file for the user ("stack file", "--policy-config"); `fix` says what to do about a
    shape problem ("write it with `pulumi stack output --json`").
    """
    text = read_text(path, what)
    document = (parse_yaml if fmt == "yaml" else parse_json)(text, path, what, fix)
    return validate(document, schema, path, what, fix) if schema is not None else document


def describe_schema_error(error: jsonschema.ValidationError) -> str:
    """One line: where (a/b/0), what is wrong, and a "did you mean" for an unknown key."""
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        unknown = sorted(k for k in error.instance if k not in allowed)
        if unknown:
            return (f"at {where}: unknown key {unknown[0]!r}{did_you_mean(unknown[0], allowed)}; "
                    f"allowed: {', '.join(allowed)}")
    return f"at {where}: {_one_line(error.message)}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def bounded_number(*, above: Optional[float] = None, at_least: Optional[float] = None,
                   at_most: Optional[float] = None, unit: str = "", integer: bool = False):
    """An argparse `type=` for a finite number in range: rejects nan, inf and out-of-range values.

    argparse turns the ArgumentTypeError into "argument --flag: <message>", which the CLI's parser
    reports as one line with exit 2.
    """
    bounds = [f"> {above:g}" if above is not None else "", f">= {at_least:g}" if at_least is not None else "",
              f"<= {at_most:g}" if at_most is not None else ""]
    wanted = f"{'a whole number' if integer else 'a number'}{f' of {unit}' if unit else ''}"
    wanted += f" {' and '.join(b for b in bounds if b)}" if any(bounds) else ""

    def parse(text: str):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {wanted}") from None
        if math.isnan(value) or math.isinf(value) or (above is not None and value <= above) \
                or (at_least is not None and value < at_least) or (at_most is not None and value > at_most):
            raise argparse.ArgumentTypeError(f"{text!r} is out of range; use {wanted}")
        return value
    parse.__name__ = "number"
    return parse


def matching(pattern: str, example: str):
    """An argparse `type=` for a string that must match `pattern` (e.g. an AWS region)."""
    compiled = re.compile(pattern)

    def parse(text: str) -> str:
        if not compiled.match(text):
            raise argparse.ArgumentTypeError(f"{text!r} is not valid; expected something like {example!r}")
        return text
    parse.__name__ = "value"
    return parse


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:300]


def _fix(fix: str) -> str:
    return f": {fix}" if fix else ""


def evaluation_time():
    """The one clock of a run (SOURCE_DATE_EPOCH, else now), as the policy pack reads it; UsageError if malformed."""
    from perimeter_policies.waivers import evaluation_clock

    try:
        return evaluation_clock()
    except ValueError as error:
        raise UsageError(str(error)) from None
