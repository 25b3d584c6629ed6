"""Starts the whole hotline locally: Rasa server, action server, app. Ctrl-C stops all three.

Used by `make run`, `make bench` and the end-to-end tests, so all three start it one way.
`make run` also supervises: a process that dies is restarted with backoff (1 s, 2 s, 4 s, ...
up to 30 s; the backoff resets once it has stayed up for a minute), and every restart is
logged. While the engine is down or starting, the app gives texters the safety reply and
queues them for staff, as it always does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import requests

from webhooks.config import REPO_ROOT, load_config

RASA_BIN = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = REPO_ROOT / "models" / "hotline.tar.gz"
# Restart backoff: doubles from the first value up to the cap; reset after a stable minute.
BACKOFF_FIRST, BACKOFF_CAP, STABLE_AFTER = 1.0, 30.0, 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def isolated_environment(work: Path, auth_token: str, **extra: str) -> dict[str, str]:
    """A stack of its own for tests and evaluations: testing mode, a SQLite file under ``work``,
    fresh secrets, no Twilio account (the simulator outbox), a generous engine deadline."""
    from webhooks.crypto import generate_key, generate_secret

    env = {
        "HOTLINE_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{work / 'hotline.db'}",
        "SECRET_KEY": generate_secret(),
        "HOTLINE_ENCRYPTION_KEYS": generate_key(),
        "HOTLINE_HASH_KEY": generate_secret(),
        "HOTLINE_ENGINE_TOKEN": generate_secret(),
        "TWILIO_AUTH_TOKEN": auth_token,
        "TWILIO_ACCOUNT_SID": "",
        "RASA_TIMEOUT_SECONDS": "20",
    }
    env.update(extra)
    return env


@dataclass
class Stack:
    """The three processes, their ports and the environment they share."""

    app_port: int = 5000
    rasa_port: int = 5005
    actions_port: int = 5055
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path = REPO_ROOT / "instance" / "logs"
    app_server: str = "flask"  # or "gunicorn"
    # The engine's endpoints: in-memory trackers; bot/endpoints.production.yml for Redis.
    endpoints: str = "bot/endpoints.yml"
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, BinaryIO] = field(default_factory=dict)
    # Supervision: when each process was started, how many restarts it has had, when the next
    # one is due (a process that died waits out its backoff before it is started again).
    started_at: dict[str, float] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    due: dict[str, float] = field(default_factory=dict)

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env)
        # Explicitly development: the app's own default is production (fail closed).
        env.setdefault("HOTLINE_ENV", "development")
        # Secrets for development come from instance/; the engine needs the shared token too.
        config = load_config(str(REPO_ROOT / "instance"), env)
        env.update(
            {
                "RASA_URL": self.rasa_url,
                "ACTION_SERVER_URL": f"http://127.0.0.1:{self.actions_port}",
                "HOTLINE_ENGINE_TOKEN": config["HOTLINE_ENGINE_TOKEN"],
                "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "PYTHONUNBUFFERED": "1",
                # The action server binds to loopback (rasa_sdk reads SANIC_HOST; its default is
                # every interface). Rasa gets --interface 127.0.0.1 below.
                "SANIC_HOST": "127.0.0.1",
                # Custom NLU components (bot/components) for the engine.
                "PYTHONPATH": str(REPO_ROOT / "bot"),
            }
        )
        return env

    def _spawn(self, name: str, args: list[str], cwd: Path = REPO_ROOT) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if name in self.logs:
            self.logs.pop(name).close()
        log = self.logs[name] = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115
        self.started_at[name] = time.monotonic()
        self.processes[name] = subprocess.Popen(
            args,
            cwd=cwd,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_rasa(self) -> None:
        env = self.environment()
        self._spawn(
            "rasa",
            [
                str(RASA_BIN),
                "run",
                "--enable-api",
                "--model",
                str(MODEL),
                "--endpoints",
                self.endpoints,
                "--credentials",
                "bot/credentials.yml",
                "--port",
                str(self.rasa_port),
                "--interface",
                "127.0.0.1",
                # One argument with "=": a token that starts with "-" (one in 64 generated ones)
                # would otherwise be taken for an option, and Rasa would exit with 2.
                f"--auth-token={env['HOTLINE_ENGINE_TOKEN']}",
            ],
        )

    def start_actions(self) -> None:
        self._spawn(
            "actions",
            [
                sys.executable,
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(self.actions_port),
            ],
            cwd=REPO_ROOT / "bot",
        )

    def start_app(self) -> None:
        venv_bin = Path(sys.executable).parent
        if self.app_server == "gunicorn":
            # Exactly the README's production command, with the repo's configuration file.
            args = [
                str(venv_bin / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "webhooks.wsgi:app",
            ]
            # Workers and threads come from the environment, as in production.
            self.env.setdefault("HOTLINE_BIND", f"127.0.0.1:{self.app_port}")
        else:
            args = [
                str(venv_bin / "flask"),
                "--app",
                "webhooks",
                "run",
                "--port",
                str(self.app_port),
                "--host",
                "127.0.0.1",
                "--with-threads",
                "--no-reload",
            ]
        self._spawn("app", args)

    def migrate(self) -> None:
        """Bring the stack's database to the latest schema, with the starting resources."""
        flask = [str(Path(sys.executable).parent / "flask"), "--app", "webhooks"]
        for command in (["db", "upgrade"], ["seed-resources"]):
            subprocess.run(
                flask + command,
                env=self.environment(),
                cwd=REPO_ROOT,
                check=True,
                capture_output=True,
            )

    def start_tick(self) -> None:
        """Scheduled work for `make run`, as cron runs `flask tick` in production."""
        flask = str(Path(sys.executable).parent / "flask")
        self._spawn("tick", [flask, "--app", "webhooks", "tick", "--every", "30"])

    def starters(self) -> dict[str, Callable[[], None]]:
        starters = {"app": self.start_app, "actions": self.start_actions, "rasa": self.start_rasa}
        if "tick" in self.started_at:  # make run's scheduler, once started, is supervised too
            starters["tick"] = self.start_tick
        return starters

    def start(self) -> None:
        for start in self.starters().values():
            start()

    def supervise_once(self, log: Callable[[str], None]) -> None:
        """Restart what has died, each after its backoff. Called about once a second."""
        now = time.monotonic()
        for name, start in self.starters().items():
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                if now - self.started_at[name] > STABLE_AFTER:
                    self.restarts[name] = 0  # up for a minute: the next crash starts afresh
                continue
            if process is not None:
                # Died: whatever it had started (gunicorn's workers) goes with it, so the
                # restarted process gets its port and nothing is left behind.
                _kill_group(process.pid, signal.SIGKILL)
                del self.processes[name]
                count = self.restarts.get(name, 0)
                delay = min(BACKOFF_CAP, BACKOFF_FIRST * 2**count)
                self.due[name] = now + delay
                log(
                    f"{name} exited with code {process.returncode}; "
                    f"restarting in {delay:.0f} s (restart {count + 1})"
                )
            if name in self.due and now >= self.due[name]:
                del self.due[name]
                self.restarts[name] = self.restarts.get(name, 0) + 1
                start()
                log(f"{name} restarted (pid {self.processes[name].pid})")

    def stop(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.processes):
            process = self.processes.pop(key, None)
            if process is None:
                continue
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            finally:
                # The leader has gone; anything still in its group (a worker, a child) too.
                _kill_group(process.pid, signal.SIGKILL)
                self.logs.pop(key).close()
        if name is None:
            self.due.clear()

    def wait_healthy(
        self,
        timeout: float = 240,
        require_healthy: bool = True,
        supervise: Callable[[str], None] | None = None,
    ) -> dict[str, object]:
        """Until /healthz says 200 (or, with ``require_healthy=False``, answers at all).

        A process that dies meanwhile is an error, or, with ``supervise``, restarted."""
        deadline = time.monotonic() + timeout
        last: dict[str, object] = {}
        while time.monotonic() < deadline:
            if supervise is not None:
                self.supervise_once(supervise)
            for name, process in self.processes.items():
                if supervise is None and process.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {process.returncode}; see {self.log_dir / name}.log"
                    )
            try:
                response = requests.get(self.app_url + "/healthz", timeout=5)
                last = response.json()
                if response.status_code == 200 or not require_healthy:
                    return last
            except (requests.RequestException, ValueError):
                pass
            time.sleep(1)
        raise TimeoutError(f"stack not healthy after {timeout}s: {last}")


def _kill_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _log(line: str) -> None:
    print(time.strftime("%H:%M:%S ") + line, file=sys.stderr, flush=True)


def main() -> None:
    stack = Stack(
        app_port=int(os.environ.get("PORT", "5000")),
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        actions_port=int(os.environ.get("ACTIONS_PORT", "5055")),
        # make run is the local phone: development, simulator on (loopback only).
        env={"HOTLINE_ENV": "development", "SIMULATOR_ENABLED": "1"},
    )
    if os.environ.get("DEVSTACK_LOG_DIR"):
        stack.log_dir = Path(os.environ["DEVSTACK_LOG_DIR"])
    for port in (stack.app_port, stack.rasa_port, stack.actions_port):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                sys.exit(
                    f"port {port} is in use: is the hotline already running? (PORT=... to move)"
                )
    # Ctrl-C (even where a parent shell ignores it) and a plain kill both stop all three:
    # a terminated supervisor must not leave three orphans behind.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print("starting the app, the action server and the Rasa server (Rasa takes about a minute)...")
    print(f"logs: {stack.log_dir}/")
    stack.start()
    stack.start_tick()
    _log("pids: " + " ".join(f"{n}={p.pid}" for n, p in stack.processes.items()))
    try:
        health = stack.wait_healthy(supervise=_log)
        print(f"ready: {health['checks']}")
        print(f"\n  SMS simulator:  {stack.app_url}/simulator/")
        print(f"  health:         {stack.app_url}/healthz\n")
        print("Ctrl-C stops all three; a process that dies is restarted.", flush=True)
        while True:
            stack.supervise_once(_log)
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopping the app, the action server and the Rasa server...", flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
