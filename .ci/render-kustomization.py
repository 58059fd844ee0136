#!/usr/bin/env python3
"""Renders deploy/kubernetes as `kubectl kustomize` does for what its
kustomization.yaml uses (resources, namespace, images), one YAML stream on
standard output, so that kubernetes-validate checks the manifests as applied.
The Secret template, applied separately, is rendered too. Fails on any
kustomization field it does not know, rather than render something else."""

import sys
from pathlib import Path

import yaml

KNOWN = {"apiVersion", "kind", "namespace", "resources", "images"}


def main(directory: str) -> None:
    root = Path(directory)
    kustomization = yaml.safe_load((root / "kustomization.yaml").read_text())
    unknown = set(kustomization) - KNOWN
    if unknown:
        sys.exit(f"kustomization.yaml uses {sorted(unknown)}, which this renderer does not know")
    namespace = kustomization.get("namespace")
    images = {image["name"]: image for image in kustomization.get("images", [])}
    documents = []
    for resource in kustomization["resources"] + ["secret.example.yaml"]:
        for document in yaml.safe_load_all((root / resource).read_text()):
            if document is None:
                continue
            if namespace and document["kind"] != "Namespace":
                document["metadata"]["namespace"] = namespace
            spec = document.get("spec", {}).get("template", {}).get("spec", {})
            for container in spec.get("containers", []):
                image = images.get(container["image"])
                if image:
                    container["image"] = f'{image.get("newName", image["name"])}:{image["newTag"]}'
            documents.append(document)
    yaml.safe_dump_all(documents, sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "deploy/kubernetes")
