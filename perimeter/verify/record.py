"""`perimeter verify --record DIR`: each run appended as a dated, hashed, chained JSON record.

A record holds what one verify run found, per control and resource, with when,
where (account, region) and whether the run had a verdict. Each record holds the
SHA-256 of the previous record's bytes, so removing, editing, reordering or
inserting a record breaks the chain, and `perimeter evidence --history` says
where. Records are never rewritten: a new run only adds a file.

    DIR/000001-20260105T060000Z.json, DIR/000002-20260106T060000Z.json, ...
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import UsageError
from ..inputs import load_document
from ..report import Report

RECORD_VERSION = 1
RECORD_NAME = re.compile(r"^(\d{6})-(\d{8}T\d{6}Z)\.json$")
_TEXT = {"type": "string", "minLength": 1}
RECORD_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["recordVersion", "sequence", "previous", "checkedAt", "stack", "accountId", "region", "noVerdict",
                 "evaluations"],
    "properties": {
        "recordVersion": {"const": RECORD_VERSION},
        "sequence": {"type": "integer", "minimum": 1},
        "previous": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
        "checkedAt": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$"},
        "stack": _TEXT, "accountId": _TEXT, "region": _TEXT, "noVerdict": {"type": "string"},
        "evaluations": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["policy", "urn", "status"],
            "properties": {"policy": _TEXT, "urn": _TEXT, "status": {"enum": ["COMPLIANT", "NON_COMPLIANT",
                                                                                   "NOT_APPLICABLE"]}}}},
    },
}


@dataclass(frozen=True)
class Record:
    path: str
    digest: str
    body: dict[str, Any]

    @property
    def checked_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.body["checkedAt"])


def digest_of(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def record_body(report: Report, sequence: int, previous: Optional[str]) -> dict[str, Any]:
    return {
        "recordVersion": RECORD_VERSION, "sequence": sequence, "previous": previous,
        "checkedAt": report.extra["checkedAt"], "stack": report.stack, "accountId": report.extra["accountId"],
        "region": report.extra["region"], "noVerdict": report.no_verdict,
        "evaluations": [{"policy": e.policy, "urn": e.urn, "status": e.status} for e in report.evaluations],
    }


def _names(directory: str) -> list[str]:
    names = sorted(os.listdir(directory))
    strays = [n for n in names if not RECORD_NAME.match(n)]
    if strays:
        raise UsageError(f"history {directory} holds {strays[0]!r}, which is not a verify record: "
                         "keep only `perimeter verify --record` files there")
    return names


def append_record(directory: str, report: Report) -> str:
    """Write this run as the next record in `directory` (created if absent); the record's path."""
    if os.path.lexists(directory) and not os.path.isdir(directory):
        raise UsageError(f"--record {directory} is a file: pass a directory for the verify records")
    os.makedirs(directory, exist_ok=True)
    names = _names(directory)
    previous = digest_of(os.path.join(directory, names[-1])) if names else None
    sequence = int(RECORD_NAME.match(names[-1]).group(1)) + 1 if names else 1
    stamp = dt.datetime.fromisoformat(report.extra["checkedAt"]).strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(directory, f"{sequence:06d}-{stamp}.json")
    text = json.dumps(record_body(report, sequence, previous), indent=2, sort_keys=True) + "\n"
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".record-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    try:
        os.link(temporary, path)  # fails if the name exists: a record is never overwritten
    except FileExistsError:
        raise UsageError(f"--record {directory}: {os.path.basename(path)} already exists; "
                         "another run is recording at the same time, retry") from None
    finally:
        os.unlink(temporary)
    return path


def load_chain(directory: str) -> list[Record]:
    """Every record in order, with the chain checked: a UsageError names the first broken link."""
    if not os.path.isdir(directory):
        raise UsageError(f"--history {directory} is not a directory of verify records (`perimeter verify --record`)")
    records: list[Record] = []
    for index, name in enumerate(_names(directory), 1):
        path = os.path.join(directory, name)
        body = load_document(path, what="verify record", schema=RECORD_SCHEMA,
                             fix="records are written by `perimeter verify --record` and never edited")
        expected_previous = records[-1].digest if records else None
        if body["sequence"] != index or int(RECORD_NAME.match(name).group(1)) != index:
            raise UsageError(f"history {directory}: chain broken at {name}: expected record #{index} "
                             "(a record was removed, inserted or renamed)")
        if body["previous"] != expected_previous:
            before = os.path.basename(records[-1].path) if records else "nothing"
            raise UsageError(f"history {directory}: chain broken at {name}: its `previous` hash does not match "
                             f"{before} (that record was edited, replaced or removed)")
        if records and body["checkedAt"] < records[-1].body["checkedAt"]:
            raise UsageError(f"history {directory}: chain broken at {name}: checked before the record it follows")
        records.append(Record(path, digest_of(path), body))
    if not records:
        raise UsageError(f"--history {directory} holds no verify records: record runs with "
                         "`perimeter verify --record DIR`")
    return records
