"""Waivers: the security team's per-finding exceptions, kept in policy config.

This module is the ONE place a waiver is validated; the pack, `perimeter
preview`'s diagnostics and the evidence pack's register all read `waivers_in`.

A waiver lives in the policy config the security team controls (never in the
program), names one policy and one resource (URN or glob), and carries a
reason, an approver and an expiry:
- the resource names at least a stack and a type or a name
  (`urn:pulumi:<stack>::<project>::<type>::<name>`, globs allowed, never a bare `*`);
- the approver is an identity: an email address or an IAM/STS principal ARN;
- the expiry lies within the policy's `waiverMaxDays` (365 by default) of the
  evaluation clock, so an exception is reviewed at least yearly.
An expired or malformed waiver does not apply, and every finding it would have
matched says why.

The evaluation clock is SOURCE_DATE_EPOCH (the reproducible-builds convention)
when set, else now: every file of one evidence pack, and the pack's own
waiver decisions, read the same instant.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

MIN_REASON_LENGTH = 20
WAIVER_FIELDS = ("resource", "reason", "approver", "expires")
DEFAULT_MAX_DAYS = 365
MAX_DAYS_KEY = "waiverMaxDays"
# The latest instant datetime can represent; SOURCE_DATE_EPOCH beyond it is a mistake, not a date.
LATEST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z

# Loose on purpose: a malformed waiver must not stop the whole pack from
# configuring (the engine would refuse the config); it is reported instead.
WAIVERS_SCHEMA = {
    "type": "array",
    "description": (
        "Per-finding exceptions: {resource: urn:pulumi:<stack>::<project>::<type>::<name> (globs allowed), "
        f"reason (>= {MIN_REASON_LENGTH} chars), approver (email or IAM principal ARN), expires: YYYY-MM-DD "
        f"within {MAX_DAYS_KEY} days}}."
    ),
    "items": {"type": "object"},
}
# What a policy's config schema gains for waivers (pack.py adds these to every policy).
WAIVER_CONFIG_PROPERTIES = {
    "waivers": WAIVERS_SCHEMA,
    MAX_DAYS_KEY: {"type": "integer", "minimum": 1, "maximum": 3650,
                   "description": f"Longest a waiver may run from the evaluation date, in days (default {DEFAULT_MAX_DAYS})."},
}

ACTIVE, EXPIRED, MALFORMED, NOT_WAIVABLE = "active", "expired", "malformed", "not-waivable"

EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::\d{12}:(user|role|assumed-role|group|federated-user)/\S+$")
URN_PREFIX = "urn:pulumi:"
WILDCARDS = set("*?[]")


def evaluation_clock(environ: Optional[Mapping[str, str]] = None) -> dt.datetime:
    """SOURCE_DATE_EPOCH (whole seconds since 1970, UTC) when set, else now; ValueError for a bad value."""
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if not epoch.isascii() or not epoch.isdigit() or int(epoch) > LATEST_EPOCH:
        raise ValueError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} must be whole seconds since 1970 "
                         f"(0 to {LATEST_EPOCH}): unset it or set a valid time")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)


@dataclass(frozen=True)
class Waiver:
    policy: str
    index: int
    resource: str
    reason: str
    approver: str
    expires: str
    status: str
    problem: str = ""

    def matches(self, urn: str) -> bool:
        return bool(self.resource) and (self.resource == urn or fnmatch.fnmatchcase(urn, self.resource))

    def describe(self) -> str:
        return f"waiver #{self.index + 1} for {self.policy} on {self.resource or '(no resource)'}"


def waivers_in(policy: str, config: Any, *, waivable: bool, today: Optional[dt.date] = None) -> list[Waiver]:
    """The waivers in one policy's config (`waivers`, bounded by `waiverMaxDays`), each with its status."""
    if not isinstance(config, Mapping):
        return []
    max_days = config.get(MAX_DAYS_KEY)
    return parse_waivers(policy, config.get("waivers"), waivable=waivable, today=today,
                         max_days=max_days if isinstance(max_days, int) and max_days > 0 else DEFAULT_MAX_DAYS)


def parse_waivers(
    policy: str, entries: Any, *, waivable: bool, today: Optional[dt.date] = None, max_days: int = DEFAULT_MAX_DAYS
) -> list[Waiver]:
    today = today or evaluation_clock().date()
    if entries is None:
        return []
    if not isinstance(entries, list):
        return [Waiver(policy, 0, "", "", "", "", MALFORMED, "`waivers` must be a list of objects")]
    return [_parse_one(policy, i, entry, waivable, today, max_days) for i, entry in enumerate(entries)]


def resource_problem(pattern: str) -> str:
    """Why `pattern` does not name a stack and a type or name; "" when it does."""
    if not pattern.startswith(URN_PREFIX):
        return (f"`resource` {pattern!r} must be a URN or URN glob that names the stack: "
                "urn:pulumi:<stack>::<project>::<type>::<name>")
    parts = pattern[len(URN_PREFIX):].split("::")
    stack = parts[0]
    if not stack or set(stack) & WILDCARDS:
        return f"`resource` {pattern!r} must name one stack (no wildcard in urn:pulumi:<stack>::)"
    specific = [part for part in parts[2:] if part.strip("*?[]!")]
    if len(parts) < 4 or not specific:
        return f"`resource` {pattern!r} must name a resource type or name after the project, not only wildcards"
    return ""


def _parse_one(policy: str, index: int, entry: Any, waivable: bool, today: dt.date, max_days: int) -> Waiver:
    if not isinstance(entry, Mapping):
        return Waiver(policy, index, "", "", "", "", MALFORMED, "a waiver must be an object")
    fields = {name: entry.get(name) for name in WAIVER_FIELDS}
    texts = {name: value if isinstance(value, str) else "" for name, value in fields.items()}
    problems = [f"`{name}` is missing" for name in WAIVER_FIELDS if not texts[name].strip()]
    extra = sorted(str(key) for key in set(entry) - set(WAIVER_FIELDS))
    if extra:
        problems.append(f"unknown field(s) {', '.join(extra)}; allowed: {', '.join(WAIVER_FIELDS)}")
    if texts["resource"].strip() and resource_problem(texts["resource"]):
        problems.append(resource_problem(texts["resource"]))
    if texts["reason"].strip() and len(texts["reason"].strip()) < MIN_REASON_LENGTH:
        problems.append(f"`reason` must be at least {MIN_REASON_LENGTH} characters")
    if texts["approver"].strip() and not (EMAIL.match(texts["approver"]) or PRINCIPAL_ARN.match(texts["approver"])):
        problems.append(f"`approver` {texts['approver']!r} must be an email address or an IAM principal ARN")
    expiry: Optional[dt.date] = None
    if texts["expires"].strip():  # blank is already "missing"
        try:
            expiry = dt.date.fromisoformat(texts["expires"])
        except ValueError:
            problems.append(f"`expires` {texts['expires']!r} is not a YYYY-MM-DD date")
    if expiry is not None and (expiry - today).days > max_days:
        problems.append(f"`expires` {expiry.isoformat()} is more than {max_days} days after {today.isoformat()}; "
                        f"set an earlier date (or raise {MAX_DAYS_KEY})")
    status, problem = ACTIVE, ""
    if not waivable:
        status, problem = NOT_WAIVABLE, f"policy {policy} is critical and cannot be waived"
    elif problems:
        status, problem = MALFORMED, "; ".join(problems)
    elif expiry is not None and expiry < today:
        status, problem = EXPIRED, f"expired on {expiry.isoformat()}"
    return Waiver(policy, index, texts["resource"], texts["reason"].strip(), texts["approver"], texts["expires"], status, problem)


def waiver_for(urn: str, waivers: Iterable[Waiver]) -> tuple[Optional[Waiver], list[Waiver]]:
    """The active waiver covering `urn`, and the matching ones that could not apply."""
    matching = [w for w in waivers if w.matches(urn)]
    active = next((w for w in matching if w.status == ACTIVE), None)
    return active, [w for w in matching if w.status != ACTIVE]
