"""Scripted multi-turn conversations through the signed webhook on the real stack (`make eval`).

Seven scripts (off-script turns inside the screening and at the consent question), each played
in all ten languages: 70 conversations. The texter's words are each language's own NLU examples
(nlu_data/), so a failure here is the dialogue's, not the NLU's: this measures the off-script
handling, eval/heldout_v2 measures the NLU and the detectors on unseen words.

Checks on every turn: each reply is a catalog text in the conversation's language (or a
resource listing), the emergency number comes first where there is danger, never two questions
in one reply, the expected response is there (the form's question again, the consent question);
and at the end, where the script says so, the handoff recorded in the database.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml
from twilio.request_validator import RequestValidator

from scripts.devstack import MODEL, Stack, free_port, isolated_environment
from webhooks import create_app, wording
from webhooks.config import REPO_ROOT
from webhooks.extensions import db
from webhooks.i18n import render, supported_languages
from webhooks.services.safety import scan_for_danger
from webhooks.services.text import Body
from webhooks.services.texters import find_texter

AUTH_TOKEN = "eval-auth-token"
EMERGENCY = "911"
# Responses that ask the texter something: at most one of them per reply.
QUESTIONS = {
    "utter_greet",
    "utter_offer_person",
    "utter_offer_screening",
    "utter_offer_resources",
    "utter_offer_interpreter",
    *(name for name in wording.BOT_RESPONSES if name.startswith("utter_ask_")),
}

# A turn: what the texter says (an intent, played with one of the language's own examples),
# the responses expected among the replies, whether there is danger, and "no_ask" (no
# screening question may come).
T = dict
SCRIPTS: dict[str, list[dict]] = {
    "person inside the screening, yes: handoff": [
        T(say="greet", expect=["utter_greet"]),
        T(say="affirm", expect=["utter_safe_continue"]),
        T(say="describe_situation", expect=["utter_offer_screening"]),
        T(say="affirm", expect=["utter_ask_can_leave"]),
        T(say="deny", expect=["utter_ask_id_taken"]),
        T(say="request_human", expect=["utter_offer_person"], no_ask=True),
        T(say="affirm", expect=["utter_handoff"], handoff=True),
    ],
    "person inside the screening, no: back to its question": [
        T(say="describe_situation", expect=["utter_offer_screening"]),
        T(say="affirm", expect=["utter_ask_can_leave"]),
        T(say="request_human", expect=["utter_offer_person"], no_ask=True),
        T(say="deny", expect=["utter_consent_declined", "utter_ask_can_leave"]),
        T(say="affirm", expect=["utter_ask_id_taken"]),
    ],
    "resource question inside the screening": [
        T(say="describe_situation", expect=["utter_offer_screening"]),
        T(say="affirm", expect=["utter_ask_can_leave"]),
        T(say="ask_shelter", expect=["resources", "utter_ask_can_leave"]),
        T(say="deny", expect=["utter_ask_id_taken"]),
    ],
    "danger inside the screening: number, person, hold, go on": [
        T(say="describe_situation", expect=["utter_offer_screening"]),
        T(say="affirm", expect=["utter_ask_can_leave"]),
        T(
            say="report_danger",
            expect=["utter_danger", "utter_offer_person"],
            danger=True,
            no_ask=True,
        ),
        T(say="deny", expect=["utter_consent_declined", "utter_screening_on_hold"], no_ask=True),
        T(say="resume_screening", expect=["utter_ask_can_leave"]),
    ],
    "greeting and thanks inside the screening restart nothing": [
        T(say="describe_situation", expect=["utter_offer_screening"]),
        T(say="affirm", expect=["utter_ask_can_leave"]),
        T(say="greet", expect=["utter_greet_again", "utter_ask_can_leave"]),
        T(say="thank", expect=["utter_you_are_welcome", "utter_ask_can_leave"]),
        T(say="affirm", expect=["utter_ask_id_taken"]),
    ],
    "resource question at the consent question, then yes": [
        T(say="describe_situation", expect=["utter_offer_screening"]),
        T(say="request_human", expect=["utter_offer_person"]),
        T(say="ask_shelter", expect=["resources", "utter_offer_person"]),
        T(say="affirm", expect=["utter_handoff"], handoff=True),
    ],
    "stop asking ends the screening at the consent question": [
        T(say="describe_situation", expect=["utter_offer_screening"]),
        T(say="affirm", expect=["utter_ask_can_leave"]),
        T(say="deny", expect=["utter_ask_id_taken"]),
        T(say="stop_screening", expect=["utter_screening_done", "utter_offer_person"]),
        T(say="affirm", expect=["utter_handoff"], handoff=True),
    ],
}


def phrasebook() -> dict[str, dict[str, list[str]]]:
    """Each language's NLU examples by intent (longest first: they carry the language best).

    A turn that is not meant as danger never uses an example the danger lexicon flags ("they
    kept us in a basement, but i got out last month"): the lexicon rightly answers those with
    the emergency number, and these scripts check the dialogue, not the net (its own tables do).
    """
    book: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted((REPO_ROOT / "nlu_data").glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    text = line.strip()[2:].strip().strip('"')
                    if block["intent"] != "report_danger" and scan_for_danger(Body.of(text)):
                        continue
                    book[path.parent.name][block["intent"]].append(text)
    for intents in book.values():
        for texts in intents.values():
            texts.sort(key=lambda t: (-len(t.split()), t))
    return book


def catalog(language: str) -> dict[str, str]:
    """Rendered text -> response name, for every response in this language."""
    names = dict(wording.BOT_RESPONSES)
    for name in (
        "NOT_UNDERSTOOD",
        "DANGER_SAFETY_NET",
        "MEDICAL_EMERGENCY",
        "NO_RESOURCES",
        "ENGINE_DOWN",
    ):
        names[name.lower()] = getattr(wording, name)
    return {
        render(msgid, language, {"emergency_number": EMERGENCY}): n for n, msgid in names.items()
    }


@dataclass
class Result:
    language: str
    script: str
    failures: list[str] = field(default_factory=list)
    # Turns not meant as danger, and those of them given the line for the unsure ("If you are in
    # danger now, call ...") with an answer that did not carry the number: its price, measured.
    ordinary_turns: int = 0
    unsure_lines: list[str] = field(default_factory=list)
    # Of the turns not meant as danger, those sent down the danger path (a false alarm: the
    # number, risk urgent for staff), reported beside the line for the unsure, not failed.
    danger_paths: list[str] = field(default_factory=list)


class Phone:
    def __init__(self, stack: Stack, number: str) -> None:
        self.stack, self.number, self.sids = stack, number, itertools.count(1)

    def send(self, body: str) -> list[str]:
        form = {
            "MessageSid": f"SM{self.number[-8:]}{next(self.sids):024d}",
            "From": self.number,
            "To": "+15550100000",
            "Body": body,
        }
        url = f"{self.stack.app_url}/webhooks/twilio/sms"
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
        response = requests.post(
            url, data=form, headers={"X-Twilio-Signature": signature}, timeout=60
        )
        response.raise_for_status()
        return [m.text or "" for m in ET.fromstring(response.content).iter("Message")]


def pick(book: dict[str, list[str]], intent: str, used: set[str]) -> str:
    # The first turn must carry the language: a long example; later ones vary.
    for text in book[intent]:
        if text not in used:
            used.add(text)
            return text
    return book[intent][0]


def play(
    stack: Stack,
    inspector,
    language: str,
    name: str,
    turns: list[dict],
    number: str,
    book: dict[str, list[str]],
    texts: dict[str, str],
) -> Result:
    result = Result(language, name)
    phone = Phone(stack, number)
    used: set[str] = set()
    intro = render(wording.RESOURCES_INTRO, language)
    for index, turn in enumerate(turns, 1):
        said = pick(book, turn["say"], used)
        replies = phone.send(said)
        got = []
        for reply in replies:
            if reply.startswith(intro):
                got.append("resources")
            elif reply in texts:
                got.append(texts[reply])
            else:
                got.append("?")
                result.failures.append(
                    f"turn {index} ({said!r}): reply not in {language}: {reply[:60]!r}"
                )
        where = f"turn {index} ({turn['say']}: {said!r}) got {got}"
        if not turn.get("danger"):
            result.ordinary_turns += 1
            if "danger_safety_net" in got and "utter_danger" not in got:
                result.unsure_lines.append(f"{turn['say']}: {said!r}")
            if "utter_danger" in got:
                result.danger_paths.append(f"{turn['say']}: {said!r}")
        for expected in turn["expect"]:
            if expected not in got:
                result.failures.append(f"{where}: {expected} missing")
        asked = [g for g in got if g in QUESTIONS]
        if len(asked) > 1:
            result.failures.append(f"{where}: two questions in one reply")
        if turn.get("no_ask") and any(g.startswith("utter_ask_") for g in got):
            result.failures.append(f"{where}: a screening question while it should wait")
        if turn.get("danger") and not (replies and EMERGENCY in replies[0]):
            result.failures.append(f"{where}: the emergency number is not first")
        if turn.get("handoff"):
            with inspector.app_context():
                try:
                    texter = find_texter(number)
                    c = max(texter.conversations, key=lambda c: c.id) if texter else None
                    if c is None or c.state.value != "waiting_for_staff" or not c.consent_given:
                        result.failures.append(f"{where}: no handoff in the database")
                finally:
                    db.session.remove()
    return result


def main() -> int:
    if not MODEL.exists():
        print("no trained model: run `make train`", file=sys.stderr)
        return 2
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="hotline-eval-"))
    env = isolated_environment(work, AUTH_TOKEN, SIMULATOR_ENABLED="1", EMERGENCY_NUMBER=EMERGENCY)
    stack = Stack(
        app_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        env=env,
        log_dir=work / "logs",
    )
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "webhooks"]
    for command in (["db", "upgrade"], ["seed-resources"]):
        subprocess.run(
            flask + command, env=stack.environment(), cwd=REPO_ROOT, check=True, capture_output=True
        )
    inspector = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "HOTLINE_ENCRYPTION_KEYS": env["HOTLINE_ENCRYPTION_KEYS"],
            "HOTLINE_HASH_KEY": env["HOTLINE_HASH_KEY"],
            "HOTLINE_ENGINE_TOKEN": env["HOTLINE_ENGINE_TOKEN"],
            "RASA_URL": stack.rasa_url,
        }
    )
    book = phrasebook()
    results: list[Result] = []
    numbers = itertools.count(1)
    stack.start()
    try:
        stack.wait_healthy(timeout=600)
        with inspector.app_context():
            texts = {language: catalog(language) for language in supported_languages()}
        for language in supported_languages():
            for name, turns in SCRIPTS.items():
                number = f"+1555999{next(numbers):04d}"
                results.append(
                    play(
                        stack,
                        inspector,
                        language,
                        name,
                        turns,
                        number,
                        book[language],
                        texts[language],
                    )
                )
    finally:
        stack.stop()

    print(
        f"\n== Conversations through the signed webhook ({len(results)}, "
        f"{len(SCRIPTS)} scripts x {len(supported_languages())} languages) =="
    )
    print(f"{'lang':<6} {'passed':>6} {'n':>3} {'rate':>6}")
    by_language: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_language[r.language].append(r)
    for language, rows in by_language.items():
        passed = sum(not r.failures for r in rows)
        print(f"{language:<6} {passed:6d} {len(rows):3d} {passed / len(rows):6.3f}")
    passed = sum(not r.failures for r in results)
    print(f"{'all':<6} {passed:6d} {len(results):3d} {passed / len(results):6.3f}")
    for r in results:
        for failure in r.failures:
            print(f"  FAIL {r.language} [{r.script}] {failure}")
    lines = [(r.language, line) for r in results for line in r.unsure_lines]
    ordinary = sum(r.ordinary_turns for r in results)
    print(
        f"the line for the unsure (the number, no danger path) on {len(lines)} of {ordinary} "
        "turns not meant as danger"
    )
    for language, line in lines:
        print(f"  {language} {line}")
    paths = [(r.language, line) for r in results for line in r.danger_paths]
    print(f"the danger path on {len(paths)} of {ordinary} turns not meant as danger")
    for language, line in paths:
        print(f"  {language} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
