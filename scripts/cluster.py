"""`make cluster`: the production topology on this machine, from the files in deploy/.

supervisord (deploy/supervisord.conf) runs HAProxy (deploy/haproxy.cfg), two app instances
(gunicorn with gunicorn.conf.py), two Rasa replicas (bot/endpoints.production.yml: Redis
tracker and lock stores) and two action servers; the machine's PostgreSQL holds the app's
database and the machine's Redis the engine's trackers and locks. Settings: deploy/cluster.env;
secrets are generated once into the run folder (instance/cluster/).

    python -m scripts.cluster up      # start (or find running) and wait until ready
    python -m scripts.cluster status
    python -m scripts.cluster down
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from webhooks.config import REPO_ROOT
from webhooks.crypto import generate_key, generate_secret

DEPLOY = REPO_ROOT / "deploy"
VENV = Path(sys.executable).parent.parent
SECRETS = (
    "SECRET_KEY",
    "HOTLINE_HASH_KEY",
    "HOTLINE_ENGINE_TOKEN",
    "TWILIO_AUTH_TOKEN",
    "HOTLINE_METRICS_TOKEN",
)


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


@dataclass
class Cluster:
    run_dir: Path = REPO_ROOT / "instance" / "cluster"
    # Values that replace deploy/cluster.env's (tests: free ports, their own database).
    overrides: dict[str, str] = field(default_factory=dict)

    def secrets(self) -> dict[str, str]:
        path = self.run_dir / "secrets.json"
        if not path.exists():
            self.run_dir.mkdir(parents=True, exist_ok=True)
            values = {key: generate_secret() for key in SECRETS}
            values["HOTLINE_ENCRYPTION_KEYS"] = generate_key()
            path.write_text(json.dumps(values))
            path.chmod(0o600)
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded

    def settings(self) -> dict[str, str]:
        values = read_env_file(DEPLOY / "cluster.env")
        values.update(self.secrets())
        values.update(
            HOTLINE_REPO=str(REPO_ROOT),
            HOTLINE_VENV=str(VENV),
            HOTLINE_RASA_VENV=str(REPO_ROOT / ".venv-rasa"),
            HOTLINE_RUN_DIR=str(self.run_dir),
        )
        values.update(self.overrides)
        return values

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS_")}
        env.update(self.settings())
        env.update(PYTHONUNBUFFERED="1")
        return env

    def url(self, key: str) -> str:
        return "http://" + self.settings()[key]

    # -- lifecycle ---------------------------------------------------------------------------

    def prepare(self) -> None:
        """The database (created when missing), migrated and seeded; the log folder."""
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        env = self.environment()
        url = env["DATABASE_URL"]
        if url.startswith("postgresql://"):
            name = url.rsplit("/", 1)[1]
            server = url.rsplit("/", 1)[0] + "/postgres"
            exists = subprocess.run(
                ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            if exists != "1":
                subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)
        flask = [str(VENV / "bin" / "flask"), "--app", "webhooks"]
        for command in (["db", "upgrade"], ["seed-resources"]):
            subprocess.run(flask + command, env=env, cwd=REPO_ROOT, check=True, capture_output=True)

    def running(self) -> bool:
        pidfile = self.run_dir / "supervisord.pid"
        try:
            os.kill(int(pidfile.read_text()), 0)
            return True
        except (OSError, ValueError):
            return False

    def up(self, timeout: float = 400) -> None:
        if not shutil.which("haproxy") and not Path("/usr/sbin/haproxy").exists():
            sys.exit("HAProxy is missing: `make cluster` installs it (apt-get install haproxy)")
        if not self.running():
            self.prepare()
            subprocess.run(
                [str(VENV / "bin" / "supervisord"), "-c", str(DEPLOY / "supervisord.conf")],
                env=self.environment(),
                cwd=REPO_ROOT,
                check=True,
            )
        self.wait_ready(timeout)
        self.warm_up()

    def warm_up(self) -> None:
        """One text straight to each Rasa replica: a replica's first prediction traces the
        model's graphs (many seconds under load), which no texter should wait for."""
        s = self.settings()
        for replica in ("HOTLINE_RASA1_ADDR", "HOTLINE_RASA2_ADDR"):
            try:
                requests.post(
                    f"http://{s[replica]}/webhooks/rest/webhook",
                    params={"token": s["HOTLINE_ENGINE_TOKEN"]},
                    json={"sender": "warm-up", "message": "hi"},
                    timeout=180,
                )
            except requests.RequestException:
                pass  # a cold replica is slow, not broken: the checks decide

    def down(self) -> None:
        if not self.running():
            return
        pid = int((self.run_dir / "supervisord.pid").read_text())
        os.kill(pid, signal.SIGTERM)  # supervisord stops every program, each as a group
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.running():
            time.sleep(0.5)

    def ctl(self, *args: str) -> str:
        result = subprocess.run(
            [str(VENV / "bin" / "supervisorctl"), "-c", str(DEPLOY / "supervisord.conf"), *args],
            env=self.environment(),
            capture_output=True,
            text=True,
        )
        return result.stdout

    def pid(self, program: str) -> int:
        return int(self.ctl("pid", program).strip())

    # -- health ------------------------------------------------------------------------------

    def checks(self) -> dict[str, bool]:
        s = self.settings()
        token = {"token": s["HOTLINE_ENGINE_TOKEN"]}
        probes: dict[str, tuple[str, dict[str, str]]] = {
            "lb": (f"http://{s['HOTLINE_LB_BIND']}/readyz", {}),
            "app1": (f"http://{s['HOTLINE_APP1_ADDR']}/readyz", {}),
            "app2": (f"http://{s['HOTLINE_APP2_ADDR']}/readyz", {}),
            "rasa1": (f"http://{s['HOTLINE_RASA1_ADDR']}/status", token),
            "rasa2": (f"http://{s['HOTLINE_RASA2_ADDR']}/status", token),
            "actions1": (f"http://{s['HOTLINE_ACTIONS1_ADDR']}/health", {}),
            "actions2": (f"http://{s['HOTLINE_ACTIONS2_ADDR']}/health", {}),
        }
        return {name: _ok(url, params) for name, (url, params) in probes.items()}

    def wait_ready(self, timeout: float = 400, only: tuple[str, ...] = ()) -> float:
        """Seconds until every check (or the named ones) passes; TimeoutError after timeout."""
        started = time.monotonic()
        last: dict[str, bool] = {}
        while time.monotonic() - started < timeout:
            last = self.checks()
            if all(ok for name, ok in last.items() if not only or name in only) and (
                only or self._balanced()
            ):
                return time.monotonic() - started
            time.sleep(0.5)
        raise TimeoutError(
            f"cluster not ready after {timeout:.0f} s: {last}; logs in {self.run_dir}/logs"
        )

    def _balanced(self) -> bool:
        """HAProxy sees every server UP too (its checks need a few passes to let one in)."""
        try:
            servers = self.haproxy_servers()
        except OSError:
            return False
        return bool(servers) and all(state == "UP" for state in servers.values())

    def haproxy_servers(self) -> dict[str, str]:
        """HAProxy's view: 'backend/server' -> UP, DOWN, ... (from its stats socket)."""
        import socket

        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.run_dir / "haproxy.sock"))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        states = {}
        for line in data.decode().splitlines()[1:]:
            cols = line.split(",")
            if len(cols) > 17 and cols[1] not in ("FRONTEND", "BACKEND"):
                states[f"{cols[0]}/{cols[1]}"] = cols[17]
        return states


def _ok(url: str, params: dict[str, Any]) -> bool:
    try:
        return requests.get(url, params=params, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def main() -> None:
    cluster = Cluster()
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    if command == "down":
        cluster.down()
        print("cluster stopped")
    elif command == "status":
        print(cluster.ctl("status"))
        print(cluster.checks())
    else:
        print("starting the cluster (two Rasa replicas take a minute or two)...", flush=True)
        cluster.up()
        s = cluster.settings()
        print(cluster.ctl("status"))
        print(f"ready. Twilio's webhook:  http://{s['HOTLINE_LB_BIND']}/webhooks/twilio/sms")
        print(f"  metrics (per instance, bearer token in {cluster.run_dir}/secrets.json):")
        print(
            f"    http://{s['HOTLINE_APP1_ADDR']}/metrics  http://{s['HOTLINE_APP2_ADDR']}/metrics"
        )
        print(f"  logs: {cluster.run_dir}/logs/   stop: make cluster-down")


if __name__ == "__main__":
    main()
