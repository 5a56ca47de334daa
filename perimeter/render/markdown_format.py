"""A pull-request comment: verdict first, then a table per level."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def render(report) -> str:
    s = report.summary()
    verdict = f"⚠️ no verdict ({report.no_verdict})" if report.no_verdict else \
        "❌ blocked" if s["mandatory"] else "✅ passed"
    lines = [f"### Perimeter {report.command}: {verdict}", "",
             f"`{report.project}/{report.stack}` · pack `{report.pack_name}@{report.pack_version}` · "
             f"{s['resources']} resources · {s['mandatory']} mandatory · {s['advisory']} advisory · {s['waived']} waived", ""]
    if report.findings:
        lines += ["| level | policy | resource | message | frameworks |", "|---|---|---|---|---|"]
        for f in sorted(report.findings, key=lambda f: (f.enforcement_level != "mandatory", f.policy)):
            lines.append(f"| {f.enforcement_level} | `{f.policy}` | `{_cell(f.urn.split('::')[-1])}` | "
                         f"{_cell(f.message)} | {_cell(', '.join(f.frameworks))} |")
    if report.diagnostics:
        lines += ["", "<details><summary>Diagnostics</summary>", ""]
        lines += [f"- {_cell(d['message'])}" for d in report.diagnostics]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
