"""`make chaos`: the production topology (make cluster) under load while its parts die.

For each scenario: texts at concurrency 8 for at least 60 s; a few seconds in, one part is
killed (kill -9, or Redis restarted); supervisord brings it back. Printed per scenario:
texts sent, acknowledged (HTTP 200 with TwiML), answered (a bot reply or the safety reply),
safety replies, lost (acknowledged but not in the database: must be 0), conversations whose
state survived (a screening begun before the kill goes on at the next question, on the other
replica) and the time until the killed part answered its health check again.

Results are printed, never asserted. Restarting Redis restarts the machine's Redis: its data
is saved first and loaded again (SHUTDOWN SAVE), so other users of it keep theirs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
from twilio.request_validator import RequestValidator

from scripts.bench import TEXTS
from scripts.cluster import Cluster
from webhooks.i18n import render, supported_languages
from webhooks.wording import BOT_RESPONSES, ENGINE_DOWN

# The machine's Redis is restarted with the settings it runs with (read before it stops), so
# the chaos run leaves it as it found it: a Redis that keeps nothing on disk still keeps
# nothing (the dump SHUTDOWN SAVE wrote for the restart is removed once loaded), one that
# persists keeps persisting.
REDIS_SETTINGS = ("bind", "port", "dir", "dbfilename", "save", "appendonly", "logfile")


def redis_settings() -> dict[str, str]:
    found = {}
    for key in REDIS_SETTINGS:
        out = subprocess.run(
            ["redis-cli", "-p", "6379", "CONFIG", "GET", key], capture_output=True, text=True
        ).stdout.splitlines()
        found[key] = out[1] if len(out) > 1 else ""
    return found


def redis_start_command(settings: dict[str, str]) -> list[str]:
    command = ["redis-server", "--daemonize", "yes"]
    for key in REDIS_SETTINGS:
        if key == "bind":
            command += ["--bind", *(settings[key].split() or ["127.0.0.1"])]
        elif key == "save" or settings[key]:
            command += [f"--{key}", settings[key]]
    return command


# The safety reply in every language (its first sentence has no placeholder).
SAFETY_STARTS = tuple(
    render(ENGINE_DOWN, language, {"emergency_number": "911"}).split(".")[0].split("。")[0][:40]
    for language in supported_languages()
)


def is_safety(reply: str) -> bool:
    return reply.startswith(SAFETY_STARTS)


SCREENING_OPENER = "my boss took my passport and says i owe him money"
# Where a probe conversation stands before the kill (answered can_leave) and what must follow.
NEXT_QUESTION = BOT_RESPONSES["utter_ask_owes_debt"]
PRE_QUESTION = BOT_RESPONSES["utter_ask_id_taken"]
# Each of the 8 texters waits this long after a reply before the next text (people do not text
# ten times a second); concurrency stays 8.
THINK_SECONDS = 0.5


@dataclass
class Tally:
    sent: int = 0
    acknowledged: int = 0
    answered: int = 0
    safety: int = 0
    errors: int = 0
    sids: list[str] = field(default_factory=list)
    # Texts of the fixed load set that got no reply at all (for the diagnosis line).
    silent: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sid: str, status: int | None, replies: list[str]) -> None:
        with self.lock:
            self.sent += 1
            if status == 200:
                self.acknowledged += 1
                self.sids.append(sid)
                self.answered += 1 if replies else 0
                self.safety += 1 if any(is_safety(r) for r in replies) else 0
            else:
                self.errors += 1


class Texters:
    """Phones texting the public entry through the signed webhook, as Twilio would."""

    def __init__(self, cluster: Cluster, prefix: str) -> None:
        settings = cluster.settings()
        self.url = f"http://{settings['HOTLINE_LB_BIND']}/webhooks/twilio/sms"
        self.signed_url = settings.get("HOTLINE_PUBLIC_URL", "").rstrip("/")
        self.signed_url = (
            (self.signed_url + "/webhooks/twilio/sms") if self.signed_url else self.url
        )
        self.validator = RequestValidator(settings["TWILIO_AUTH_TOKEN"])
        self.prefix = prefix
        self.counter = itertools.count(1)
        self.session = requests.Session()

    def send(self, number: str, body: str) -> tuple[str, int | None, list[str]]:
        sid = f"SM{self.prefix}{next(self.counter):024d}"[:34]
        form = {"MessageSid": sid, "From": number, "To": "+15550100000", "Body": body}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(self.signed_url, form)}
        try:
            response = requests.post(self.url, data=form, headers=headers, timeout=15)
        except requests.RequestException:
            return sid, None, []
        if response.status_code != 200:
            return sid, response.status_code, []
        return sid, 200, [m.text or "" for m in ET.fromstring(response.content).iter("Message")]


@dataclass
class Scenario:
    name: str
    kill: Callable[[], None]
    # Health checks (Cluster.checks names) that say the killed part is back; or a function.
    recovered: Callable[[], bool]


def run_scenario(
    cluster: Cluster, scenario: Scenario, seconds: float, concurrency: int, index: int
) -> dict[str, object]:
    # Numbers and SIDs new in every run: a conversation left by an earlier run (perhaps with
    # staff, where the bot is silent) must not be texted again.
    run = int(time.time()) % 100000
    texters = Texters(cluster, f"{run:05d}{index:01d}")
    tally = Tally()
    stop = threading.Event()
    numbers = itertools.count(1)

    def load(worker: int) -> None:
        while not stop.is_set():
            number = f"+1{run:05d}{index:01d}{worker:01d}{next(numbers):04d}"
            for text in TEXTS[worker % 4 :: 3][:4]:
                if stop.is_set():
                    return
                sid, status, replies = texters.send(number, text)
                tally.add(sid, status, replies)
                if status == 200 and not replies:
                    tally.silent[text] += 1
                if any(is_safety(r) for r in replies):
                    break  # queued for staff now: the bot is silent there by design
                time.sleep(THINK_SECONDS)

    # Probe conversations: a screening begun before the kill, one question answered.
    probes = [f"+2{run:05d}{index:01d}{i:04d}" for i in range(4)]
    ready_probes = []
    for number in probes:
        steps = [SCREENING_OPENER, "yes", "no"]
        last: list[str] = []
        for body in steps:
            sid, status, last = texters.send(number, body)
            tally.add(sid, status, last)
        if last and last[0] == PRE_QUESTION:
            ready_probes.append(number)

    with ThreadPoolExecutor(concurrency) as pool:
        started = time.monotonic()
        futures = [pool.submit(load, w) for w in range(concurrency)]
        time.sleep(8)
        killed_at = time.monotonic()
        scenario.kill()
        recovered_after: list[float] = []

        def watch() -> None:  # from the kill on, until the killed part answers again
            time.sleep(0.2)
            while time.monotonic() - killed_at < 300:
                if scenario.recovered():
                    recovered_after.append(time.monotonic() - killed_at)
                    return
                time.sleep(0.2)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        # The probes answer the next question right away, while the part is down.
        survived = 0
        lost_state: list[str] = []  # what a probe got instead of the next question
        for number in ready_probes:
            sid, status, replies = texters.send(number, "yes")
            tally.add(sid, status, replies)
            if replies and replies[0] == NEXT_QUESTION:
                survived += 1
            else:
                lost_state.append(f"{sid} {status}: {' | '.join(replies)[:80]}")
        while time.monotonic() - started < seconds:
            time.sleep(0.5)
        watcher.join()
        stop.set()
        for future in futures:
            future.result()
        duration = time.monotonic() - started
    lost = tally.acknowledged - stored(cluster, tally.sids)
    return {
        "scenario": scenario.name,
        "seconds": round(duration),
        "sent": tally.sent,
        "acknowledged": tally.acknowledged,
        "answered": tally.answered,
        "safety": tally.safety,
        "errors": tally.errors,
        "lost": lost,
        "state survived": f"{survived}/{len(ready_probes)}",
        "recovered": f"{recovered_after[0]:.1f} s" if recovered_after else "never",
        "_silent": dict(tally.silent.most_common(4)),
        "_lost_state": lost_state,
    }


def stored(cluster: Cluster, sids: list[str]) -> int:
    url = cluster.settings()["DATABASE_URL"]
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM message WHERE twilio_sid = ANY(%s)", (sids,)
        ).fetchone()
    return int(row[0]) if row else 0


def kill(cluster: Cluster, program: str) -> Callable[[], None]:
    return lambda: os.kill(cluster.pid(program), signal.SIGKILL)


def restart_redis() -> None:
    settings = redis_settings()
    dump = Path(settings["dir"] or ".") / (settings["dbfilename"] or "dump.rdb")
    keeps_nothing = settings["save"] == "" and settings["appendonly"] == "no"
    dump_was_there = dump.exists()
    subprocess.run(["redis-cli", "-p", "6379", "SHUTDOWN", "SAVE"], capture_output=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and redis_up():
        time.sleep(0.1)
    subprocess.run(redis_start_command(settings), check=True, capture_output=True)
    for _ in range(100):
        if redis_up():
            break
        time.sleep(0.1)
    if keeps_nothing and not dump_was_there and dump.exists():
        dump.unlink()  # written for this restart and loaded; this Redis keeps nothing on disk


def redis_up() -> bool:
    result = subprocess.run(["redis-cli", "-p", "6379", "PING"], capture_output=True, text=True)
    return result.stdout.strip() == "PONG"


def print_table(rows: list[dict[str, object]]) -> None:
    columns = [c for c in rows[0] if not c.startswith("_")]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("| " + " | ".join(c.ljust(widths[c]) for c in columns) + " |")
    print("|" + "|".join("-" * (widths[c] + 2) for c in columns) + "|")
    for row in rows:
        print("| " + " | ".join(str(row[c]).ljust(widths[c]) for c in columns) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=65)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    cluster = Cluster()
    print("bringing the cluster up (make cluster)...", flush=True)
    cluster.up()
    checks = cluster.checks
    scenarios = [
        Scenario("kill -9 rasa1", kill(cluster, "engine:rasa1"), lambda: checks()["rasa1"]),
        Scenario("kill -9 app1", kill(cluster, "web:app1"), lambda: checks()["app1"]),
        Scenario(
            "kill -9 actions1", kill(cluster, "engine:actions1"), lambda: checks()["actions1"]
        ),
        Scenario("restart Redis", restart_redis, redis_up),
    ]
    rows = []
    for index, scenario in enumerate(scenarios, 1):
        if args.only and not any(o in scenario.name for o in args.only):
            continue
        cluster.wait_ready()
        print(f"\n{scenario.name}: {args.seconds:.0f} s at c={args.concurrency}...", flush=True)
        row = run_scenario(cluster, scenario, args.seconds, args.concurrency, index)
        print("  " + ", ".join(f"{k}={v}" for k, v in row.items()), flush=True)
        rows.append(row)
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
