"""Proof of operation: live results merged into the evidence pack.

- `--verify-report verify.json` (the JSON of `perimeter verify`): each control is
  "designed" (preview only), "operating" (verified live at time T, every live
  row compliant), "drifted" (a live row non-compliant) or "not verified live"
  (AWS did not answer every live row), with the account and region.
- `--history DIR --since DATE` (records of `perimeter verify --record`): per
  control, the runs that checked it, the first and last date, and every interval
  with drift, over a chain whose integrity is checked first.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

from ..errors import UsageError
from ..inputs import load_document
from ..report import COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, Report
from ..verify.record import Record, load_chain
from .supplement import Supplement

DESIGNED, OPERATING, DRIFTED, NOT_VERIFIED = "designed", "operating", "drifted", "not verified live"
_ROW = {"type": "object", "required": ["policy", "urn", "status"],
        "properties": {"policy": {"type": "string"}, "urn": {"type": "string"},
                       "status": {"enum": [COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE]}}}
VERIFY_REPORT_SCHEMA = {
    "type": "object",
    "required": ["stack", "checkedAt", "accountId", "region", "evaluations"],
    "properties": {
        "stack": {"type": "string"}, "checkedAt": {"type": "string"}, "accountId": {"type": "string"},
        "region": {"type": "string"}, "noVerdict": {"type": "string"},
        "evaluations": {"type": "array", "items": _ROW},
    },
}


def load_verify_report(path: str, stack: str) -> dict[str, Any]:
    report = load_document(path, what="--verify-report", schema=VERIFY_REPORT_SCHEMA,
                           fix="pass the JSON of `perimeter verify --format json`")
    if report["stack"] != stack:
        raise UsageError(f"--verify-report {path} is for stack {report['stack']!r}, the evidence for {stack!r}: "
                         "pass the verify report of the same stack")
    return report


def live_state(rows: list[dict[str, Any]]) -> str:
    statuses = {r["status"] for r in rows}
    if NON_COMPLIANT in statuses:
        return DRIFTED
    if NOT_APPLICABLE in statuses or not statuses:
        return NOT_VERIFIED
    return OPERATING


def _design_state(report: Report, control: str) -> str:
    if report.control(control) is None:
        return "— (live-only check)"
    rows = [e for e in report.evaluations if e.policy == control]
    if not rows:
        return "designed (no resource of its types in this stack)"
    latest = rows[-1].phase
    return "designed, open finding" if any(e.status == NON_COMPLIANT for e in rows if e.phase == latest) else DESIGNED


def operation_supplement(report: Report, verify_report: dict[str, Any]) -> Supplement:
    live: dict[str, list[dict[str, Any]]] = {}
    for row in verify_report["evaluations"]:
        live.setdefault(row["policy"], []).append(row)
    controls = sorted({c.name for c in report.controls if c.enforcement_level != "disabled"} | set(live))
    where = f"account {verify_report['accountId']}, {verify_report['region']}"
    states = []
    for control in controls:
        rows = live.get(control, [])
        state = live_state(rows) if rows else DESIGNED
        states.append({"control": control, "design": _design_state(report, control), "state": state,
                       "checkedAt": verify_report["checkedAt"] if rows else None,
                       "accountId": verify_report["accountId"] if rows else None,
                       "region": verify_report["region"] if rows else None,
                       "live": {s: sum(1 for r in rows if r["status"] == s) for s in (COMPLIANT, NON_COMPLIANT,
                                                                                        NOT_APPLICABLE)}})
    lines = ["## Operation: designed, operating or drifted", "",
             f"Live results of `perimeter verify` at {verify_report['checkedAt']} ({where})"
             + (f"; **that run had no verdict: {verify_report['noVerdict']}**" if verify_report.get("noVerdict") else "")
             + ". *designed*: enforced at preview only; *operating*: every live check compliant; *drifted*: a live "
               "check failed; *not verified live*: AWS did not answer every live check.", "",
             "| control | preview | live | live checks (compliant / drifted / not verifiable) | checked at | where |",
             "|---|---|---|---|---|---|"]
    for s in states:
        counts = s["live"]
        lines.append(f"| `{s['control']}` | {s['design']} | **{s['state']}** | "
                     f"{counts[COMPLIANT]} / {counts[NON_COMPLIANT]} / {counts[NOT_APPLICABLE]} | "
                     f"{s['checkedAt'] or '—'} | {where if s['checkedAt'] else '—'} |")
    document = {"checkedAt": verify_report["checkedAt"], "accountId": verify_report["accountId"],
                "region": verify_report["region"], "noVerdict": verify_report.get("noVerdict", ""), "controls": states}
    return Supplement(files={"operation.json": json.dumps(document, indent=2) + "\n"},
                      matrix="\n".join(lines) + "\n\n")


def parse_since(text: Optional[str]) -> Optional[dt.datetime]:
    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {text!r} is not a YYYY-MM-DD date") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def history_summary(records: list[Record], stack: str, since: Optional[dt.datetime]) -> list[dict[str, Any]]:
    """Per control: runs that checked it, runs it held, first/last date, and the intervals with drift."""
    chosen = [r for r in records if r.body["stack"] == stack and (since is None or r.checked_at >= since)]
    controls = sorted({row["policy"] for r in chosen for row in r.body["evaluations"]})
    summary = []
    for control in controls:
        runs = [(r, live_state([row for row in r.body["evaluations"] if row["policy"] == control])) for r in chosen
                if any(row["policy"] == control for row in r.body["evaluations"])]
        intervals, start = [], None
        for record, state in runs:
            if state == DRIFTED and start is None:
                start = record.body["checkedAt"]
            elif state == OPERATING and start is not None:
                intervals.append({"from": start, "until": record.body["checkedAt"]})
                start = None
        if start is not None:
            intervals.append({"from": start, "until": None})
        summary.append({
            "control": control, "runs": len(runs),
            "operating": sum(1 for _, s in runs if s == OPERATING),
            "drifted": sum(1 for _, s in runs if s == DRIFTED),
            "notVerified": sum(1 for _, s in runs if s == NOT_VERIFIED),
            "first": runs[0][0].body["checkedAt"], "last": runs[-1][0].body["checkedAt"], "driftIntervals": intervals,
        })
    return summary


def history_supplement(directory: str, stack: str, since_text: Optional[str]) -> Supplement:
    since = parse_since(since_text)
    records = load_chain(directory)
    summary = history_summary(records, stack, since)
    if not summary:
        raise UsageError(f"--history {directory} holds no record for stack {stack!r}"
                         + (f" since {since_text}" if since_text else "") + ": record runs with `perimeter verify --record`")
    runs = [r for r in records if r.body["stack"] == stack and (since is None or r.checked_at >= since)]
    accounts = sorted({f"account {r.body['accountId']}, {r.body['region']}" for r in runs})
    lines = ["## Operation over time (SOC 2 Type II)", "",
             f"{len(runs)} recorded `perimeter verify` runs of stack `{stack}`"
             + (f" since {since_text}" if since_text else "") + f", {runs[0].body['checkedAt']} to "
             f"{runs[-1].body['checkedAt']} ({'; '.join(accounts)}). The record chain ({len(records)} records, "
             f"last hash `{records[-1].digest[:16]}…`) is intact.", "",
             "| control | runs | operating | drifted | not verified | first | last | intervals with drift |",
             "|---|---|---|---|---|---|---|---|"]
    for s in summary:
        drift = "; ".join(f"{i['from']} → {i['until'] or 'still drifted at the last run'}" for i in s["driftIntervals"])
        lines.append(f"| `{s['control']}` | {s['runs']} | {s['operating']} | {s['drifted']} | {s['notVerified']} | "
                     f"{s['first']} | {s['last']} | {drift or 'none'} |")
    document = {"stack": stack, "since": since_text, "records": len(records), "chainHead": records[-1].digest,
                "runs": len(runs), "controls": summary}
    return Supplement(files={"history.json": json.dumps(document, indent=2) + "\n"}, matrix="\n".join(lines) + "\n\n")
