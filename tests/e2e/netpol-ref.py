#!/usr/bin/env python3
# An independent evaluator of Kubernetes NetworkPolicies, written straight
# from the API reference, for tests/e2e/audit-netpol.sh: it reads the same
# manifests as `customs audit netpol` and prints the reachability matrix as
# JSON ({"ids": [...], "cells": [[...]]}, cells[source][destination]) in the
# port syntax of docs/AUDIT-NETPOL.md. It decides every pair on its own
# (A's egress AND B's ingress, rule by rule), with no interning, bitsets or
# memo, so it shares nothing with the C implementation but the semantics.
#
# usage: netpol-ref.py FILE|DIR...
import json
import os
import sys

import yaml

PROTOS = ["TCP", "UDP", "SCTP"]
WORKLOAD_KINDS = {"Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
                  "CronJob", "ReplicationController"}


# ---- port sets: {protocol: [(lo, hi), ...]} with sorted, merged ranges ----
def norm(ranges):
    out = {}
    for proto in PROTOS:
        rs = sorted(ranges.get(proto, []))
        merged = []
        for lo, hi in rs:
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        if merged:
            out[proto] = merged
    return out


ALL = {p: [(1, 65535)] for p in PROTOS}
NONE = {}


def union(a, b):
    return norm({p: a.get(p, []) + b.get(p, []) for p in PROTOS})


def intersect(a, b):
    out = {}
    for p in PROTOS:
        for lo1, hi1 in a.get(p, []):
            for lo2, hi2 in b.get(p, []):
                lo, hi = max(lo1, lo2), min(hi1, hi2)
                if lo <= hi:
                    out.setdefault(p, []).append((lo, hi))
    return norm(out)


def fmt(s):
    if s == ALL:
        return "all"
    items = []
    for p in PROTOS:
        for lo, hi in s.get(p, []):
            if (lo, hi) == (1, 65535):
                items.append("*/" + p)
            elif lo == hi:
                items.append("%d/%s" % (lo, p))
            else:
                items.append("%d-%d/%s" % (lo, hi, p))
    return ",".join(items) if items else "-"


# ---- objects ----
def documents(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".json"):
        return [json.loads(text)]
    return list(yaml.safe_load_all(text))


def files(args):
    for a in args:
        if os.path.isdir(a):
            for root, dirs, names in os.walk(a):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    if n.endswith((".yaml", ".yml", ".json")) and not n.startswith("."):
                        yield os.path.join(root, n)
        else:
            yield a


def objects(args):
    for path in files(args):
        for doc in documents(path):
            if not isinstance(doc, dict):
                continue
            kind = doc.get("kind") or ""
            if kind.endswith("List"):
                for item in doc.get("items") or []:
                    if "kind" not in item:
                        item = dict(item, kind=kind[:-4])
                    yield item
            else:
                yield doc


def pod_template(obj):
    kind, spec = obj["kind"], obj.get("spec") or {}
    if kind == "Pod":
        return obj.get("metadata") or {}, spec
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    t = spec.get("template") or {}
    return t.get("metadata") or {}, t.get("spec") or {}


def container_ports(podspec):
    out = []
    cs = list(podspec.get("containers") or [])
    cs += [c for c in podspec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    for c in cs:
        for p in c.get("ports") or []:
            out.append((p.get("name"), p.get("protocol", "TCP"), p["containerPort"]))
    return out


def load(args):
    ns_labels, workloads, policies = {}, {}, {}
    for o in objects(args):
        kind, meta = o.get("kind"), o.get("metadata") or {}
        if kind == "Namespace":
            labels = dict(meta.get("labels") or {})
            labels["kubernetes.io/metadata.name"] = meta["name"]
            ns_labels[meta["name"]] = labels
        elif kind in WORKLOAD_KINDS:
            if any(r.get("controller") for r in meta.get("ownerReferences") or []):
                continue
            ns = meta.get("namespace") or "default"
            tmeta, podspec = pod_template(o)
            workloads[(ns, kind, meta["name"])] = {
                "ns": ns, "labels": tmeta.get("labels") or {},
                "ports": container_ports(podspec)}
        elif kind == "NetworkPolicy" and o.get("apiVersion") in (
                None, "networking.k8s.io/v1", "extensions/v1beta1"):
            ns = meta.get("namespace") or "default"
            spec = o.get("spec") or {}
            types = spec.get("policyTypes") or (
                ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"])
            policies[(ns, meta["name"])] = {
                "ns": ns, "selector": spec.get("podSelector") or {},
                "types": types, "ingress": spec.get("ingress") or [],
                "egress": spec.get("egress") or []}
    for w in workloads.values():
        ns_labels.setdefault(w["ns"], {"kubernetes.io/metadata.name": w["ns"]})
    for p in policies.values():
        ns_labels.setdefault(p["ns"], {"kubernetes.io/metadata.name": p["ns"]})
    return ns_labels, workloads, policies


def selects(sel, labels):
    for k, v in (sel.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in sel.get("matchExpressions") or []:
        k, op, vals = e["key"], e["operator"], e.get("values") or []
        if op == "In" and not (k in labels and labels[k] in vals):
            return False
        if op == "NotIn" and k in labels and labels[k] in vals:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
    return True


def peer_has(peer, policy_ns, w, ns_labels):
    if "ipBlock" in peer:
        return False  # pod addresses are not in manifests
    nsel, psel = peer.get("namespaceSelector"), peer.get("podSelector")
    if nsel is None:
        if w["ns"] != policy_ns:
            return False
    elif not selects(nsel, ns_labels[w["ns"]]):
        return False
    return psel is None or selects(psel, w["labels"])


def rule_ports(rule, dst):
    ports = rule.get("ports") or []
    if not ports:
        return ALL
    acc = {}
    for p in ports:
        proto, port = p.get("protocol", "TCP"), p.get("port")
        if port is None:
            acc.setdefault(proto, []).append((1, 65535))
        elif isinstance(port, str):
            for name, cproto, num in dst["ports"]:
                if name == port and cproto == proto:
                    acc.setdefault(proto, []).append((num, num))
        else:
            acc.setdefault(proto, []).append((port, p.get("endPort", port)))
    return norm(acc)


def main():
    ns_labels, workloads, policies = load(sys.argv[1:])
    ids = sorted(workloads)
    for key in ids:
        w = workloads[key]
        mine = [p for p in policies.values()
                if p["ns"] == w["ns"] and selects(p["selector"], w["labels"])]
        w["in"] = [p for p in mine if "Ingress" in p["types"]]
        w["eg"] = [p for p in mine if "Egress" in p["types"]]
    cells = []
    for sk in ids:
        src, row = workloads[sk], []
        for dk in ids:
            dst = workloads[dk]
            eg = ALL if not src["eg"] else NONE
            for p in src["eg"]:
                for r in p["egress"]:
                    to = r.get("to") or []
                    if not to or any(peer_has(x, p["ns"], dst, ns_labels) for x in to):
                        eg = union(eg, rule_ports(r, dst))
            ing = ALL if not dst["in"] else NONE
            for p in dst["in"]:
                for r in p["ingress"]:
                    frm = r.get("from") or []
                    if not frm or any(peer_has(x, p["ns"], src, ns_labels) for x in frm):
                        ing = union(ing, rule_ports(r, dst))
            row.append(fmt(intersect(eg, ing)))
        cells.append(row)
    json.dump({"ids": ["%s/%s/%s" % k for k in ids], "cells": cells}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
