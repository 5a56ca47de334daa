"""Live evaluation: every case through ApplyGuardrail on the deployed, numbered guardrail version.

The calls go through verify's Reader (its session refuses everything but
verify's reads plus `EVALUATION_OPERATIONS`; botocore's standard retry mode
retries throttling; access denied, exhausted throttling or an unreachable
endpoint become `Unverifiable`, so the case is "not evaluated" and the run has
no verdict). Before any case, the version's description must carry the policy
digest of the stack's current guardrail config: a record may only describe
what is actually deployed.

Each case is sent as the assistant sends it: layer 1 first, then the INPUT
source (the question, with retrieved content when no candidate answer is
given); if the input passes and the case has a candidate answer, the OUTPUT
source (with the retrieved content as grounding source and the question as
query, so contextual grounding is judged). `--end-to-end` also invokes the
assistant Lambda with the question and checks its reply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from ..errors import HarnessError
from ..verify.aws import Reader, ResourceMissing, Unverifiable
from .cases import Case
from .results import CaseResult, judge, not_evaluated

INTERVENED = "GUARDRAIL_INTERVENED"
HANDED_OFF = "handed-off"  # the assistant's reply outcome when it passes the case to a person


@dataclass(frozen=True)
class LiveTarget:
    guardrail_id: str
    guardrail_version: str
    function_name: Optional[str] = None  # --end-to-end


@dataclass
class Verdict:
    """What the guardrail did on one call: the controls that blocked, escalated or masked."""

    blocked: list[str]
    escalated: list[str]
    masked: list[str]
    delivered: list[str]  # the text that goes on: the guardrail's output when it intervened, else what was sent


def read_verdict(response: Mapping[str, Any], sent: list[str]) -> Verdict:
    verdict = Verdict([], [], [], [])
    for assessment in response.get("assessments", ()):
        for topic in (assessment.get("topicPolicy") or {}).get("topics", ()):
            if topic["action"] == "BLOCKED":
                verdict.blocked.append(f"topic:{topic['name']}")
        for content in (assessment.get("contentPolicy") or {}).get("filters", ()):
            if content["action"] == "BLOCKED":
                verdict.blocked.append(f"filter:{content['type']}")
        words = assessment.get("wordPolicy") or {}
        if any(w["action"] == "BLOCKED" for w in [*words.get("customWords", ()), *words.get("managedWordLists", ())]):
            verdict.blocked.append("words")
        sensitive = assessment.get("sensitiveInformationPolicy") or {}
        for kind, entries, key in (("pii", sensitive.get("piiEntities", ()), "type"),
                                   ("regex", sensitive.get("regexes", ()), "name")):
            for entry in entries:  # only the type or name is kept: `match` holds the matched value
                if entry["action"] == "BLOCKED":
                    verdict.blocked.append(f"{kind}:{entry.get(key)}")
                elif entry["action"] == "ANONYMIZED":
                    verdict.masked.append(f"{kind}:{entry.get(key)}")
        for grounding in (assessment.get("contextualGroundingPolicy") or {}).get("filters", ()):
            if grounding["action"] == "BLOCKED":
                verdict.escalated.append(f"grounding:{grounding['type']}")
    intervened = response.get("action") == INTERVENED
    verdict.delivered = [o.get("text", "") for o in response.get("outputs", ())] if intervened else sent
    return verdict


def _text(text: str, *qualifiers: str) -> dict[str, Any]:
    return {"text": {"text": text, **({"qualifiers": list(qualifiers)} if qualifiers else {})}}


def check_deployed_version(reader: Reader, target: LiveTarget, policy_digest: str) -> None:
    """The version under test must be the stack's current guardrail config (its description carries the digest)."""
    try:
        answer = reader.call("bedrock", "GetGuardrail", guardrailIdentifier=target.guardrail_id,
                             guardrailVersion=target.guardrail_version)
    except (Unverifiable, ResourceMissing) as reason:
        raise HarnessError(f"cannot read guardrail {target.guardrail_id} version {target.guardrail_version}: "
                           f"{reason}") from None
    description = answer.get("description") or ""
    if policy_digest not in description:
        raise HarnessError(f"guardrail {target.guardrail_id} version {target.guardrail_version} is not the stack's "
                           f"current guardrail config (its description is {description!r}, the config's digest is "
                           f"sha256:{policy_digest}): deploy with `pulumi up`, then pass the new outputs")


def _apply(reader: Reader, target: LiveTarget, source: str, content: list[dict]) -> Mapping[str, Any]:
    return reader.call("bedrock-runtime", "ApplyGuardrail", guardrailIdentifier=target.guardrail_id,
                       guardrailVersion=target.guardrail_version, source=source, content=content)


def evaluate_live(case: Case, reader: Reader, target: LiveTarget, redact: Callable[[str], Any]) -> CaseResult:
    question = redact(case.input)
    answer = redact(case.output) if case.output is not None else None
    found = {f.kind for r in (question, answer) if r is not None for f in r.findings}
    try:
        input_content = [_text(question.text)] + ([_text(case.context)] if case.context and answer is None else [])
        verdicts = [read_verdict(_apply(reader, target, "INPUT", input_content), [question.text])]
        if answer is not None and not verdicts[0].blocked:
            output_content = ([_text(case.context, "grounding_source"), _text(question.text, "query"),
                               _text(answer.text, "guard_content")] if case.context else [_text(answer.text)])
            verdicts.append(read_verdict(_apply(reader, target, "OUTPUT", output_content), [answer.text]))
        end_to_end = _invoke(reader, target, case) if target.function_name else None
    except (Unverifiable, ResourceMissing) as reason:
        return not_evaluated(case, str(reason))
    blocked = [c for v in verdicts for c in v.blocked]
    escalated = [c for v in verdicts for c in v.escalated]
    masked = [c for v in verdicts for c in v.masked]
    outcome = ("blocked" if blocked else "escalated" if escalated else "masked" if masked or found else "answered")
    delivered = [t for v in verdicts for t in v.delivered]
    problems = []
    if end_to_end is not None:
        reply_outcome, reply_text = end_to_end
        delivered.append(reply_text)
        handed_off = reply_outcome == HANDED_OFF
        if handed_off != (outcome in ("blocked", "escalated")):
            problems.append(f"end to end the assistant {reply_outcome} where the guardrail alone gave {outcome}")
    notes = [f"{c}=BLOCKED" for c in blocked] + [f"{c}=ESCALATED" for c in escalated] + [f"{c}=ANONYMIZED" for c in masked]
    return judge(case, outcome, found=found, delivered=delivered, problems=problems, guardrail=notes)


def _invoke(reader: Reader, target: LiveTarget, case: Case) -> tuple[str, str]:
    """The assistant's reply to the case's question: (outcome, the text the customer would read)."""
    event = {"requestId": f"evaluate-{case.id}", "sessionId": "perimeter-evaluate", "question": case.input}
    response = reader.call("lambda", "Invoke", FunctionName=target.function_name, InvocationType="RequestResponse",
                           Payload=json.dumps(event).encode())
    if response.get("FunctionError"):
        raise Unverifiable(f"lambda:Invoke: the assistant failed ({response['FunctionError']})")
    try:
        reply = json.loads(response["Payload"].read())
        body = reply["body"]
        return str(body["outcome"]), str(body.get("answer", ""))
    except (ValueError, KeyError, TypeError) as error:
        raise Unverifiable(f"lambda:Invoke: the reply is not the assistant's contract ({error})") from None
