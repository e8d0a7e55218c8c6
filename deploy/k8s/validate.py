#!/usr/bin/env python3
"""Checks manifests offline, without a cluster: a TestRun against k6-operator's CRD schema
(crd/k6.io_testruns.yaml, v1alpha1's openAPIV3Schema), and any other kind for the fields
every object needs. Prints one line per problem; exits 1 when there is any.

    python3 deploy/k8s/validate.py deploy/k8s/*.yaml
"""

import pathlib
import sys

import jsonschema
import yaml

CRD = pathlib.Path(__file__).with_name("crd") / "k6.io_testruns.yaml"


def testrun_schema():
    crd = yaml.safe_load(CRD.read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    return version["schema"]["openAPIV3Schema"]


def problems(doc, schema):
    for field in ("apiVersion", "kind"):
        if not isinstance(doc.get(field), str):
            yield f"{field} is missing"
    if not isinstance(doc.get("metadata", {}).get("name"), str):
        yield "metadata.name is missing"
    if doc.get("kind") == "TestRun":
        if doc.get("apiVersion") != "k6.io/v1alpha1":
            yield f"apiVersion {doc.get('apiVersion')} is not k6.io/v1alpha1"
        validator = jsonschema.Draft7Validator(schema)
        for e in validator.iter_errors(doc):
            path = ".".join(str(p) for p in e.absolute_path) or "(top)"
            yield f"{path}: {e.message}"


def main(paths):
    schema = testrun_schema()
    bad = 0
    for path in paths:
        for doc in yaml.safe_load_all(pathlib.Path(path).read_text()):
            if doc is None:
                continue
            for p in problems(doc, schema):
                print(f"{path}: {doc.get('kind')}: {p}")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
