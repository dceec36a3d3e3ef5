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


def _all_containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def test_dev_secret_provides_every_key_the_deployments_read() -> None:
    literals = _kustomization(K8S / "overlays" / "dev")["secretGenerator"][0]["literals"]
    provided = {item.split("=", 1)[0] for item in literals}
    wanted = set()
    for obj in _resources(K8S / "base"):
        if obj["kind"] == "Deployment":
            for container in _all_containers(obj["spec"]["template"]["spec"]):
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


def test_a_service_leaving_its_outbox_has_a_relay_sidecar() -> None:
    """OUTBOX_RELAY=external in a service container needs its relay beside it: a native
    sidecar (so it outlives the service's drain) on the same database, with metrics."""
    externals = 0
    for obj in _resources(K8S / "base"):
        if obj["kind"] != "Deployment":
            continue
        pod = obj["spec"]["template"]["spec"]
        [service] = pod["containers"]
        env = {e["name"]: e for e in service["env"]}
        if env.get("OUTBOX_RELAY", {}).get("value") != "external":
            continue
        externals += 1
        name = obj["metadata"]["name"]
        relays = [c for c in pod.get("initContainers", []) if "relay" in c["args"]]
        assert len(relays) == 1, name
        relay = relays[0]
        assert relay["restartPolicy"] == "Always"
        assert relay["args"][:2] == [f"services.{name}", "relay"]
        database = f"{name.upper()}_DATABASE_URL"
        relay_env = {e["name"]: e for e in relay["env"]}
        assert relay_env[database]["valueFrom"] == env[database]["valueFrom"]
        metrics = relay["args"][relay["args"].index("--metrics-addr") + 1]
        port = int(metrics.rsplit(":", 1)[1])
        assert port in {p["containerPort"] for p in relay["ports"]}
        assert relay["livenessProbe"]["httpGet"]["port"] == port
    assert externals >= 1  # the inventory publishes through its sidecar
