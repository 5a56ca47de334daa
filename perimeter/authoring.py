"""`perimeter policies` (what the pack holds) and `perimeter new-policy` (a rule and its test, house style).

Everything is read from the pack's public modules (`perimeter_policies.inventory`, `.pack`, `.rule`,
`.frameworks`), so what is listed is what the engine loads.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any, Optional

from .errors import UsageError

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
SCAFFOLD_TODO = "TODO(author)"  # what a scaffold leaves for the author; the pack's tests refuse it
TYPE_TOKEN = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9/]+:[A-Za-z0-9]+$")


# --- perimeter policies ---------------------------------------------------------------------------

def _framework_filter(args) -> tuple[set[str], set[str]]:
    from perimeter_policies.frameworks import PCI_DSS, SOC2

    pci, soc2 = set(args.pci or ()), set(args.soc2 or ())
    for item in args.framework or ():
        family, _, identifier = item.partition(":")
        if family == "pci-dss" and identifier:
            pci.add(identifier)
        elif family == "soc2" and identifier:
            soc2.add(identifier)
        else:
            raise UsageError(f"--framework {item!r}: write pci-dss:<requirement> or soc2:<criterion>, "
                             "e.g. pci-dss:3.5.1 or soc2:CC6.1")
    unknown = sorted(f"pci-dss:{i}" for i in pci - set(PCI_DSS)) + sorted(f"soc2:{i}" for i in soc2 - set(SOC2))
    if unknown:
        raise UsageError(f"{', '.join(unknown)} not in the framework catalogue "
                         "(policies/perimeter_policies/frameworks.py)")
    return pci, soc2


def _check_types(types: list[str]) -> None:
    bad = [t for t in types if not TYPE_TOKEN.match(t)]
    if bad:
        raise UsageError(f"--type {bad[0]!r} is not a resource type token; write it as the engine does, "
                         "e.g. aws:sqs/queue:Queue")


def policy_rows(types: list[str], pci: set[str], soc2: set[str]) -> list[dict[str, Any]]:
    """The policies matching every filter, each with the properties it reads (on the filtered types)."""
    from perimeter_policies.inventory import recorded_reads
    from perimeter_policies.pack import load_rules

    reads = recorded_reads()
    rows = []
    for rule in load_rules():
        rule_reads = reads.get(rule.name, {})
        if pci and not pci & set(rule.pci_dss) or soc2 and not soc2 & set(rule.soc2):
            continue
        shown_reads = {t: p for t, p in rule_reads.items() if not types or t in types}
        if types and not (any(rule.applies_to(t) for t in types) or shown_reads):
            continue
        rows.append({
            "name": rule.name, "severity": rule.severity, "enforcementLevel": rule.enforcement_level,
            "waivable": rule.waivable, "scope": rule.scope, "pciDss": list(rule.pci_dss), "soc2": list(rule.soc2),
            "resourceTypes": list(rule.resource_types) + [p + "*" for p in rule.resource_type_prefixes],
            "reads": shown_reads, "description": rule.description,
        })
    return rows


def render_policies(rows: list[dict[str, Any]], types: list[str]) -> str:
    from perimeter_policies.inventory import pack_version
    from perimeter_policies.pack import PACK_NAME

    lines = [f"{PACK_NAME}@v{pack_version()}: {len(rows)} polic{'y' if len(rows) == 1 else 'ies'}"
             + (f" reading {', '.join(types)}" if types else "")]
    for row in rows:
        lines += ["", f"{row['name']}  [{row['severity']}, {row['enforcementLevel']}, {row['scope']}, "
                      f"{'waivable' if row['waivable'] else 'not waivable'}]",
                  f"    {row['description']}",
                  f"    PCI DSS {', '.join(row['pciDss'])}; SOC 2 {', '.join(row['soc2'])}"]
        named = row["resourceTypes"]
        lines.append(f"    types: {', '.join(named[:4])}" + (f" (+{len(named) - 4} more)" if len(named) > 4 else ""))
        for type_, props in sorted(row["reads"].items()):
            lines.append(f"    reads {type_}: {', '.join(props)}")
    return "\n".join(lines) + "\n"


def _policies(args) -> int:
    types = list(args.type or ())
    _check_types(types)
    pci, soc2 = _framework_filter(args)
    rows = policy_rows(types, pci, soc2)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        sys.stdout.write(render_policies(rows, types))
    return 0


# --- perimeter new-policy -------------------------------------------------------------------------

def compliant_skeleton(type_: str) -> str:
    """`resource(aws.kms.Alias, "compliant", target_key_id=UNKNOWN)`: the type's class and its required arguments.

    Required arguments start UNKNOWN (the output of another resource, as at preview); the author sets the rest.
    """
    import importlib

    import pulumi_aws  # noqa: F401 (importing it registers its resource modules)
    from perimeter_policies.testing import required_arguments
    from pulumi.runtime import rpc

    provider, module_path, class_name = type_.split(":")
    registered = rpc.get_resource_module(provider, module_path, "")
    info = getattr(registered, "mod_info", None) if registered else None
    if provider != "aws" or not info or info.get("classes", {}).get(type_) != class_name:
        raise UsageError(f"--type {type_}: not a pulumi-aws resource type (check the token in the pulumi-aws docs, "
                         "e.g. aws:sqs/queue:Queue)")
    resource_class = getattr(importlib.import_module(info["fqn"]), class_name)
    path = "aws." + info["fqn"].removeprefix("pulumi_aws.") + "." + class_name
    required = "".join(f", {name}=UNKNOWN" for name in required_arguments(resource_class))
    return f'resource({path}, "compliant"{required})'


def overlap_warnings(types: list[str]) -> list[str]:
    from perimeter_policies.inventory import judged_by

    return [f"{type_}.{prop} is already judged by {', '.join(rules)}"
            for type_ in types for prop, rules in judged_by(type_).items()]


RULE_TEMPLATE = '''"""{name}: {summary}

Why: TODO(author): the requirement (PCI DSS {pci}; SOC 2 {soc2}) in one or two sentences, what goes
wrong in AWS without this setting, and which pulumi-aws default makes it necessary. Say what a value
unknown at preview means here (deferred to `pulumi up`, or counted as set and why).
"""

from ..model import {view}, is_unknown
from ..rule import Rule
from ._findings import describe, settle

TYPES = ({types})


def check({subject}: {view}, config):
{body}

RULE = Rule(
    name="{name}",
    description="TODO(author): one sentence, the control as an auditor reads it.",
    severity="{severity}",
    pci_dss=({pci_tuple}),
    soc2=({soc2_tuple}),
    remediation="TODO(author): the pulumi-aws arguments that fix it, e.g. kms_master_key_id=key.arn.",
    check=check,
    resource_types=TYPES,{scope_line}
    violation_example='TODO(author): a one-line violating resource, e.g. {example}',
)
'''

RESOURCE_BODY = '''    """Read each property once; UNKNOWN goes to `unknowns`, a bad value to `problems` ("prop is X; set Y")."""
    problems: list[str] = []
    unknowns: list[str] = []
    # TODO(author): the check, e.g.
    #   value = {subject}.get("wireName")
    #   if is_unknown(value): unknowns.append("wireName")
    #   elif value is not True: problems.append(f"wireName is {{value!r}}; set wire_name=True")
    raise NotImplementedError("{name}: write the check")
    yield from settle(problems, unknowns, subject=describe({subject}))
'''

STACK_BODY = '''    """Each resource of TYPES in the stack; relate resources with stack.sources_of / stack.of_type."""
    for resource in stack.of_type(*TYPES):
        problems: list[str] = []
        unknowns: list[str] = []
        # TODO(author): the check, as for a resource rule; `urn=resource.urn` pins the finding to it.
        raise NotImplementedError("{name}: write the check")
        yield from settle(problems, unknowns, subject=describe(resource), urn=resource.urn)
'''

TEST_TEMPLATE = '''"""{name}: a compliant baseline of each type, one mutation per violation, unknowns, waivers.

Generated by `perimeter new-policy`; every test fails until the rule's check and the TODOs are written.
"""

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver  # noqa: F401 (UNKNOWN: for baselines)

POLICY = "{name}"

# TODO(author): each type as a compliant program declares it (snake_case arguments, checked against pulumi-aws).
COMPLIANT = {{
{compliant}
}}

# TODO(author): one mutation per violation: (type, snake_case arguments that break it, a word the finding names).
VIOLATIONS: list = [
]

# TODO(author): each input the check needs that preview may not know: (type, wire path), e.g. ("{first}", ("kmsKeyId",)).
UNKNOWN_AT_PREVIEW: list = [
]


def test_compliant_baseline_passes():
    {run_baseline}


def test_every_type_has_a_violation():
    assert {{t for t, _, _ in VIOLATIONS}} == set(COMPLIANT), "list a mutation per violation for each type"


@pytest.mark.parametrize("type_, arguments, names", VIOLATIONS)
def test_each_mutation_is_a_violation(type_, arguments, names):
    bad = COMPLIANT[type_].replace(**arguments)
    {run_violation}


def test_unknown_at_preview_is_deferred_not_blocking():
    assert UNKNOWN_AT_PREVIEW, "list the inputs preview may not know"
    for type_, path in UNKNOWN_AT_PREVIEW:
        {run_unknown}


def test_waiver_waives_and_expired_waiver_does_not():
    assert VIOLATIONS, "list a mutation per violation first"
    type_, arguments, names = VIOLATIONS[0]
    bad = COMPLIANT[type_].replace(**arguments)
    {run_waiver}
'''


def _render(name: str, types: list[str], skeletons: list[str], pci: list[str], soc2: list[str],
            severity: str, scope: str) -> tuple[str, str]:
    def tuple_of(items: list[str]) -> str:
        return ", ".join(f'"{i}"' for i in items) + ("," if len(items) == 1 else "")

    stack = scope == "stack"
    subject = "stack" if stack else "resource"
    rule = RULE_TEMPLATE.format(
        name=name, summary="TODO(author): what holds, in one line.", pci=", ".join(pci), soc2=", ".join(soc2),
        view="StackView" if stack else "ResourceView", types=tuple_of(types), subject=subject,
        body=(STACK_BODY if stack else RESOURCE_BODY).format(name=name, subject=subject),
        severity=severity, pci_tuple=tuple_of(pci), soc2_tuple=tuple_of(soc2),
        scope_line='\n    scope="stack",' if stack else "", example=skeletons[0][len("resource("):skeletons[0].index(",")] + '("name", ...)')
    if stack:  # a stack rule sees the whole stack: the baseline is every compliant resource together
        runs = dict(
            run_baseline="run(POLICY, list(COMPLIANT.values())).assert_clean()",
            run_violation="run(POLICY, [bad if r.type == type_ else r for r in COMPLIANT.values()])"
                          ".assert_violation(names, on=bad)",
            run_unknown="stack = [r.unknown(*path) if r.type == type_ else r for r in COMPLIANT.values()]\n"
                        "        run(POLICY, stack).assert_deferred(path[-1])",
            run_waiver="others = [r for r in COMPLIANT.values() if r.type != type_]\n"
                       "    run(POLICY, [bad, *others], waivers=[waiver(bad)]).assert_waived()\n"
                       "    run(POLICY, [bad, *others], waivers=[waiver(bad, days=-1)]).assert_violation(\"expired on\")")
    else:
        runs = dict(
            run_baseline="for compliant in COMPLIANT.values():\n        run(POLICY, compliant).assert_clean()",
            run_violation="run(POLICY, bad).assert_violation(names, on=bad)",
            run_unknown="run(POLICY, COMPLIANT[type_].unknown(*path)).assert_deferred(path[-1])",
            run_waiver="run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()\n"
                       "    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation(\"expired on\")")
    compliant = "\n".join(f'    "{t}": {skeleton},' for t, skeleton in zip(types, skeletons))
    test = TEST_TEMPLATE.format(name=name, compliant=compliant, first=types[0], **runs)
    return rule, test


def pack_checkout() -> str:
    """The checkout holding the pack Python imports (`<root>/policies/perimeter_policies`): rules go there."""
    import perimeter_policies

    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(perimeter_policies.__file__))))


def scaffold(name: str, types: list[str], pci: list[str], soc2: list[str], severity: str, scope: str,
             warn=lambda message: None) -> list[str]:
    """Check everything, warn about overlaps, then write the rule and its test; returns the paths written."""
    from perimeter_policies.frameworks import PCI_DSS, SOC2
    from perimeter_policies.pack import load_rules
    from perimeter_policies.rule import SEVERITIES

    if not NAME.match(name):
        raise UsageError(f"policy name {name!r} must be kebab-case words, e.g. sqs-queue-encrypted")
    if severity not in SEVERITIES:
        raise UsageError(f"--severity {severity!r} must be one of {', '.join(SEVERITIES)}")
    if not types:
        raise UsageError("name at least one --type, e.g. --type aws:sqs/queue:Queue")
    _check_types(types)
    unknown = [f"--pci {i}" for i in pci if i not in PCI_DSS] + [f"--soc2 {i}" for i in soc2 if i not in SOC2]
    if unknown:
        raise UsageError(f"{', '.join(unknown)} not in the framework catalogue "
                         "(policies/perimeter_policies/frameworks.py); cite an id it has, or add it there")
    if not pci or not soc2:
        raise UsageError("every policy maps to PCI DSS and SOC 2: give --pci and --soc2")
    root = pack_checkout()
    module = name.replace("-", "_")
    rule_path = os.path.join(root, "policies", "perimeter_policies", "rules", f"{module}.py")
    test_path = os.path.join(root, "tests", "policies", f"test_{module}.py")
    taken = [p for p in (rule_path, test_path) if os.path.exists(p)]
    if name in {r.name for r in load_rules()} or taken:
        raise UsageError(f"policy {name} already exists ({', '.join(os.path.relpath(p, root) for p in taken) or 'in the pack'}); "
                         "pick another name or edit the existing rule")
    skeletons = [compliant_skeleton(t) for t in types]
    for warning in overlap_warnings(types):  # before anything is written: a duplicate is cheapest to stop now
        warn(warning)
    rule, test = _render(name, types, skeletons, pci, soc2, severity, scope)
    for path, text in ((rule_path, rule), (test_path, test)):
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    return [rule_path, test_path]


def _new_policy(args) -> int:
    written = scaffold(args.name, list(args.type), list(args.pci), list(args.soc2), args.severity, args.scope,
                       warn=lambda message: sys.stderr.write(f"perimeter: warning: {message}\n"))
    for path in written:
        sys.stdout.write(f"wrote {os.path.relpath(path, pack_checkout())}\n")
    sys.stdout.write("next: write the check and the TODOs, run the test, then `make regen` (docs/AUTHORING.md)\n")
    return 0


def add_commands(commands: Any) -> None:
    """Register `policies` and `new-policy` on the CLI's subcommand parser."""
    listing = commands.add_parser("policies", help="list the pack's policies, what they evaluate and read")
    listing.add_argument("--type", action="append", metavar="TYPE",
                         help="only policies that evaluate or read this type, e.g. aws:sqs/queue:Queue (repeatable)")
    listing.add_argument("--framework", action="append", metavar="ID",
                         help="only policies citing pci-dss:<requirement> or soc2:<criterion> (repeatable)")
    listing.add_argument("--pci", action="append", metavar="REQ", help="only policies citing this PCI DSS requirement")
    listing.add_argument("--soc2", action="append", metavar="CRITERION", help="only policies citing this SOC 2 criterion")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(run=_policies)

    new = commands.add_parser("new-policy", help="scaffold a rule and its test in the house pattern")
    new.add_argument("name", help="the policy id, kebab-case, e.g. sqs-queue-encrypted")
    new.add_argument("--type", action="append", required=True, metavar="TYPE",
                     help="a resource type it evaluates, e.g. aws:sqs/queue:Queue (repeatable)")
    new.add_argument("--pci", action="append", required=True, metavar="REQ", help="PCI DSS v4.0.1 requirement (repeatable)")
    new.add_argument("--soc2", action="append", required=True, metavar="CRITERION", help="SOC 2 criterion (repeatable)")
    new.add_argument("--severity", required=True, help="low, medium, high or critical")
    new.add_argument("--scope", choices=("resource", "stack"), default="resource",
                     help="resource: one resource at a time (Analyze); stack: the whole stack (AnalyzeStack)")
    new.set_defaults(run=_new_policy)

