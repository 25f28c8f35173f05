"""The compose files and the image's build context, without a Docker engine: `docker-compose config`
validates both files, and the build context the Dockerfile's build stage copies (the repository root,
filtered by `.dockerignore` with Docker's rules) is assembled in a temporary directory where
`swift package describe` must load the package (it fails when a target's sources are missing)."""

import fnmatch
import json
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT

COMPOSE = ROOT / "compose"


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.kafka.yml"])
def test_docker_compose_validates_the_file(name):
    run = subprocess.run(["docker-compose", "-f", str(COMPOSE / name), "config"], capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr.decode()
    text = run.stdout.decode()
    assert "image: souk:latest" in text and "dockerfile: compose/Dockerfile" in text


def test_the_roles_share_a_data_volume_and_the_dashboard_is_on_5000():
    config = subprocess.run(["docker-compose", "-f", str(COMPOSE / "docker-compose.yml"), "config"],
                            capture_output=True, timeout=60, check=True).stdout.decode()
    for role in ["broker:", "producer:", "stream:", "web:", "demo:"]:
        assert f"\n  {role}\n" in config, role
    assert "127.0.0.1:5000" in config or "published: 5000" in config
    assert config.count("healthcheck:") >= 3


def test_the_kafka_file_runs_two_replicas_in_one_group_and_one_dashboard_over_both():
    import yaml

    config = yaml.safe_load(subprocess.run(
        ["docker-compose", "-f", str(COMPOSE / "docker-compose.kafka.yml"), "config"], capture_output=True,
        timeout=60, check=True).stdout)
    services = config["services"]
    streams = {name: service for name, service in services.items() if name.startswith("stream")}
    assert len(streams) == 2
    volumes = {}
    for name, service in streams.items():
        command = service["command"]
        assert command[command.index("--group") + 1] == "souk" and "kafka:9092" in command
        [volume] = [str(v) for v in service["volumes"]]
        volumes[name] = volume.split(":")[0]
    assert len(set(volumes.values())) == 2, "each replica has its own volume"
    web = services["web"]
    assert sum(1 for part in web["command"] if part == "--data-dir") == 2
    mounted = " ".join(str(v) for v in web["volumes"])
    assert all(volume in mounted for volume in volumes.values()), mounted


def ignored(path: str, patterns) -> bool:
    """Docker's `.dockerignore` rule: the last pattern matching the path or one of its parent directories
    decides; `!` re-includes."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            verdict = not negate
    return verdict


def build_context(destination: pathlib.Path):
    """Copies what the build stage of compose/Dockerfile copies, from the context the compose file names."""
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    context = destination / "context"
    for directory, _, names in os.walk(ROOT):
        relative_directory = os.path.relpath(directory, ROOT)
        if relative_directory.split(os.sep)[0] in (".git", ".build", ".venv", ".venv-bench"):
            continue
        for name in names:
            relative = os.path.normpath(os.path.join(relative_directory, name))
            if not ignored(relative, patterns):
                target = context / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(os.path.join(directory, name), target)
    work = destination / "src"
    work.mkdir()
    stage = (COMPOSE / "Dockerfile").read_text().split("\nFROM ")[1]  # the build stage
    copies = [line.split()[1:] for line in stage.splitlines() if line.startswith("COPY ") and "--from" not in line]
    assert copies, "the build stage copies the sources"
    for source, target in copies:
        origin = context / source
        assert origin.exists(), f"{source} is not in the build context (.dockerignore)"
        if origin.is_dir():
            shutil.copytree(origin, work / target)
        else:
            shutil.copy2(origin, work / target)
    return context, work


def test_the_image_build_context_holds_a_package_swift_can_load(tmp_path):
    context, work = build_context(tmp_path)
    assert not (context / ".build").exists() and not (context / "Tests" / "Interop").exists()
    run = subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=work, capture_output=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr.decode()
    package = json.loads(run.stdout)
    assert "souk" in [product["name"] for product in package["products"]]


def test_a_context_without_the_test_targets_fails_to_load_as_the_old_dockerfile_did(tmp_path):
    """The check above can fail: the same package without Tests/ is refused."""
    _, work = build_context(tmp_path)
    shutil.rmtree(work / "Tests")
    run = subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=work, capture_output=True,
                         timeout=300)
    assert run.returncode != 0 and b"Tests/" in run.stderr
