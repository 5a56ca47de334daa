"""Write the evidence pack: control rows, the control matrix, the model card,
the waivers register and a manifest that makes the whole pack tamper-evident."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from typing import Any, Optional, Sequence

from perimeter_policies.frameworks import PCI_DSS, PCI_DSS_NAME, PCI_DSS_VERSION, SOC2, SOC2_NAME
from perimeter_policies.waivers import waivers_in

from ..render import printable
from ..report import COMPLIANT, DISABLED, DISABLED_MESSAGE, NON_COMPLIANT, STATUSES, WAIVED, Report
from .diagrams import diagrams_supplement
from .inventory import model_inventory
from .outdir import MANIFEST, publish
from .supplement import Supplement

CSV_COLUMNS = ("control", "severity", "pci_dss", "soc2", "resource_urn", "resource_type", "status", "message",
               "waiver_reason", "waiver_approver", "waiver_expires", "phase")
INHERITED = (
    ("bedrockNoTrainingConfirmedOn", "Amazon Bedrock does not use prompts or completions to train base models and "
     "does not share them with model providers.", ("3.5.1",), ("C1.1", "CC9.2")),
    ("awsAttestationsConfirmedOn", "AWS SOC 1/2/3 reports and PCI DSS Level 1 service-provider status cover Amazon "
     "Bedrock and the surrounding services in use (shared responsibility).", ("12.8.1",), ("CC9.2",)),
)


def control_rows(report: Report) -> list[dict[str, Any]]:
    rows = []
    for e in report.evaluations:
        control = report.control(e.policy)
        waiver = e.waiver or {}
        rows.append({
            "control": e.policy, "severity": control.severity if control else "",
            "pci_dss": ";".join(control.pci_dss) if control else "", "soc2": ";".join(control.soc2) if control else "",
            "resource_urn": e.urn, "resource_type": e.type, "status": e.status, "message": e.message,
            "waiver_reason": waiver.get("reason", ""), "waiver_approver": waiver.get("approver", ""),
            "waiver_expires": waiver.get("expires", ""), "phase": e.phase,
        })
    for control in report.controls:
        if control.enforcement_level == "disabled":
            rows.append({column: "" for column in CSV_COLUMNS} | {
                "control": control.name, "severity": control.severity, "pci_dss": ";".join(control.pci_dss),
                "soc2": ";".join(control.soc2), "status": DISABLED, "message": DISABLED_MESSAGE})
    return sorted(rows, key=lambda r: (r["control"], r["resource_urn"], r["phase"]))


def _csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _component_of(by_urn: dict, urn: str) -> Optional[str]:
    """The nearest enclosing component's type: the reference-architecture building block."""
    parent = by_urn.get(urn).parent if urn in by_urn else None
    while parent and parent in by_urn:
        resource = by_urn[parent]
        if not resource.type.startswith(("aws:", "pulumi:")):
            return resource.type
        parent = resource.parent
    return None


def _matrix_section(report: Report, title: str, catalogue: dict[str, str], ids_of, latest: list) -> list[str]:
    lines = [f"## {title}", "", "| requirement | policies | components | resources satisfying | open findings |",
             "|---|---|---|---|---|"]
    by_urn = {r.urn: r for r in report.resources}
    for requirement in sorted({r for c in report.controls for r in ids_of(c)}, key=_natural):
        policies = sorted(c.name for c in report.controls if requirement in ids_of(c))
        rows = [e for e in latest if e.policy in policies]
        satisfied = sorted({e.urn.split("::")[-1] for e in rows if e.status == COMPLIANT})
        components = sorted({c for e in rows if e.status == COMPLIANT and (c := _component_of(by_urn, e.urn))})
        open_findings = [f"`{p}` {DISABLED_MESSAGE}" for p in policies if report.control(p).enforcement_level == "disabled"]
        open_findings += [f"`{e.policy}` on `{e.urn.split('::')[-1]}`" for e in rows if e.status == NON_COMPLIANT]
        waived = [f"`{e.policy}` on `{e.urn.split('::')[-1]}` (waived)" for e in rows if e.status == WAIVED]
        lines.append(f"| **{requirement}** {catalogue.get(requirement, '')} | {', '.join(f'`{p}`' for p in policies)} | "
                     f"{', '.join(f'`{c}`' for c in components) or '—'} | {len(satisfied)}: {', '.join(satisfied[:12])}"
                     f"{' …' if len(satisfied) > 12 else ''} | {'; '.join(open_findings + waived) or 'none'} |")
    return lines + [""]


def _natural(requirement: str):
    return [int(p) if p.isdigit() else p for p in requirement.replace("A", "99.").replace("CC", "").replace("C", "50.")
            .replace("P", "60.").replace("I", "").split(".") if p]


def control_matrix(report: Report, inventory: dict[str, Any]) -> str:
    latest_phase = report.evaluations[-1].phase if report.evaluations else "update"
    latest = [e for e in report.evaluations if e.phase == latest_phase]
    lines = [f"# Control matrix: {report.project}/{report.stack}", "",
             f"Policy pack `{report.pack_name}@{report.pack_version}`; statuses from the `{latest_phase}` phase. "
             "Each requirement lists the policies that enforce it, the reference-architecture components whose "
             "resources satisfy it, and every open finding.", ""]
    lines += _matrix_section(report, f"{PCI_DSS_NAME} v{PCI_DSS_VERSION}", PCI_DSS, lambda c: c.pci_dss, latest)
    lines += _matrix_section(report, f"{SOC2_NAME} Trust Services Criteria", SOC2, lambda c: c.soc2, latest)
    confirmed = inventory["inheritedControls"]
    lines += ["## Inherited controls", "",
              "**Inheriting an attestation is not having a control.** The items below are AWS's, relied on under the "
              "shared-responsibility model; every control above is ours and is evidenced by this pack.", "",
              "| inherited control | PCI DSS | SOC 2 | confirmed on |", "|---|---|---|---|"]
    for key, text, pci, soc in INHERITED:
        lines.append(f"| {text} | {', '.join(pci)} | {', '.join(soc)} | {confirmed[key]} |")
    return "\n".join(lines) + "\n"


def model_card(inventory: dict[str, Any]) -> str:
    guardrail = inventory["guardrail"]
    bullet = lambda items: "\n".join(f"- {i}" for i in items)  # noqa: E731
    return "\n".join([
        f"# Model card: {inventory['purpose']}", "",
        "| | |", "|---|---|",
        f"| Model | `{inventory['modelId']}` {inventory.get('modelVersion') or ''} |",
        f"| Region | {inventory['region']} |",
        f"| Inference geography | {inventory.get('inferenceGeography') or 'single region (no cross-region inference)'} |",
        f"| Owner | {inventory['owner']} |",
        f"| Environment | {inventory.get('environment', '')} |",
        f"| Data classification | {inventory.get('dataClassification', '')} |",
        f"| Guardrail | `{guardrail['id']}` pinned to version **{guardrail['version']}** |", "",
        "## Intended use", "", inventory["intendedUse"], "",
        "## Explicit limits", "", bullet(inventory["limits"]), "",
        "## Data touched", "", bullet(inventory["dataTouched"]), "",
        "## Pre-launch evaluation", "", inventory["evaluationPlan"], "",
        "## Monitoring", "", inventory["monitoringPlan"], "",
    ])


def waivers_register(policy_config: dict[str, Any], report: Report, today: dt.date) -> str:
    waivable = {c.name: c.waivable for c in report.controls}
    lines = ["# Waivers register", "",
             "Every waiver in the policy config, whether it applies or not. Waivers live in the security team's "
             "policy config, never in a program.", "",
             "| policy | resource | status | reason | approver | expires | covers |", "|---|---|---|---|---|---|---|"]
    count = 0
    for policy, value in sorted(policy_config.items()):
        for w in waivers_in(policy, value, waivable=waivable.get(policy, True), today=today):
            count += 1
            covers = sorted({e.urn.split("::")[-1] for e in report.evaluations if e.policy == policy and e.status == WAIVED
                             and w.matches(e.urn)})
            status = w.status + (f": {w.problem}" if w.problem else "")
            lines.append(f"| `{policy}` | `{w.resource or '—'}` | {status} | {w.reason or '—'} | {w.approver or '—'} | "
                         f"{w.expires or '—'} | {', '.join(covers) or 'no finding in this stack'} |")
    if not count:
        lines.append("| — | — | no waivers configured | | | | |")
    return "\n".join(lines) + "\n"


def write_evidence(report: Report, policy_config: dict[str, Any], out_dir: str, *, generated_at: dt.datetime,
                   commit: str, supplements: Sequence[Supplement] = ()) -> dict[str, str]:
    """Write the pack into `out_dir` (empty, or a previous pack, replaced whole); `supplements` add files and
    control-matrix sections (the PCI diagrams always; live results and history when given)."""
    inventory = model_inventory(report.outputs, report.stack)
    rows = control_rows(report)
    files = {
        "controls.csv": _csv(rows),
        "controls.json": json.dumps({"statuses": list(STATUSES), "columns": list(CSV_COLUMNS), "rows": rows}, indent=2) + "\n",
        "control-matrix.md": control_matrix(report, inventory),
        "model-card.md": model_card(inventory),
        "model-inventory.json": json.dumps(inventory, indent=2, sort_keys=True) + "\n",
        "waivers.md": waivers_register(policy_config, report, generated_at.date()),
    }
    for supplement in (diagrams_supplement(report), *supplements):
        files.update(supplement.files)
        files["control-matrix.md"] += supplement.matrix
        files["model-card.md"] += supplement.model_card
    files = {name: printable(text) for name, text in files.items()}  # names from the program are not trusted
    manifest = {
        "policyPack": {"name": report.pack_name, "version": report.pack_version},
        "project": report.project, "stack": report.stack, "commit": commit,
        "generatedAt": generated_at.isoformat().replace("+00:00", "Z"),
        "summary": report.summary(),
        "files": {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in sorted(files.items())},
    }
    publish(out_dir, {**files, MANIFEST: json.dumps(manifest, indent=2) + "\n"})
    return files
