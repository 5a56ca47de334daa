"""Reads like the policy section of `pulumi preview`."""

from collections import defaultdict

LEVEL_MARK = {"mandatory": "mandatory", "remediate": "remediate", "advisory": "advisory", "waived": "waived"}


def render(report) -> str:
    lines = [f"Policies ({report.command} of {report.project}/{report.stack}):"]
    # The count shows which pack was loaded: a rule just added counts, or the wrong pack ran.
    counted = "policies" if report.command == "preview" else "controls"
    pack = f"{report.pack_name}@v{report.pack_version} ({len(report.controls)} {counted})"
    by_pack = defaultdict(list)
    for finding in report.findings:
        by_pack[pack].append(finding)
    if not report.findings:
        lines.append(f"    {pack}: no violations")
    for pack, findings in by_pack.items():
        lines.append(f"    {pack}")
        for f in sorted(findings, key=lambda f: (f.enforcement_level != "mandatory", f.policy, f.urn)):
            lines.append(f"        - [{LEVEL_MARK.get(f.enforcement_level, f.enforcement_level)}]  {f.policy}  ({f.urn}, {f.phase})")
            for text in f.message.splitlines():
                lines.append(f"          {text}")
            if f.waiver:
                lines.append(f"          waived: {f.waiver['reason']} (approved by {f.waiver['approver']}, expires {f.waiver['expires']})")
    for d in report.diagnostics:
        lines.append(f"    warning: {d['message']} ({d.get('urn') or 'stack'})")
    s = report.summary()
    lines.append("")
    lines.append(f"Resources: {s['resources']}   mandatory: {s['mandatory']}   advisory: {s['advisory']}   "
                 f"waived: {s['waived']}   deferred to update: {sum(1 for n in report.not_applicable if n['reason'].startswith('unknown at'))}")
    if report.no_verdict:
        lines.append(f"No verdict: {report.no_verdict}")
    return "\n".join(lines) + "\n"
