"""The two PCI DSS diagrams, drawn from the captured stack (never from a fixed list).

- 1.2.3 network diagram: every VPC, subnet, VPC endpoint and workload placed in
  a subnet, their security groups, and what may reach what (a source's egress
  rule and the target's ingress rule both allow it, on the same ports).
- 1.2.4 cardholder-data flow: the customer, the functions that call Bedrock,
  layer-1 redaction, the Bedrock endpoints, the guardrail, the knowledge base,
  the model, and every store the functions and invocation logging write to,
  with where card data is removed.

Both are Mermaid (renders in GitHub, GitLab and most wikis) and, when Graphviz
`dot` is on PATH, SVG as well. Everything is derived from the resources'
inputs and property dependencies, so a resource the program adds appears.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

from pulumi.runtime.rpc import UNKNOWN

from ..report import Report, Resource
from .supplement import Supplement

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
INTERNET_PATHS = ("aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway",
                  "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway")
FUNCTION = "aws:lambda/function:Function"
GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
KNOWLEDGE_BASE = "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase"
DATA_SOURCE = "aws:bedrock/agentDataSource:AgentDataSource"
INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
# Stores a function or invocation logging may write text to: each is a place card data must never reach.
STORES = ("aws:cloudwatch/logGroup:LogGroup", "aws:sqs/queue:Queue", "aws:sns/topic:Topic", "aws:s3/bucket:Bucket",
          "aws:dynamodb/table:Table", "aws:kinesis/stream:Stream", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
# Plumbing that is not a workload even when it depends on a subnet.
NOT_WORKLOADS = (VPC, SUBNET, SECURITY_GROUP, SG_INGRESS, SG_EGRESS, SG_RULE, ENDPOINT, ROUTE_TABLE_ASSOCIATION,
                 "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route", "aws:ec2/flowLog:FlowLog",
                 "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/networkAclAssociation:NetworkAclAssociation")
CARD_ENTITY = "CREDIT_DEBIT_CARD_NUMBER"
NETWORK_FILE, DATA_FLOW_FILE = "network-diagram.mmd", "cardholder-data-flow.mmd"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class Graph:
    """A small diagram model, rendered to Mermaid and to Graphviz DOT."""

    title: str
    clusters: dict[str, tuple[str, Optional[str]]] = field(default_factory=dict)  # id -> (label, parent)
    nodes: dict[str, tuple[str, Optional[str], str]] = field(default_factory=dict)  # id -> (label, cluster, shape)
    edges: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (from, to, label, dashed)

    def node(self, node_id: str, label: str, cluster: Optional[str] = None, shape: str = "box") -> str:
        self.nodes.setdefault(node_id, (label, cluster, shape))
        return node_id

    def edge(self, source: str, target: str, label: str = "", dashed: bool = False) -> None:
        if (source, target, label, dashed) not in self.edges:
            self.edges.append((source, target, label, dashed))


def node_id(resource: Resource) -> str:
    return "r_" + re.sub(r"\W", "_", f"{resource.type.rsplit(':', 1)[-1]}_{resource.name}")


class Stack:
    """The captured resources, indexed for the diagrams."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = list(resources)
        self.by_urn = {r.urn: r for r in self.resources}

    def of_type(self, *types: str) -> list[Resource]:
        return sorted((r for r in self.resources if r.type in types), key=lambda r: r.name)

    def deps(self, resource: Resource, *types: str, key: Optional[str] = None) -> list[Resource]:
        """The resources `resource`'s inputs (or input `key`) were built from, of the given types."""
        urns = [u for k, us in resource.property_dependencies.items() if key in (None, k) for u in us]
        found = {u: self.by_urn[u] for u in urns if u in self.by_urn and (not types or self.by_urn[u].type in types)}
        # Name first (readable), then the URN: a bucket and a log group may share a name.
        return sorted(found.values(), key=lambda r: (r.name, r.urn))

    def dependents(self, resource: Resource, *types: str) -> list[Resource]:
        return [r for r in self.of_type(*types) if resource.urn in {u for us in r.property_dependencies.values() for u in us}]


def _text(value) -> str:
    """A known string input; "" for a value computed at deployment (unknown at preview)."""
    return value if isinstance(value, str) and value != UNKNOWN else ""


def _network(cidr: str) -> Optional[ipaddress._BaseNetwork]:
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


@dataclass(frozen=True)
class Rule:
    protocol: str
    ports: tuple[int, int]
    cidr: str = ""
    group: str = ""  # a referenced security group's URN

    def label(self) -> str:
        if self.protocol in ("-1", "all"):
            return "all traffic"
        low, high = self.ports
        return f"{self.protocol}/{low}" if low == high else f"{self.protocol}/{low}-{high}"


def _rules(stack: Stack) -> dict[str, dict[str, list[Rule]]]:
    """Security group URN -> {"ingress": [...], "egress": [...]}, from rule resources and inline rules."""
    table: dict[str, dict[str, list[Rule]]] = {g.urn: {"ingress": [], "egress": []} for g in stack.of_type(SECURITY_GROUP)}

    def ports(inputs: Mapping) -> tuple[int, int]:
        low, high = inputs.get("fromPort"), inputs.get("toPort")
        return (int(low), int(high)) if isinstance(low, (int, float)) and isinstance(high, (int, float)) else (0, 65535)

    for resource in stack.of_type(SG_INGRESS, SG_EGRESS, SG_RULE):
        direction = resource.inputs.get("type") if resource.type == SG_RULE else \
            ("ingress" if resource.type == SG_INGRESS else "egress")
        owner = stack.deps(resource, SECURITY_GROUP, key="securityGroupId")
        if not owner or direction not in ("ingress", "egress"):
            continue
        protocol = str(resource.inputs.get("ipProtocol") or resource.inputs.get("protocol") or "-1")
        peers = stack.deps(resource, SECURITY_GROUP, key="referencedSecurityGroupId") + \
            stack.deps(resource, SECURITY_GROUP, key="sourceSecurityGroupId")
        cidrs = [c for c in [_text(resource.inputs.get("cidrIpv4")), _text(resource.inputs.get("cidrIpv6")),
                             *[_text(c) for c in resource.inputs.get("cidrBlocks") or []]] if c]
        table.setdefault(owner[0].urn, {"ingress": [], "egress": []})[direction] += \
            [Rule(protocol, ports(resource.inputs), cidr=c) for c in cidrs] + \
            [Rule(protocol, ports(resource.inputs), group=p.urn) for p in peers]
    for group in stack.of_type(SECURITY_GROUP):
        for direction in ("ingress", "egress"):
            for inline in group.inputs.get(direction) or []:
                if isinstance(inline, Mapping):
                    protocol = str(inline.get("protocol") or "-1")
                    table[group.urn][direction] += [Rule(protocol, ports(inline), cidr=_text(c))
                                                    for c in inline.get("cidrBlocks") or [] if _text(c)]
    return table


def _allows(rule: Rule, peer_groups: list[Resource], peer_cidrs: list[str]) -> bool:
    if rule.group:
        return rule.group in {g.urn for g in peer_groups}
    allowed = _network(rule.cidr)
    return allowed is not None and any((n := _network(c)) is not None and n.version == allowed.version
                                       and n.overlaps(allowed) for c in peer_cidrs)


def _overlap(a: Rule, b: Rule) -> Optional[Rule]:
    protocol = b.protocol if a.protocol in ("-1", "all") else a.protocol
    if a.protocol not in ("-1", "all") and b.protocol not in ("-1", "all") and a.protocol != b.protocol:
        return None
    if a.protocol in ("-1", "all") and b.protocol in ("-1", "all"):
        return Rule("-1", (0, 65535))
    low, high = max(a.ports[0], b.ports[0]), min(a.ports[1], b.ports[1])
    return Rule(protocol, (low, high)) if low <= high else None


def network_graph(stack: Stack) -> Graph:
    graph = Graph("Network diagram (PCI DSS 1.2.3)")
    rules = _rules(stack)
    subnets_of_vpc: dict[str, list[Resource]] = {}
    for vpc in stack.of_type(VPC):
        graph.clusters[node_id(vpc)] = (f"VPC {vpc.name} · {_text(vpc.inputs.get('cidrBlock')) or 'CIDR computed'}", None)
    for subnet in stack.of_type(SUBNET):
        vpc = stack.deps(subnet, VPC, key="vpcId")
        cluster = node_id(vpc[0]) if vpc else None
        subnets_of_vpc.setdefault(vpc[0].urn if vpc else "", []).append(subnet)
        public = "public IPs on launch" if subnet.inputs.get("mapPublicIpOnLaunch") else "no public IPs"
        graph.node(node_id(subnet), f"Subnet {subnet.name}\n{_text(subnet.inputs.get('cidrBlock'))} · "
                   f"{_text(subnet.inputs.get('availabilityZone'))} · {public}", cluster)

    def vpc_cluster(resource: Resource) -> Optional[str]:
        vpc = stack.deps(resource, VPC) or [v for s in stack.deps(resource, SUBNET) for v in stack.deps(s, VPC)]
        return node_id(vpc[0]) if vpc else None

    def groups_label(groups: list[Resource]) -> str:
        return "SG " + ", ".join(g.name for g in groups) if groups else "no security group"

    endpoints = stack.of_type(ENDPOINT)
    for endpoint in endpoints:
        kind = endpoint.inputs.get("vpcEndpointType") or "Gateway"
        service = _text(endpoint.inputs.get("serviceName")) or "service computed"
        dns = " · private DNS" if endpoint.inputs.get("privateDnsEnabled") else ""
        graph.node(node_id(endpoint), f"{kind} endpoint {endpoint.name}\n{service}{dns}\n"
                   f"{groups_label(stack.deps(endpoint, SECURITY_GROUP))}", vpc_cluster(endpoint), "endpoint")
        tables = {t.urn for t in stack.deps(endpoint, key="routeTableIds")}
        for association in stack.of_type(ROUTE_TABLE_ASSOCIATION):
            if tables & {t.urn for t in stack.deps(association, key="routeTableId")}:
                for subnet in stack.deps(association, SUBNET):
                    graph.edge(node_id(subnet), node_id(endpoint), "route", dashed=True)

    workloads = [r for r in stack.resources if r.type not in NOT_WORKLOADS and stack.deps(r, SUBNET)]
    for workload in sorted(workloads, key=lambda r: r.name):
        subnets = stack.deps(workload, SUBNET)
        graph.node(node_id(workload), f"{workload.type.rsplit(':', 1)[-1]} {workload.name}\n"
                   f"in {', '.join(s.name for s in subnets)}\n{groups_label(stack.deps(workload, SECURITY_GROUP))}",
                   vpc_cluster(workload), "workload")

    def cidrs_of(resource: Resource) -> list[str]:
        subnets = stack.deps(resource, SUBNET)
        if subnets:
            return [c for s in subnets if (c := _text(s.inputs.get("cidrBlock")))]
        return [_text(v.inputs.get("cidrBlock")) for v in stack.deps(resource, VPC) if _text(v.inputs.get("cidrBlock"))]

    vpc_cidrs = [c for v in stack.of_type(VPC) if (c := _text(v.inputs.get("cidrBlock")))]
    for source in workloads:
        source_groups = stack.deps(source, SECURITY_GROUP)
        egress = [r for g in source_groups for r in rules.get(g.urn, {}).get("egress", [])]
        for target in workloads + [e for e in endpoints if (e.inputs.get("vpcEndpointType") or "Gateway") != "Gateway"]:
            if target is source:
                continue
            target_groups = stack.deps(target, SECURITY_GROUP)
            ingress = [r for g in target_groups for r in rules.get(g.urn, {}).get("ingress", [])]
            allowed = sorted({o.label() for out in egress if _allows(out, target_groups, cidrs_of(target))
                              for into in ingress if _allows(into, source_groups, cidrs_of(source))
                              if (o := _overlap(out, into))})
            if allowed:
                graph.edge(node_id(source), node_id(target), ", ".join(allowed))
        outside = sorted({r.cidr for r in egress if r.cidr and not any(
            (n := _network(r.cidr)) and (v := _network(c)) and n.version == v.version and n.subnet_of(v)
            for c in vpc_cidrs)})
        for cidr in outside:
            graph.node("outside_" + re.sub(r"\W", "_", cidr), f"Outside the VPC\n{cidr}", None, "external")
            graph.edge(node_id(source), "outside_" + re.sub(r"\W", "_", cidr), "egress allowed")
    internet = stack.of_type(*INTERNET_PATHS)
    if internet:
        for gateway in internet:
            graph.node(node_id(gateway), f"{gateway.type.rsplit(':', 1)[-1]} {gateway.name}", vpc_cluster(gateway), "external")
    else:
        graph.node("no_internet", "No internet gateway, NAT gateway or\negress-only gateway in this stack", None, "note")
    return graph


def _blocks_cards(guardrail: Resource) -> bool:
    policy = guardrail.inputs.get("sensitiveInformationPolicyConfig") or {}
    for entity in policy.get("piiEntitiesConfigs") or [] if isinstance(policy, Mapping) else []:
        if isinstance(entity, Mapping) and entity.get("type") == CARD_ENTITY \
                and entity.get("action") in ("BLOCK", "ANONYMIZE"):
            return True
    return False


def _service(endpoint: Resource) -> str:
    return _text(endpoint.inputs.get("serviceName")).rsplit(".", 1)[-1]


def data_flow_graph(stack: Stack) -> Graph:
    graph = Graph("Cardholder-data flow (PCI DSS 1.2.4)")
    graph.clusters["may_hold_card_data"] = ("Card data may be present", None)
    graph.clusters["card_data_free"] = ("No card data: after layer-1 redaction", None)
    customer = graph.node("customer", "Customer\nmay type a card number", "may_hold_card_data", "external")
    guardrails, knowledge_bases = stack.of_type(GUARDRAIL), stack.of_type(KNOWLEDGE_BASE)
    endpoints = {_service(e): e for e in stack.of_type(ENDPOINT)}
    model = graph.node("model", "Foundation model\n(Amazon Bedrock)", "card_data_free")

    def via(service: str, source: str, target: str, label: str) -> None:
        endpoint = endpoints.get(service)
        if endpoint is None:
            graph.edge(source, target, f"{label} (no VPC endpoint for {service} in this stack)")
            return
        graph.node(node_id(endpoint), f"VPC endpoint {endpoint.name}\n{service}", "card_data_free", "endpoint")
        graph.edge(source, node_id(endpoint), label)
        graph.edge(node_id(endpoint), target, label)

    for guardrail in guardrails:
        verdict = "card numbers BLOCKED on input and output" if _blocks_cards(guardrail) else \
            "does NOT block card numbers"
        graph.node(node_id(guardrail), f"Guardrail {guardrail.name}\nlayer 2: {verdict}", "card_data_free", "control")
        graph.edge(node_id(guardrail), model, "allowed text")
    for knowledge_base in knowledge_bases:
        graph.node(node_id(knowledge_base), f"Knowledge base {knowledge_base.name}", "card_data_free")
        for store in stack.deps(knowledge_base, key="storageConfiguration"):
            graph.node(node_id(store), f"Vector store {store.name}", "card_data_free", "store")
            graph.edge(node_id(knowledge_base), node_id(store), "query")
        for source in stack.dependents(knowledge_base, DATA_SOURCE):
            graph.node(node_id(source), f"Data source {source.name}", "card_data_free")
            graph.edge(node_id(source), node_id(knowledge_base), "ingest")
            for bucket in stack.deps(source, *STORES, key="dataSourceConfiguration"):
                graph.node(node_id(bucket), f"{bucket.type.rsplit(':', 1)[-1]} {bucket.name}", "card_data_free", "store")
                graph.edge(node_id(bucket), node_id(source), "approved documents")

    callers = [f for f in stack.of_type(FUNCTION) if stack.deps(f, GUARDRAIL, KNOWLEDGE_BASE)]
    for function in callers:
        handler = graph.node(node_id(function), f"Lambda {function.name}\nreceives the message",
                             "may_hold_card_data", "workload")
        redaction = graph.node(node_id(function) + "_redaction",
                               f"Layer-1 redaction in {function.name}\nCARD DATA REMOVED HERE\n(before any call or write)",
                               "card_data_free", "control")
        graph.edge(customer, handler, "message")
        graph.edge(handler, redaction, "in memory")
        for guardrail in stack.deps(function, GUARDRAIL):
            via("bedrock-runtime", redaction, node_id(guardrail), "redacted prompt")
        for knowledge_base in stack.deps(function, KNOWLEDGE_BASE):
            via("bedrock-agent-runtime", redaction, node_id(knowledge_base), "redacted query")
        for store in stack.deps(function, *STORES):
            graph.node(node_id(store), f"{store.type.rsplit(':', 1)[-1]} {store.name}", "card_data_free", "store")
            graph.edge(redaction, node_id(store), "redacted text")
    for logging in stack.of_type(INVOCATION_LOGGING):
        config = logging.inputs.get("loggingConfig") or {}
        # pulumi-aws defaults text delivery to true: only an explicit false means metadata only.
        text = "metadata only (text delivery off)" if isinstance(config, Mapping) and \
            config.get("textDataDeliveryEnabled") is False else "prompts and completions"
        for store in stack.deps(logging, *STORES):
            graph.node(node_id(store), f"{store.type.rsplit(':', 1)[-1]} {store.name}", "card_data_free", "store")
            graph.edge(model, node_id(store), f"invocation log: {text}", dashed=True)
    if not callers:
        graph.node("no_caller", "No Lambda function in this stack calls the guardrail or the knowledge base",
                   None, "note")
    return graph


def _label(text: str, quote: str) -> str:
    """One label: control characters blanked, line breaks kept, the quote character replaced."""
    return "\n".join(_CONTROL.sub(" ", line) for line in text.split("\n")).replace(quote, "'")


MERMAID_SHAPES = {"box": ('["', '"]'), "endpoint": ('[/"', '"/]'), "workload": ('(["', '"])'),
                  "store": ('[("', '")]'), "control": ('{{"', '"}}'), "external": ('(("', '"))'), "note": ('>"', '"]')}


def _nested(graph: Graph, open_cluster, close_cluster: str, node_line, cluster: Optional[str] = None,
            indent: str = "  ") -> list[str]:
    """The clusters (nested) and nodes of `graph` under `cluster`, as lines of either syntax."""
    lines = []
    for child, (text, parent) in sorted(graph.clusters.items()):
        if parent == cluster:
            lines.append(indent + open_cluster(child, text))
            lines += _nested(graph, open_cluster, close_cluster, node_line, child, indent + "  ")
            lines.append(indent + close_cluster)
    return lines + [indent + node_line(node, text, shape)
                    for node, (text, where, shape) in sorted(graph.nodes.items()) if where == cluster]


def to_mermaid(graph: Graph) -> str:
    def label(text: str) -> str:
        return _label(text, '"').replace("\n", "<br/>")

    def node_line(node: str, text: str, shape: str) -> str:
        opening, closing = MERMAID_SHAPES[shape]
        return f"{node}{opening}{label(text)}{closing}"

    lines = ["---", f"title: {graph.title}", "---", "flowchart LR"]
    lines += _nested(graph, lambda child, text: f'subgraph {child}["{label(text)}"]', "end", node_line)
    for source, target, text, dashed in graph.edges:
        arrow = "-.->" if dashed else "-->"
        quoted = f'|"{label(text)}"|' if text else ""
        lines.append(f"  {source} {arrow}{quoted} {target}")
    return "\n".join(lines) + "\n"


DOT_SHAPES = {"box": "box", "endpoint": "parallelogram", "workload": "box3d", "store": "cylinder",
              "control": "hexagon", "external": "ellipse", "note": "note"}


def to_dot(graph: Graph) -> str:
    def quoted(text: str) -> str:
        return '"' + _label(text, '"').replace("\\", "\\\\").replace("\n", "\\n") + '"'

    lines = ["digraph G {", f"  label={quoted(graph.title)}; labelloc=t; rankdir=LR; node [fontsize=10];"]
    lines += _nested(graph, lambda child, text: f"subgraph cluster_{child} {{ label={quoted(text)};", "}",
                     lambda node, text, shape: f"{node} [label={quoted(text)}, shape={DOT_SHAPES[shape]}];")
    for source, target, text, dashed in graph.edges:
        lines.append(f"  {source} -> {target} [label={quoted(text)}{', style=dashed' if dashed else ''}];")
    return "\n".join(lines + ["}"]) + "\n"


def svg(dot_source: str) -> Optional[str]:
    """SVG from Graphviz `dot` when it is installed; None when it is not."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    result = subprocess.run([dot, "-Tsvg"], input=dot_source, capture_output=True, text=True, timeout=60)
    return result.stdout if result.returncode == 0 else None


def diagrams_supplement(report: Report) -> Supplement:
    stack = Stack(report.resources)
    graphs = {NETWORK_FILE: network_graph(stack), DATA_FLOW_FILE: data_flow_graph(stack)}
    files = {path: to_mermaid(graph) for path, graph in graphs.items()}
    rendered = {path: svg(to_dot(graph)) for path, graph in graphs.items()}
    svg_note = "and `.svg` (Graphviz)" if all(rendered.values()) else \
        "(no SVG: Graphviz `dot` is not installed; install it to add SVG files)"
    for path, image in rendered.items():
        if image is not None:
            files[path.replace(".mmd", ".svg")] = image
    matrix = "\n".join([
        "## Diagrams (PCI DSS 1.2.3, 1.2.4)", "",
        f"Drawn from the stack's captured resources at this commit; Mermaid `.mmd` {svg_note}.", "",
        "| requirement | evidence | drawn from |", "|---|---|---|",
        f"| **1.2.3** An accurate network diagram | `{NETWORK_FILE}` | {len(stack.of_type(VPC))} VPC(s), "
        f"{len(stack.of_type(SUBNET))} subnet(s), {len(stack.of_type(ENDPOINT))} VPC endpoint(s), "
        f"{len(stack.of_type(SECURITY_GROUP))} security group(s) |",
        f"| **1.2.4** An accurate data-flow diagram for account data | `{DATA_FLOW_FILE}` | "
        f"{len(stack.of_type(FUNCTION))} function(s), {len(stack.of_type(GUARDRAIL))} guardrail(s), "
        f"{len(stack.of_type(KNOWLEDGE_BASE))} knowledge base(s), {len(stack.of_type(INVOCATION_LOGGING))} "
        "invocation logging configuration(s) |", ""])
    return Supplement(files=files, matrix=matrix + "\n")
