#!/usr/bin/env python3
"""Writes the JSON schemas deploy/k8s/validate.sh checks the manifests against, offline.

Only the kinds the manifests use, for one Kubernetes version, each schema self-contained (its
definitions inlined) and strict (no properties beyond the API's):

  python3 bundle.py <kubernetes-validate schemas>/v1.34.0-local-strict <PodMonitor CRD YAML>

The Kubernetes schemas come from the PyPI package kubernetes-validate (its
kubernetes-json-schema/<version>-local-strict folder); the PodMonitor schema is the
openAPIV3Schema of the Prometheus Operator's CRD (monitoring.coreos.com_podmonitors.yaml of the
release named in README.md). A kind added to the manifests needs its file name added below.
"""
import json
import sys
from pathlib import Path

import yaml

KINDS = [
    "configmap-v1",
    "namespace-v1",
    "secret-v1",
    "service-v1",
    "deployment-apps-v1",
    "statefulset-apps-v1",
    "poddisruptionbudget-policy-v1",
    "horizontalpodautoscaler-autoscaling-v2",
    "networkpolicy-networking-v1",
    "job-batch-v1",
]
OUT = Path(__file__).resolve().parent


def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def local(node):
    """The same schema with references into _definitions.json made references into itself."""
    if isinstance(node, dict):
        return {k: (v.split("_definitions.json", 1)[-1] if k == "$ref" and isinstance(v, str) else local(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [local(v) for v in node]
    return node


def kubernetes(src: Path) -> None:
    defs = json.loads((src / "_definitions.json").read_text())["$defs"]
    for kind in KINDS:
        schema = local(json.loads((src / f"{kind}.json").read_text()))
        schema.pop("$id", None)
        needed, todo = {}, [r for r in refs(schema)]
        while todo:
            name = todo.pop().removeprefix("#/$defs/")
            if name in needed:
                continue
            needed[name] = defs[name]
            todo.extend(refs(defs[name]))
        schema["$defs"] = dict(sorted(needed.items()))
        write(OUT / "kubernetes" / f"{kind}.json", schema)


def strict(node):
    """openAPIV3Schema as JSON schema: objects with declared properties take no others."""
    if isinstance(node, list):
        return [strict(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("anyOf", None)
        out["oneOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out and not out.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


def crd(path: Path) -> None:
    doc = yaml.safe_load(path.read_text())
    group, kind = doc["spec"]["group"], doc["spec"]["names"]["kind"]
    for version in doc["spec"]["versions"]:
        schema = strict(version["schema"]["openAPIV3Schema"])
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        write(OUT / "crds" / group / f"{kind.lower()}_{version['name']}.json", schema)


def terse(node):
    """Without the prose descriptions: a validator reports paths, not descriptions."""
    if isinstance(node, dict):
        return {k: terse(v) for k, v in node.items() if not (k == "description" and isinstance(v, str))}
    if isinstance(node, list):
        return [terse(v) for v in node]
    return node


def write(path: Path, schema: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(terse(schema), indent=1, sort_keys=True) + "\n")
    print(f"{path.relative_to(OUT)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    kubernetes(Path(sys.argv[1]))
    crd(Path(sys.argv[2]))
