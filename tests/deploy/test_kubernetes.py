"""The Kubernetes manifests in deploy/k8s render with kustomize, are valid Kubernetes
objects, and keep the properties paless relies on: no persistent volume, one scheduler,
probes on the right endpoints, a worker grace period that covers a job, resources and
non-root everywhere, and settings the code actually reads.

Rendering uses `kubectl kustomize`; without kubectl these tests fail (set
PALESS_SKIP_KUBECTL=1 to skip them instead). They need no Postgres, Redis or S3.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import ipaddress
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from pydantic_settings import BaseSettings

from paless_shared.platform import ocr as paless_ocr
from paless_shared.platform import settings as paless_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S = REPO_ROOT / "deploy" / "k8s"
BASE = "base"
OVERLAY = "overlays/example"
TARGETS = [BASE, OVERLAY]
# The oldest Kubernetes release the manifests promise to work on (autoscaling/v2,
# preStop sleep, matchLabelKeys), and the newest one the validator knows.
KUBERNETES_VERSIONS = ["1.30.0", kubernetes_validate.latest_version()]
KEDA_API_VERSION = "keda.sh/v1alpha1"
INSTALL_HINT = (
    "kubectl (1.27 or later, for kustomize v5) is needed to render deploy/k8s with "
    "`kubectl kustomize`; install the `kubectl` package (`apt-get install -y kubectl`, "
    "from the Kubernetes or Google Cloud CLI apt repository: Debian's own "
    "`kubernetes-client` is 1.20 and too old), or set PALESS_SKIP_KUBECTL=1 to skip "
    "these tests"
)

Manifest = dict[str, Any]


@functools.cache
def _kubectl() -> str | None:
    return shutil.which("kubectl")


def _require_kubectl() -> str:
    kubectl = _kubectl()
    if kubectl is None:
        if os.environ.get("PALESS_SKIP_KUBECTL") == "1":
            pytest.skip("kubectl not installed and PALESS_SKIP_KUBECTL=1")
        pytest.fail(INSTALL_HINT, pytrace=False)
    return kubectl


@functools.cache
def _render(target: str) -> tuple[Manifest, ...]:
    result = subprocess.run(
        [_require_kubectl(), "kustomize", str(K8S / target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {target} failed:\n{result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest) -> str:
    _require_kubectl()
    return str(request.param)


@pytest.fixture
def objects(target: str) -> tuple[Manifest, ...]:
    return _render(target)


@pytest.fixture
def overlay() -> tuple[Manifest, ...]:
    return _render(OVERLAY)


# --- helpers -------------------------------------------------------------------------


def find(objects: tuple[Manifest, ...], kind: str, name: str | None = None) -> list[Manifest]:
    return [
        obj
        for obj in objects
        if obj["kind"] == kind and (name is None or obj["metadata"]["name"] == name)
    ]


def one(objects: tuple[Manifest, ...], kind: str, name: str) -> Manifest:
    found = find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def pod_templates(objects: tuple[Manifest, ...]) -> Iterator[tuple[Manifest, Manifest]]:
    """(workload, pod template) for every object that runs pods."""
    for obj in objects:
        if obj["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}:
            yield obj, obj["spec"]["template"]
        elif obj["kind"] == "CronJob":
            yield obj, obj["spec"]["jobTemplate"]["spec"]["template"]
        elif obj["kind"] == "Pod":
            yield obj, obj


def containers(pod_spec: Manifest) -> list[Manifest]:
    return [*pod_spec.get("initContainers", []), *pod_spec["containers"]]


def container(objects: tuple[Manifest, ...], deployment: str) -> Manifest:
    (only,) = one(objects, "Deployment", deployment)["spec"]["template"]["spec"]["containers"]
    return only


def config_map(objects: tuple[Manifest, ...]) -> Manifest:
    """The generated paless-config ConfigMap (its name carries a content hash)."""
    found = [
        obj
        for obj in find(objects, "ConfigMap")
        if obj["metadata"]["name"].startswith("paless-config")
    ]
    assert len(found) == 1, "expected exactly one paless-config ConfigMap"
    return found[0]


def matches(selector: Manifest, labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels and matchExpressions) selects these labels."""
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def pod_labels(objects: tuple[Manifest, ...]) -> list[dict[str, str]]:
    return [template["metadata"].get("labels", {}) for _, template in pod_templates(objects)]


def quantity(value: str | int | float) -> float:
    """A Kubernetes quantity as a number (CPU in cores, memory in bytes)."""
    text = str(value)
    suffixes = {
        "m": 1e-3,
        "k": 1e3,
        "M": 1e6,
        "G": 1e9,
        "Ki": 2**10,
        "Mi": 2**20,
        "Gi": 2**30,
        "Ti": 2**40,
    }
    for suffix in sorted(suffixes, key=len, reverse=True):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * suffixes[suffix]
    return float(text)


def settings_classes() -> list[type[BaseSettings]]:
    """Every settings class the services read (platform.settings, and the OCR
    settings kept beside the OCR options in platform.ocr)."""
    return [
        value
        for module in (paless_settings, paless_ocr)
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, BaseSettings)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    ]


def known_variables() -> set[str]:
    prefix = paless_settings.ENV_PREFIX
    return {f"{prefix}{field.upper()}" for cls in settings_classes() for field in cls.model_fields}


def container_environment(
    objects: tuple[Manifest, ...], spec: Manifest, *, secrets: bool = True
) -> dict[str, str]:
    """The PALESS_* environment a container starts with: envFrom, then env on top
    (without the Secret's keys when `secrets` is false, as in the base)."""
    environment: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        if "configMapRef" in source:
            data = one(objects, "ConfigMap", source["configMapRef"]["name"]).get("data", {})
            environment.update(data)
        if "secretRef" in source and secrets:
            secret = one(objects, "Secret", source["secretRef"]["name"])
            environment.update(
                {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
            )
    for variable in spec.get("env", []):
        environment[variable["name"]] = variable["value"]
    return environment


def setting(objects: tuple[Manifest, ...], spec: Manifest, field: str) -> str:
    """The value a container's process reads for a settings field: its environment's,
    or the field's default."""
    variable = f"{paless_settings.ENV_PREFIX}{field.upper()}"
    environment = container_environment(objects, spec, secrets=False)
    if variable in environment:
        return environment[variable]
    (default,) = {
        str(cls.model_fields[field].default)
        for cls in settings_classes()
        if field in cls.model_fields
    }
    return default


def autoscaled(objects: tuple[Manifest, ...]) -> dict[str, Manifest]:
    """Deployment name -> the HorizontalPodAutoscaler or ScaledObject that sizes it."""
    owners: dict[str, Manifest] = {}
    for autoscaler in find(objects, "HorizontalPodAutoscaler") + find(objects, "ScaledObject"):
        target = autoscaler["spec"]["scaleTargetRef"]
        assert target.get("kind", "Deployment") == "Deployment"
        assert target["name"] not in owners, f"{target['name']} has two autoscalers"
        owners[target["name"]] = autoscaler
    return owners


def annotations(obj: Manifest) -> dict[str, str]:
    found: dict[str, str] = obj["metadata"].get("annotations") or {}
    return found


# --- rendering and schema ------------------------------------------------------------


def test_renders_every_part(objects: tuple[Manifest, ...]) -> None:
    rendered = {(obj["kind"], obj["metadata"]["name"]) for obj in objects}
    for kind, name in [
        ("Deployment", "paless-web"),
        ("Service", "paless-web"),
        ("HorizontalPodAutoscaler", "paless-web"),
        ("PodDisruptionBudget", "paless-web"),
        ("Deployment", "paless-worker"),
        ("PodDisruptionBudget", "paless-worker"),
        ("ScaledObject", "paless-worker"),
        ("Deployment", "paless-worker-ocr"),
        ("PodDisruptionBudget", "paless-worker-ocr"),
        ("ScaledObject", "paless-worker-ocr"),
        ("Deployment", "paless-scheduler"),
        ("Job", "paless-migrate"),
    ]:
        assert (kind, name) in rendered
    config_map(objects)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_is_valid_kubernetes(objects: tuple[Manifest, ...], version: str) -> None:
    problems = []
    for obj in objects:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            # Only custom resources have no schema in the validator; those are checked
            # by hand (test_scaled_object_is_well_formed).
            if obj["apiVersion"] != KEDA_API_VERSION:
                problems.append(f"{name}: the validator has no schema for it")
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(part) for part in exc.path)
            problems.append(f"{name}: {path}: {exc.message}")
    assert not problems, f"invalid for Kubernetes {version}:\n" + "\n".join(problems)


# Each KEDA-scaled worker pool and the queue its trigger reads (/metrics/queue?queue=).
SCALED_POOLS = {"paless-worker": ("worker", ""), "paless-worker-ocr": ("worker-ocr", "?queue=ocr")}


@pytest.mark.parametrize("name", sorted(SCALED_POOLS))
def test_scaled_object_is_well_formed(objects: tuple[Manifest, ...], name: str) -> None:
    scaled = one(objects, "ScaledObject", name)
    component, query = SCALED_POOLS[name]
    assert scaled["apiVersion"] == KEDA_API_VERSION
    spec = scaled["spec"]
    target = spec["scaleTargetRef"]
    assert target.get("kind", "Deployment") == "Deployment"
    worker = one(objects, "Deployment", target["name"])
    assert worker["metadata"]["labels"]["app.kubernetes.io/component"] == component
    assert set(spec) <= {
        "scaleTargetRef",
        "pollingInterval",
        "cooldownPeriod",
        "initialCooldownPeriod",
        "idleReplicaCount",
        "minReplicaCount",
        "maxReplicaCount",
        "fallback",
        "advanced",
        "triggers",
    }
    assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
    assert isinstance(spec["cooldownPeriod"], int)

    (trigger,) = spec["triggers"]
    assert trigger["type"] == "metrics-api"
    # Desired replicas = ceil(value / targetValue): the value is shared by the pool.
    assert trigger["metricType"] == "AverageValue"
    metadata = trigger["metadata"]
    # KEDA wants every trigger metadata value as a string.
    assert all(isinstance(value, str) for value in metadata.values())
    assert metadata["valueLocation"] == "queue_depth"
    assert float(metadata["targetValue"]) > 0
    assert metadata["url"].startswith("http://paless-web.")
    assert metadata["url"].endswith(f".svc/metrics/queue{query}")


def test_every_scaled_object_is_checked(objects: tuple[Manifest, ...]) -> None:
    assert {scaled["metadata"]["name"] for scaled in find(objects, "ScaledObject")} == set(
        SCALED_POOLS
    )


def test_keda_reads_the_web_service_in_the_overlay_namespace(
    overlay: tuple[Manifest, ...],
) -> None:
    service = one(overlay, "Service", "paless-web")
    (port,) = service["spec"]["ports"]
    assert port["port"] == 80
    namespace = service["metadata"]["namespace"]
    for name, (_, query) in SCALED_POOLS.items():
        scaled = one(overlay, "ScaledObject", name)
        assert scaled["metadata"]["namespace"] == namespace == "paless"
        (trigger,) = scaled["spec"]["triggers"]
        assert trigger["metadata"]["url"] == (
            f"http://paless-web.{namespace}.svc/metrics/queue{query}"
        )


# --- stateless: no persistent storage ------------------------------------------------


def test_no_persistent_storage(objects: tuple[Manifest, ...]) -> None:
    assert not find(objects, "PersistentVolumeClaim")
    assert not find(objects, "PersistentVolume")
    assert not find(objects, "StatefulSet")
    for workload, template in pod_templates(objects):
        for volume in template["spec"].get("volumes", []):
            where = f"{workload['metadata']['name']}: volume {volume['name']}"
            assert "persistentVolumeClaim" not in volume, where
            assert "hostPath" not in volume, where
            assert "ephemeral" not in volume, where  # a PVC by another name
            if "emptyDir" in volume:
                assert "sizeLimit" in volume["emptyDir"], f"{where} has no sizeLimit"


# --- each tier -----------------------------------------------------------------------


def test_scheduler_is_one_replica_replaced_not_rolled(objects: tuple[Manifest, ...]) -> None:
    scheduler = one(objects, "Deployment", "paless-scheduler")
    assert scheduler["spec"]["replicas"] == 1
    assert scheduler["spec"]["strategy"] == {"type": "Recreate"}
    probe = container(objects, "paless-scheduler")["livenessProbe"]
    assert probe["exec"]["command"] == ["paless-scheduler", "--check"]
    # No autoscaler may touch it.
    for autoscaler in find(objects, "HorizontalPodAutoscaler") + find(objects, "ScaledObject"):
        assert autoscaler["spec"]["scaleTargetRef"]["name"] != "paless-scheduler"


def test_web_has_health_probes(objects: tuple[Manifest, ...]) -> None:
    spec = container(objects, "paless-web")
    ports = {port["name"]: port["containerPort"] for port in spec["ports"]}
    assert ports["http"] == 8000
    assert spec["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert spec["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe"):
        assert spec[probe]["httpGet"]["port"] in ("http", 8000)
    env = {variable["name"]: variable["value"] for variable in spec["env"]}
    assert env["PALESS_WEB_HOST"] == "0.0.0.0"  # noqa: S104 - it must answer the kubelet
    assert env.get("PALESS_WEB_PORT", "8000") == "8000"


def test_web_believes_x_forwarded_for_from_the_ingress(objects: tuple[Manifest, ...]) -> None:
    """Behind an ingress every request comes from an ingress pod: unless web believes
    its X-Forwarded-For, every client shares one address, and one attacker's failed
    logins lock everyone out."""
    spec = container(objects, "paless-web")
    env = {variable["name"]: variable["value"] for variable in spec["env"]}
    trusted = env.get("PALESS_WEB_FORWARDED_ALLOW_IPS", "")
    networks = [ipaddress.ip_network(item.strip()) for item in trusted.split(",") if item]
    for pod_address in ("10.244.1.17", "172.20.3.4", "192.168.5.6"):
        assert any(ipaddress.ip_address(pod_address) in net for net in networks), trusted
    assert not any(net.prefixlen == 0 for net in networks), "never believe any address"


def test_web_grace_period_covers_prestop_and_uvicorn_shutdown(
    objects: tuple[Manifest, ...],
) -> None:
    uvicorn_graceful_shutdown = 30  # timeout_graceful_shutdown in paless_web.main
    pod_spec = one(objects, "Deployment", "paless-web")["spec"]["template"]["spec"]
    pre_stop = container(objects, "paless-web").get("lifecycle", {}).get("preStop", {})
    pause = pre_stop.get("sleep", {}).get("seconds", 0)
    grace = pod_spec["terminationGracePeriodSeconds"]
    assert grace > pause + uvicorn_graceful_shutdown


def test_web_spreads_over_nodes(objects: tuple[Manifest, ...]) -> None:
    pod_spec = one(objects, "Deployment", "paless-web")["spec"]["template"]["spec"]
    labels = one(objects, "Deployment", "paless-web")["spec"]["template"]["metadata"]["labels"]
    constraints = pod_spec.get("topologySpreadConstraints", [])
    anti_affinity = pod_spec.get("affinity", {}).get("podAntiAffinity")
    assert constraints or anti_affinity
    for constraint in constraints:
        assert matches(constraint["labelSelector"], labels)


def test_a_scale_down_lets_every_running_job_finish(objects: tuple[Manifest, ...]) -> None:
    """On SIGTERM a worker starts no job and gives the running ones its shutdown grace;
    each started before the signal and runs at most the job timeout, so a grace at
    least that long lets it finish. The kubelet's SIGKILL must come after the grace."""
    margin = 15  # closing connections and the process pool after the last job
    for name, autoscaler in autoscaled(objects).items():
        if autoscaler["kind"] != "ScaledObject":
            continue
        pod_spec = one(objects, "Deployment", name)["spec"]["template"]["spec"]
        (spec,) = pod_spec["containers"]
        timeout = int(setting(objects, spec, "worker_job_timeout_seconds"))
        grace = int(setting(objects, spec, "worker_shutdown_grace_seconds"))
        assert timeout <= grace, f"{name}: a job may outlast the shutdown grace"
        assert pod_spec["terminationGracePeriodSeconds"] >= grace + margin, name


def test_worker_probe_metrics_and_scratch_space(objects: tuple[Manifest, ...]) -> None:
    spec = container(objects, "paless-worker")
    probe = spec["livenessProbe"]
    assert probe["exec"]["command"] == ["paless-worker", "--check"]
    assert probe["periodSeconds"] == 60
    assert probe["failureThreshold"] == 3
    metrics_port = int(config_map(objects)["data"]["PALESS_WORKER_METRICS_PORT"])
    assert metrics_port in {port["containerPort"] for port in spec["ports"]}
    assert {mount["mountPath"] for mount in spec["volumeMounts"]} >= {"/tmp"}


def test_prometheus_scrapes_each_process_on_its_metrics_port(
    objects: tuple[Manifest, ...],
) -> None:
    for name in ("paless-web", "paless-worker", "paless-scheduler"):
        template = one(objects, "Deployment", name)["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/path"] == "/metrics"
        ports = {port["containerPort"] for port in container(objects, name)["ports"]}
        assert int(annotations["prometheus.io/port"]) in ports


def test_migrate_job_runs_paless_migrate(objects: tuple[Manifest, ...]) -> None:
    job = one(objects, "Job", "paless-migrate")
    assert job["spec"]["backoffLimit"] >= 1
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    pod_spec = job["spec"]["template"]["spec"]
    assert pod_spec["restartPolicy"] in {"Never", "OnFailure"}
    (spec,) = pod_spec["containers"]
    assert spec["command"] == ["paless", "migrate"]
    # Same image (and so the same code and migrations) as the worker it precedes.
    assert spec["image"] == container(objects, "paless-worker")["image"]


# --- every pod -----------------------------------------------------------------------


def test_every_container_has_requests_and_limits(objects: tuple[Manifest, ...]) -> None:
    for workload, template in pod_templates(objects):
        for spec in containers(template["spec"]):
            where = f"{workload['metadata']['name']}/{spec['name']}"
            resources = spec.get("resources", {})
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(kind, {})), f"{where}: {kind}"
                for resource in ("cpu", "memory"):
                    assert quantity(resources["requests"][resource]) <= quantity(
                        resources["limits"][resource]
                    ), f"{where}: {resource} request above its limit"


@pytest.mark.parametrize(
    ("deployment", "requests", "limits"),
    [
        ("paless-web", ("250m", "512Mi"), ("1", "2Gi")),
        ("paless-worker", ("500m", "1Gi"), ("2", "4Gi")),
        ("paless-scheduler", ("100m", "256Mi"), ("250m", "512Mi")),
    ],
)
def test_resources_follow_the_sizing(
    objects: tuple[Manifest, ...],
    deployment: str,
    requests: tuple[str, str],
    limits: tuple[str, str],
) -> None:
    resources = container(objects, deployment)["resources"]
    for kind, (cpu, memory) in (("requests", requests), ("limits", limits)):
        assert quantity(resources[kind]["cpu"]) == quantity(cpu)
        assert quantity(resources[kind]["memory"]) == quantity(memory)


def test_every_container_runs_as_non_root_and_locked_down(objects: tuple[Manifest, ...]) -> None:
    """Non-root everywhere, and the rest of the "restricted" Pod Security Standard the
    example namespace enforces."""
    for workload, template in pod_templates(objects):
        pod_spec = template["spec"]
        pod_security = pod_spec.get("securityContext", {})
        assert pod_security.get("seccompProfile", {}).get("type") == "RuntimeDefault"
        for spec in containers(pod_spec):
            where = f"{workload['metadata']['name']}/{spec['name']}"
            security = {**pod_security, **spec.get("securityContext", {})}
            assert security.get("runAsNonRoot") is True, f"{where} may run as root"
            assert security.get("runAsUser", 1) != 0, f"{where} runs as uid 0"
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert security.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not security.get("privileged", False), where


def test_service_links_are_off(objects: tuple[Manifest, ...]) -> None:
    """Kubernetes would inject PALESS_WEB_PORT=tcp://... for the paless-web Service, a
    name our settings read (and fail to parse as a port)."""
    for workload, template in pod_templates(objects):
        assert template["spec"].get("enableServiceLinks") is False, workload["metadata"]["name"]


# --- wiring between objects ----------------------------------------------------------


def test_labels(objects: tuple[Manifest, ...]) -> None:
    components = {"web", "worker", "worker-ocr", "scheduler", "migrate"}
    for workload, template in pod_templates(objects):
        labels = template["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "paless"
        assert labels["app.kubernetes.io/component"] in components
        workload_labels = workload["metadata"]["labels"]
        assert (
            workload_labels["app.kubernetes.io/component"] == labels["app.kubernetes.io/component"]
        )
        selector = workload["spec"].get("selector")
        if selector and workload["kind"] != "Job":
            assert matches(selector, labels)
    for obj in objects:
        assert obj["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "paless", (
            f"{obj['kind']}/{obj['metadata']['name']} lacks app.kubernetes.io/name"
        )


def test_hpa_targets_the_web_deployment(objects: tuple[Manifest, ...]) -> None:
    (hpa,) = find(objects, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment")
    web = one(objects, "Deployment", target["name"])
    assert web["metadata"]["labels"]["app.kubernetes.io/component"] == "web"
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["averageUtilization"] == 70
    # Utilization is relative to the request: the pods must have one.
    assert "cpu" in container(objects, target["name"])["resources"]["requests"]


def test_disruption_budgets_select_existing_pods(objects: tuple[Manifest, ...]) -> None:
    budgets = {pdb["metadata"]["name"]: pdb for pdb in find(objects, "PodDisruptionBudget")}
    assert budgets["paless-web"]["spec"]["minAvailable"] == 1
    assert budgets["paless-worker"]["spec"]["maxUnavailable"] == 1
    all_pods = pod_labels(objects)
    for name, pdb in budgets.items():
        selected = [labels for labels in all_pods if matches(pdb["spec"]["selector"], labels)]
        assert selected, f"PodDisruptionBudget {name} selects no pod"
        deployment = one(objects, "Deployment", name)
        assert selected == [deployment["spec"]["template"]["metadata"]["labels"]]


def test_web_service_reaches_the_web_pods(objects: tuple[Manifest, ...]) -> None:
    service = one(objects, "Service", "paless-web")
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    selected = [
        labels
        for labels in pod_labels(objects)
        if matches({"matchLabels": service["spec"]["selector"]}, labels)
    ]
    web = one(objects, "Deployment", "paless-web")["spec"]["template"]["metadata"]["labels"]
    assert selected == [web]
    (port,) = service["spec"]["ports"]
    names = {p["name"]: p["containerPort"] for p in container(objects, "paless-web")["ports"]}
    target_port = port["targetPort"]
    assert (names.get(target_port) if isinstance(target_port, str) else target_port) == 8000


def test_config_and_secret_references_resolve(objects: tuple[Manifest, ...], target: str) -> None:
    present = {(obj["kind"], obj["metadata"]["name"]) for obj in objects}
    for workload, template in pod_templates(objects):
        for spec in containers(template["spec"]):
            sources = spec.get("envFrom", [])
            kinds = {kind for source in sources for kind in source}
            assert kinds == {"configMapRef", "secretRef"}, workload["metadata"]["name"]
            for source in sources:
                if "configMapRef" in source:
                    assert ("ConfigMap", source["configMapRef"]["name"]) in present
                else:
                    name = source["secretRef"]["name"]
                    if target == BASE:
                        # The base only references the Secret; overlays provide it.
                        assert name == "paless-secrets"
                    else:
                        assert ("Secret", name) in present


def test_every_setting_named_is_one_the_code_reads(objects: tuple[Manifest, ...]) -> None:
    known = known_variables()
    names = set(config_map(objects)["data"])
    for secret in find(objects, "Secret"):
        names |= set(secret.get("data", {}))
    for _, template in pod_templates(objects):
        for spec in containers(template["spec"]):
            names |= {variable["name"] for variable in spec.get("env", [])}
    assert names, "no settings found"
    assert all(name.startswith(paless_settings.ENV_PREFIX) for name in names)
    assert names <= known, f"unknown settings: {sorted(names - known)}"


def refusals(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each settings class says when loaded in exactly this environment."""
    for variable in list(os.environ):
        if variable.startswith(paless_settings.ENV_PREFIX):
            monkeypatch.delenv(variable)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    problems = []
    for cls in settings_classes():
        try:
            paless_settings.load(cls)
        except paless_settings.ConfigurationError as exc:
            problems.append(str(exc))
    return problems


def test_the_example_placeholders_keep_every_service_from_starting(
    overlay: tuple[Manifest, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An overlay copied without filling in the Secret fails at startup, naming each
    variable, rather than trying CHANGE-ME as a password."""
    for workload, template in pod_templates(overlay):
        for spec in containers(template["spec"]):
            problems = " ".join(refusals(container_environment(overlay, spec), monkeypatch))
            where = f"{workload['metadata']['name']}/{spec['name']}"
            for variable in (
                "PALESS_DATABASE_URL",
                "PALESS_REDIS_URL",
                "PALESS_S3_ACCESS_KEY_ID",
                "PALESS_S3_SECRET_ACCESS_KEY",
            ):
                assert f"{variable}: contains a placeholder" in problems or (
                    f"{variable}: is a placeholder" in problems
                ), f"{where}: {variable} not refused: {problems}"


def test_overlay_environment_satisfies_every_service_once_filled_in(
    overlay: tuple[Manifest, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each container's settings load as the service would load them at startup, once
    the placeholders are replaced by real values."""
    for workload, template in pod_templates(overlay):
        for spec in containers(template["spec"]):
            environment = {
                variable: re.sub(r"CHANGE-ME[\w-]*", "q8Vd2mX7pL4zR9tKw3", value)
                for variable, value in container_environment(overlay, spec).items()
            }
            problems = refusals(environment, monkeypatch)
            assert not problems, f"{workload['metadata']['name']}/{spec['name']}: {problems}"


def test_overlay_secrets_are_marked_placeholders(overlay: tuple[Manifest, ...]) -> None:
    (secret,) = find(overlay, "Secret")
    assert set(secret["data"]) == {
        "PALESS_DATABASE_URL",
        "PALESS_REDIS_URL",
        "PALESS_S3_ACCESS_KEY_ID",
        "PALESS_S3_SECRET_ACCESS_KEY",
    }
    for key, value in secret["data"].items():
        assert "CHANGE-ME" in base64.b64decode(value).decode(), f"{key} is not a placeholder"


def test_overlay_sets_namespace_and_images(overlay: tuple[Manifest, ...]) -> None:
    (namespace,) = find(overlay, "Namespace")
    assert namespace["metadata"]["name"] == "paless"
    for obj in overlay:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "paless", obj["metadata"]["name"]
    for _, template in pod_templates(overlay):
        for spec in containers(template["spec"]):
            image = spec["image"]
            repository, _, tag = image.rpartition(":")
            assert "/" in repository, f"{image}: no registry"
            assert tag and "/" not in tag and tag != "latest", f"{image}: no pinned tag"


# --- autoscaling ---------------------------------------------------------------------


def test_autoscaled_deployments_leave_the_replica_count_to_the_autoscaler(
    objects: tuple[Manifest, ...],
) -> None:
    """A `replicas` in the manifest is set again by every `kubectl apply`: a worker pool
    KEDA grew to 15 would drop to the manifest's count (SIGTERM to busy workers) until
    KEDA scaled it back."""
    owners = autoscaled(objects)
    assert set(owners) == {"paless-web", "paless-worker", "paless-worker-ocr"}
    for name in owners:
        assert "replicas" not in one(objects, "Deployment", name)["spec"], name
    # No autoscaler owns the scheduler: it says how many it wants.
    assert one(objects, "Deployment", "paless-scheduler")["spec"]["replicas"] == 1


def test_keda_aims_at_one_worker_per_concurrency_jobs_in_hand(
    objects: tuple[Manifest, ...],
) -> None:
    """/metrics/queue counts jobs waiting or running; a worker runs
    PALESS_WORKER_CONCURRENCY at once, so that is the target per worker."""
    for scaled in find(objects, "ScaledObject"):
        deployment = one(objects, "Deployment", scaled["spec"]["scaleTargetRef"]["name"])
        (spec,) = deployment["spec"]["template"]["spec"]["containers"]
        concurrency = setting(objects, spec, "worker_concurrency")
        for trigger in scaled["spec"]["triggers"]:
            assert trigger["metricType"] == "AverageValue"
            assert trigger["metadata"]["targetValue"] == concurrency


def test_an_overlay_changing_the_concurrency_moves_the_keda_target(tmp_path: Path) -> None:
    """The example overlay's replacement keeps KEDA's target in step with the setting."""
    copy = tmp_path / "overlay"
    shutil.copytree(K8S / OVERLAY, copy)
    kustomization = copy / "kustomization.yaml"
    text = kustomization.read_text()
    # kustomize refuses an absolute path to a base.
    text = text.replace("../../base", os.path.relpath(K8S / BASE, copy))
    text = text.replace(
        "      - PALESS_S3_REGION=eu-west-1",
        "      - PALESS_S3_REGION=eu-west-1\n      - PALESS_WORKER_CONCURRENCY=7",
    )
    kustomization.write_text(text)
    rendered = _render(str(copy))

    assert config_map(rendered)["data"]["PALESS_WORKER_CONCURRENCY"] == "7"
    scaled = one(rendered, "ScaledObject", "paless-worker")
    assert [trigger["metadata"]["targetValue"] for trigger in scaled["spec"]["triggers"]] == ["7"]
    # The OCR pool sets its own concurrency on its container, and keeps it.
    ocr = one(rendered, "ScaledObject", "paless-worker-ocr")
    assert [trigger["metadata"]["targetValue"] for trigger in ocr["spec"]["triggers"]] == ["2"]


def test_disruption_budgets_do_not_stall_drains_during_an_outage(
    objects: tuple[Manifest, ...],
) -> None:
    """Web readiness follows Postgres, Redis and S3: during an outage no pod is ready,
    and a budget that protects unready pods would block every node drain."""
    budgets = find(objects, "PodDisruptionBudget")
    assert budgets
    for pdb in budgets:
        assert pdb["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow", pdb["metadata"]["name"]


def test_scratch_space_is_reserved_and_bounded(objects: tuple[Manifest, ...]) -> None:
    """An emptyDir is node disk: requested (so the scheduler reserves it and a busy pod
    is not the first evicted under disk pressure) and limited (so no pod fills the
    node), with room for the container's logs above the volume."""
    logs = 64 * 2**20
    for workload, template in pod_templates(objects):
        pod_spec = template["spec"]
        name = workload["metadata"]["name"]
        scratch = sum(
            quantity(volume["emptyDir"]["sizeLimit"])
            for volume in pod_spec.get("volumes", [])
            if "emptyDir" in volume
        )
        requested = limited = 0.0
        for spec in containers(pod_spec):
            resources = spec["resources"]
            assert "ephemeral-storage" in resources["requests"], f"{name}/{spec['name']}"
            assert "ephemeral-storage" in resources["limits"], f"{name}/{spec['name']}"
            requested += quantity(resources["requests"]["ephemeral-storage"])
            limited += quantity(resources["limits"]["ephemeral-storage"])
        assert requested >= scratch, f"{name}: scratch space not reserved"
        assert limited >= scratch + logs, f"{name}: no room for logs above the scratch space"


def test_the_worker_reserves_its_two_gibibytes_of_scratch(objects: tuple[Manifest, ...]) -> None:
    resources = container(objects, "paless-worker")["resources"]
    assert quantity(resources["requests"]["ephemeral-storage"]) >= 2 * 2**30


# --- order of a release: config, migrations, workloads --------------------------------

ARGO_HOOK = "argocd.argoproj.io/hook"
ARGO_WAVE = "argocd.argoproj.io/sync-wave"


def wave(obj: Manifest) -> int:
    return int(annotations(obj).get(ARGO_WAVE, "0"))


def test_argo_cd_creates_the_config_then_migrates_then_rolls_out(
    objects: tuple[Manifest, ...],
) -> None:
    """A PreSync hook runs before Argo CD creates anything of the Sync phase, including
    the hashed ConfigMap the Job reads: on a first install or after a settings change
    it could not start. So: config first (an earlier wave), the Job as a Sync hook
    (Argo CD waits for it), the workloads after."""
    job = one(objects, "Job", "paless-migrate")
    assert annotations(job)[ARGO_HOOK] == "Sync"
    assert annotations(job)["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    (spec,) = job["spec"]["template"]["spec"]["containers"]
    read = {
        ("ConfigMap" if "configMapRef" in source else "Secret", reference["name"])
        for source in spec["envFrom"]
        for reference in source.values()
    }
    before = {"Namespace", "NetworkPolicy"}
    for obj in objects:
        key = (obj["kind"], obj["metadata"]["name"])
        if obj is job:
            continue
        if key in read or obj["kind"] in before:
            assert wave(obj) < wave(job), f"{key} must exist before the migrate Job runs"
        else:
            assert wave(obj) > wave(job), f"{key} must wait for the migrations"
            assert ARGO_HOOK not in annotations(obj), key
    assert ("ConfigMap", config_map(objects)["metadata"]["name"]) in read


def test_the_kubectl_steps_select_the_config_before_the_job(
    overlay: tuple[Manifest, ...],
) -> None:
    """docs/deployment.md applies `component in (namespace,config,network-policy)` first,
    then `component=migrate`: every object the Job needs is in the first selection."""
    first = {"namespace", "config", "network-policy"}
    guide = (REPO_ROOT / "docs" / "deployment.md").read_text()
    assert "-l 'app.kubernetes.io/component in (namespace,config,network-policy)'" in guide
    assert "-l app.kubernetes.io/component=migrate" in guide
    for obj in overlay:
        component = obj["metadata"]["labels"]["app.kubernetes.io/component"]
        if obj["kind"] in {"Namespace", "ConfigMap", "Secret", "NetworkPolicy"}:
            assert component in first, (obj["kind"], obj["metadata"]["name"])
        elif obj["kind"] == "Job":
            assert component == "migrate"
        else:
            assert component not in first | {"migrate"}, (obj["kind"], obj["metadata"]["name"])


# --- NetworkPolicy -------------------------------------------------------------------
# A small model of how Kubernetes applies NetworkPolicies, to check that the example's
# policies select the pods they mean and allow exactly the connections paless needs.


def namespace(name: str) -> dict[str, str]:
    return {"kubernetes.io/metadata.name": name}


@dataclasses.dataclass(frozen=True)
class Peer:
    """The other end of a connection: a pod (namespace and pod labels) or an address
    outside the cluster."""

    namespace_labels: dict[str, str] | None = None
    pod_labels: dict[str, str] | None = None
    address: str | None = None


def _peer_matches(entries: list[Manifest] | None, own_namespace: str, peer: Peer) -> bool:
    if not entries:  # no from/to: any peer
        return True
    for entry in entries:
        if "ipBlock" in entry:
            if peer.address is None:
                continue
            address = ipaddress.ip_address(peer.address)
            block = entry["ipBlock"]
            if address in ipaddress.ip_network(block["cidr"]) and not any(
                address in ipaddress.ip_network(excepted) for excepted in block.get("except", [])
            ):
                return True
            continue
        if peer.namespace_labels is None or peer.pod_labels is None:
            continue
        if "namespaceSelector" in entry:
            in_namespace = matches(entry["namespaceSelector"], peer.namespace_labels)
        else:
            in_namespace = peer.namespace_labels == namespace(own_namespace)
        if in_namespace and matches(entry.get("podSelector", {}), peer.pod_labels):
            return True
    return False


def _port_matches(ports: list[Manifest] | None, port: int, protocol: str) -> bool:
    if not ports:
        return True
    for entry in ports:
        if entry.get("protocol", "TCP") != protocol:
            continue
        if "port" not in entry:
            return True
        assert isinstance(entry["port"], int), "the model knows numbered ports only"
        if entry["port"] <= port <= entry.get("endPort", entry["port"]):
            return True
    return False


def allowed(
    objects: tuple[Manifest, ...],
    direction: str,
    pod: Manifest,
    peer: Peer,
    port: int,
    protocol: str = "TCP",
) -> bool:
    """Whether `pod` (a workload's pod template, in the overlay's namespace) may receive
    (direction "Ingress") or open ("Egress") this connection."""
    own_namespace = pod["metadata"]["namespace"]
    labels = pod["spec"]["template"]["metadata"]["labels"]
    policies = [
        policy
        for policy in find(objects, "NetworkPolicy")
        if policy["metadata"]["namespace"] == own_namespace
        and direction in policy["spec"].get("policyTypes", ["Ingress"])
        and matches(policy["spec"]["podSelector"], labels)
    ]
    if not policies:
        return True  # not isolated
    key, peers = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    return any(
        _peer_matches(rule.get(peers), own_namespace, peer)
        and _port_matches(rule.get("ports"), port, protocol)
        for policy in policies
        for rule in policy["spec"].get(key, [])
    )


def workloads(objects: tuple[Manifest, ...]) -> dict[str, Manifest]:
    """component -> the workload running its pods."""
    return {
        workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]: workload
        for workload, _ in pod_templates(objects)
    }


def pod_peer(workload: Manifest) -> Peer:
    return Peer(
        namespace(workload["metadata"]["namespace"]),
        workload["spec"]["template"]["metadata"]["labels"],
    )


def metrics_port(workload: Manifest) -> int:
    return int(workload["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"])


# The example's other namespaces and backends (network-policy.yaml), and an address
# in each backend's block.
INGRESS_CONTROLLER = Peer(namespace("ingress-nginx"), {"app": "ingress-nginx"})
KEDA = Peer(namespace("keda"), {"app": "keda-operator"})
PROMETHEUS = Peer(namespace("monitoring"), {"app": "prometheus"})
ELSEWHERE = Peer(namespace("default"), {"app": "curious"})
KUBE_DNS = Peer(namespace("kube-system"), {"k8s-app": "kube-dns"})
BACKENDS = {
    "postgres": (Peer(address="10.10.1.20"), 5432),
    "redis": (Peer(address="10.10.2.20"), 6379),
    "s3": (Peer(address="52.216.8.11"), 443),
}
USES = {
    "web": {"postgres", "redis", "s3"},
    "worker": {"postgres", "redis", "s3"},
    "worker-ocr": {"postgres", "redis", "s3"},
    "scheduler": {"redis"},
    "migrate": {"postgres", "s3"},
}


def test_network_policies_are_off_in_the_base() -> None:
    assert not find(_render(BASE), "NetworkPolicy")


def test_every_network_policy_selects_paless_pods(overlay: tuple[Manifest, ...]) -> None:
    policies = find(overlay, "NetworkPolicy")
    assert policies
    labels = pod_labels(overlay)
    for policy in policies:
        selected = [pod for pod in labels if matches(policy["spec"]["podSelector"], pod)]
        assert selected, f"{policy['metadata']['name']} selects no pod"
        assert all(pod["app.kubernetes.io/name"] == "paless" for pod in selected)


def test_every_pod_is_isolated_both_ways(overlay: tuple[Manifest, ...]) -> None:
    pods = workloads(overlay)
    assert set(pods) == set(USES)
    for component, pod in pods.items():
        for peer in (ELSEWHERE, INGRESS_CONTROLLER, KEDA):
            if component != "web":
                assert not allowed(overlay, "Ingress", pod, peer, 8000), (component, peer)
        assert not allowed(overlay, "Ingress", pod, ELSEWHERE, 8000), component
        assert not allowed(overlay, "Egress", pod, Peer(address="203.0.113.9"), 80), component
        assert not allowed(overlay, "Egress", pod, Peer(address="8.8.8.8"), 53, "UDP"), component


def test_the_web_answers_the_ingress_controller_and_keda(overlay: tuple[Manifest, ...]) -> None:
    pods = workloads(overlay)
    web = pods["web"]
    assert allowed(overlay, "Ingress", web, INGRESS_CONTROLLER, 8000)
    assert allowed(overlay, "Ingress", web, KEDA, 8000)  # GET /metrics/queue
    assert not allowed(overlay, "Ingress", web, KEDA, 9100)
    # Nothing else, not even the other paless pods.
    for component in ("worker", "worker-ocr", "scheduler", "migrate"):
        assert not allowed(overlay, "Ingress", web, pod_peer(pods[component]), 8000), component
        assert not allowed(overlay, "Egress", pods[component], pod_peer(web), 8000), component


def test_prometheus_scrapes_every_metrics_port(overlay: tuple[Manifest, ...]) -> None:
    pods = workloads(overlay)
    for component in ("web", "worker", "worker-ocr", "scheduler"):
        assert allowed(
            overlay, "Ingress", pods[component], PROMETHEUS, metrics_port(pods[component])
        )


def test_each_pod_reaches_the_dns_and_only_the_backends_it_uses(
    overlay: tuple[Manifest, ...],
) -> None:
    for component, pod in workloads(overlay).items():
        assert allowed(overlay, "Egress", pod, KUBE_DNS, 53, "UDP"), component
        assert allowed(overlay, "Egress", pod, KUBE_DNS, 53, "TCP"), component
        for backend, (address, port) in BACKENDS.items():
            expected = backend in USES[component]
            assert allowed(overlay, "Egress", pod, address, port) is expected, (component, backend)
