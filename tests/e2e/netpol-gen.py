#!/usr/bin/env python3
# A generated cluster for customs audit netpol: namespaces (some only
# referenced), workloads of every kind with labels and named ports, and
# NetworkPolicies drawing on every feature (pod and namespace selectors with
# matchLabels and each matchExpressions operator, AND peers, ipBlock,
# numeric, named and ranged ports, protocols, policyTypes defaulting,
# default-deny). Deterministic for a seed. Used by tests/e2e/audit-netpol.sh
# (against netpol-ref.py) and bench/audit-netpol.sh.
#
# usage: netpol-gen.py OUTDIR WORKLOADS POLICIES [SEED]
import os
import random
import sys

out, n_wl, n_pol = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
n_ns = max(2, n_wl // 25)
namespaces = ["ns%03d" % i for i in range(n_ns)]
teams = ["t%d" % i for i in range(6)]
envs = ["prod", "dev", "staging"]
tiers = ["web", "api", "db", "cache", "queue"]
apps = ["app%02d" % i for i in range(40)]
port_names = ["http", "grpc", "metrics", "dns", "admin"]
kinds = ["Deployment"] * 6 + ["StatefulSet", "DaemonSet", "Job", "CronJob", "Pod",
                              "ReplicaSet", "ReplicationController"]


def flow(d):
    # YAML flow style (JSON is valid YAML): compact and quoting-safe
    if isinstance(d, dict):
        return "{" + ", ".join('"%s": %s' % (k, flow(v)) for k, v in d.items()) + "}"
    if isinstance(d, list):
        return "[" + ", ".join(flow(v) for v in d) + "]"
    if isinstance(d, str):
        return '"%s"' % d
    return str(d)


docs = []
ns_labels = {}
for i, ns in enumerate(namespaces):
    labels = {"team": teams[i % len(teams)], "env": rnd.choice(envs)}
    if rnd.random() < 0.3:
        labels["pci"] = "yes"
    ns_labels[ns] = labels
    if i % 7 != 3:  # some namespaces are only referenced
        docs.append({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": ns, "labels": labels}})

for i in range(n_wl):
    ns = rnd.choice(namespaces)
    kind = rnd.choice(kinds)
    labels = {"app": rnd.choice(apps), "tier": rnd.choice(tiers)}
    if rnd.random() < 0.2:
        labels["deprecated"] = "true"
    ports, used = [], set()
    for _ in range(rnd.randint(0, 3)):
        name = rnd.choice(port_names)
        if name in used:
            continue
        used.add(name)
        p = {"name": name, "containerPort": rnd.choice([53, 80, 443, 8080, 8443, 9090, 5432])}
        if rnd.random() < 0.25:
            p["protocol"] = rnd.choice(["UDP", "SCTP"])
        ports.append(p)
    podspec = {"containers": [{"name": "main", "image": "img%d" % i, "ports": ports}]}
    name = "w%04d" % i
    meta = {"name": name, "namespace": ns}
    if kind == "Pod":
        meta["labels"] = labels
        obj = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": podspec}
    else:
        tmpl = {"metadata": {"labels": labels}, "spec": podspec}
        spec = {"template": tmpl}
        if kind == "CronJob":
            spec = {"schedule": "@hourly", "jobTemplate": {"spec": {"template": tmpl}}}
        api = {"Job": "batch/v1", "CronJob": "batch/v1", "ReplicationController": "v1"}
        obj = {"apiVersion": api.get(kind, "apps/v1"), "kind": kind, "metadata": meta,
               "spec": spec}
    docs.append(obj)


def label_selector(pod):
    r = rnd.random()
    if r < 0.2:
        return {}
    if r < 0.6:
        return {"matchLabels": {"app": rnd.choice(apps)} if pod else
                {"team": rnd.choice(teams)}}
    exprs = []
    for _ in range(rnd.randint(1, 2)):
        op = rnd.choice(["In", "NotIn", "Exists", "DoesNotExist"])
        key = rnd.choice(["tier", "deprecated", "app"] if pod else ["env", "pci", "team"])
        e = {"key": key, "operator": op}
        if op in ("In", "NotIn"):
            pool = {"tier": tiers, "deprecated": ["true"], "app": apps, "env": envs,
                    "pci": ["yes"], "team": teams}[key]
            e["values"] = rnd.sample(pool, min(len(pool), rnd.randint(1, 3)))
        exprs.append(e)
    return {"matchExpressions": exprs}


def peer():
    r = rnd.random()
    if r < 0.35:
        return {"podSelector": label_selector(True)}
    if r < 0.6:
        return {"namespaceSelector": label_selector(False)}
    if r < 0.9:
        return {"namespaceSelector": label_selector(False), "podSelector": label_selector(True)}
    return {"ipBlock": {"cidr": rnd.choice(["10.0.0.0/8", "0.0.0.0/0", "192.168.1.0/24"])}}


def port():
    r = rnd.random()
    if r < 0.4:
        p = {"port": rnd.choice([53, 80, 443, 8080, 8443, 9090, 5432])}
    elif r < 0.7:
        p = {"port": rnd.choice(port_names)}
    elif r < 0.85:
        lo = rnd.choice([1000, 8000, 30000])
        p = {"port": lo, "endPort": lo + rnd.randint(0, 500)}
    else:
        p = {}
    if rnd.random() < 0.3 or not p:
        p["protocol"] = rnd.choice(["TCP", "UDP", "SCTP"])
    return p


def rules(key):
    out = []
    for _ in range(rnd.randint(0, 3)):
        rule = {}
        if rnd.random() < 0.85:
            rule[key] = [peer() for _ in range(rnd.randint(1, 3))]
        if rnd.random() < 0.75:
            rule["ports"] = [port() for _ in range(rnd.randint(1, 3))]
        out.append(rule)
    return out


for i in range(n_pol):
    ns = rnd.choice(namespaces)
    spec = {"podSelector": label_selector(True)}
    r = rnd.random()
    if r < 0.1:  # default deny
        spec = {"podSelector": {}, "policyTypes": rnd.choice([["Ingress"], ["Egress"],
                                                                ["Ingress", "Egress"]])}
    else:
        if rnd.random() < 0.8:
            spec["ingress"] = rules("from")
        if rnd.random() < 0.4:
            spec["egress"] = rules("to")
        t = rnd.random()
        if t < 0.3:
            spec["policyTypes"] = ["Ingress", "Egress"]
        elif t < 0.45:
            spec["policyTypes"] = ["Egress"]
        elif t < 0.6:
            spec["policyTypes"] = ["Ingress"]
        # else: defaulted by Kubernetes
    docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                 "metadata": {"name": "np%04d" % i, "namespace": ns}, "spec": spec})

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "cluster.yaml"), "w") as f:
    f.write("# generated by tests/e2e/netpol-gen.py\n")
    for d in docs:
        f.write("---\n")
        f.write(flow(d) + "\n")
