"""The kustomize tree is well-formed and wires every secret and setting it uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _kustomization(directory: Path) -> dict[str, Any]:
    return _docs(directory / "kustomization.yaml")[0]


def _resources(directory: Path) -> list[dict[str, Any]]:
    """Every object a kustomization pulls in, following directory resources."""
    found: list[dict[str, Any]] = []
    for entry in _kustomization(directory).get("resources", []):
        target = (directory / entry).resolve()
        assert target.exists(), f"{directory}: missing resource {entry}"
        found += _resources(target) if target.is_dir() else _docs(target)
    return found


def test_every_overlay_builds_from_existing_files() -> None:
    for overlay in ("dev", "production"):
        objects = _resources(K8S / "overlays" / overlay)
        kinds = {o["kind"] for o in objects}
        assert {"Deployment", "Service", "ConfigMap", "Namespace"} <= kinds


def test_probes_and_ports_match() -> None:
    for obj in _resources(K8S / "base"):
        if obj["kind"] != "Deployment":
            continue
        for container in obj["spec"]["template"]["spec"]["containers"]:
            ports = {p["containerPort"] for p in container["ports"]}
            for probe in ("readinessProbe", "livenessProbe"):
                assert container[probe]["grpc"]["port"] in ports


def test_dev_secret_provides_every_key_the_deployments_read() -> None:
    literals = _kustomization(K8S / "overlays" / "dev")["secretGenerator"][0]["literals"]
    provided = {item.split("=", 1)[0] for item in literals}
    wanted = set()
    for obj in _resources(K8S / "base"):
        if obj["kind"] == "Deployment":
            for container in obj["spec"]["template"]["spec"]["containers"]:
                for env in container.get("env", []):
                    ref = env.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        wanted.add(ref["key"])
    assert wanted and wanted <= provided


def test_every_service_is_deployed_with_its_settings() -> None:
    deployments = {
        obj["metadata"]["name"]: obj
        for obj in _resources(K8S / "base")
        if obj["kind"] == "Deployment"
    }
    assert {"catalog", "inventory"} <= set(deployments)
    for name, obj in deployments.items():
        [container] = obj["spec"]["template"]["spec"]["containers"]
        env = {e["name"] for e in container["env"]}
        prefix = name.upper()
        assert {f"{prefix}_GRPC_ADDR", f"{prefix}_DATABASE_URL", f"{prefix}_METRICS_ADDR"} <= env
        assert container["args"] == [f"services.{name}"]
