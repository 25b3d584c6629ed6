"""Prints `make eval`'s figures from results/eval/predictions.json (eval/nlu_predict.py).

- NLU cross-validation: precision/recall/F1 per intent (all languages), and per language.
- Danger recall on the held-out sets, per language: the lexicon alone, the NLU alone, the
  learned layer alone, any one of them (the rule before the net's one decision: the NLU's
  "danger now" set aside below a layer margin of -2), and all three weighed together (what the
  app and the engine's gate do now: webhooks/services/danger_decision.py), with false-alarm
  rates on the not-danger texts; and "number": the emergency number in the reply, by the one
  decision or, for a text it left close to its bar or whose "danger now" from the NLU it set
  aside, the line for the unsure, or the line before medical resources.
- Mean SMS segments of the reply catalog per language.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

from webhooks.i18n import LOCALES_DIR, render, supported_languages
from webhooks.services import danger_model
from webhooks.services.danger_decision import score_with_nlu
from webhooks.services.safety import assess_danger, scan_for_danger
from webhooks.services.segments import segments
from webhooks.services.text import Body

ROOT = Path(__file__).resolve().parent.parent
DANGER_INTENT = "report_danger"
LAYERS = ("lexicon", "nlu", "model", "any", "all", "number")


OLD_FLOOR = -2.0  # the gate the one decision replaced


def old_rule(lexicon: bool, nlu: bool, margin: float) -> bool:
    """What the net did before its one decision: any one of the lexicon, the layer, or the
    NLU's "danger now" unless the layer's margin was below the old gate's floor."""
    return lexicon or margin > 0 or (nlu and margin >= OLD_FLOOR)


def medical(row: dict) -> bool:
    """The engine answers with medical resources, which come after the emergency number: the
    NLU's first intent, or its first that is not danger when the one decision set danger aside
    (``otherwise``; predictions written before it was recorded count as no line)."""
    intent = row["predicted"]
    if intent == DANGER_INTENT:
        intent = row.get("otherwise", DANGER_INTENT)
    return intent == "ask_medical"


def prf(rows: list[dict], intent: str) -> tuple[float, float, float, int]:
    tp = sum(1 for r in rows if r["intent"] == intent and r["predicted"] == intent)
    fp = sum(1 for r in rows if r["intent"] != intent and r["predicted"] == intent)
    fn = sum(1 for r in rows if r["intent"] == intent and r["predicted"] != intent)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp + fn


def danger_table(name: str, items: list[dict]) -> None:
    """Recall on danger texts and false alarms on ordinary ones, per layer of the danger net:
    the lexicon, the NLU, the learned layer, any one of them (before), the one decision, and
    the number in the reply (the one decision, or the line for the unsure)."""
    print(f"\n== Danger on held-out texts, eval/{name}/ (never trained on) ==")
    print("recall on danger texts | false alarms on not-danger texts")
    print(
        f"{'lang':<6} "
        + " ".join(f"{k:>7}" for k in LAYERS)
        + " | "
        + " ".join(f"{k:>7}" for k in LAYERS)
        + f" {'n':>7}"
    )
    heldout: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        heldout[item["language"]].append(item)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    layer = danger_model.model()

    def hits(row: dict) -> dict[str, bool]:
        body = Body.of(row["text"])
        lexicon = scan_for_danger(body) is not None
        nlu = row["predicted"] == DANGER_INTENT
        margin = layer.margin(body, row["language"])
        # What the app and the engine's gate decide (bot/components/danger_gate.py).
        assessment = assess_danger(body, language=row["language"])
        if assessment.forced is not None:
            decided = True
        elif assessment.evidence is not None:
            decided = score_with_nlu(assessment.evidence, row["danger"], nlu) >= 0
        else:
            decided = nlu
        return {
            "lexicon": lexicon,
            "nlu": nlu,
            "model": margin > 0,
            "any": old_rule(lexicon, nlu, margin),
            "all": decided,
            # The line for the unsure: the app's score close to the bar, or the NLU's danger
            # set aside by the decision (the engine says so: bot/channel.py).
            "number": decided or assessment.unsure or nlu or medical(row),
        }

    for language, rows in sorted(heldout.items()):
        danger = [hits(i) for i in rows if i["label"] == "danger"]
        safe = [hits(i) for i in rows if i["label"] == "not_danger"]
        figures = []
        for group, label in ((danger, "d"), (safe, "s")):
            for key in LAYERS:
                n = sum(h[key] for h in group)
                figures.append(n / len(group) if group else 0.0)
                totals[label + key][0] += n
                totals[label + key][1] += len(group)
        half = len(LAYERS)
        print(
            f"{language:<6} "
            + " ".join(f"{x:7.3f}" for x in figures[:half])
            + " | "
            + " ".join(f"{x:7.3f}" for x in figures[half:])
            + f" {len(danger):3d}/{len(safe):3d}"
        )
    rate = {k: v[0] / v[1] if v[1] else 0.0 for k, v in totals.items()}
    print(
        f"{'all':<6} "
        + " ".join(f"{rate['d' + k]:7.3f}" for k in LAYERS)
        + " | "
        + " ".join(f"{rate['s' + k]:7.3f}" for k in LAYERS)
    )


def cross_validation(data: dict, cv: list[dict]) -> None:
    intents = sorted({r["intent"] for r in cv})
    print(
        f"== NLU cross-validation ({data['folds']} folds, {len(cv)} examples, "
        f"{data['cv_seconds']:.0f} s) =="
    )
    print(f"{'intent':<20} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}")
    for intent in intents:
        p, r, f, n = prf(cv, intent)
        print(f"{intent:<20} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    accuracy = sum(r["intent"] == r["predicted"] for r in cv) / len(cv)
    print(f"{'accuracy':<20} {accuracy:6.3f}")

    print("\n== NLU cross-validation per language ==")
    print(f"{'lang':<6} {'accuracy':>8} {'macro-f1':>8} {'danger-recall':>13} {'n':>5}")
    by_language: dict[str, list[dict]] = defaultdict(list)
    for row in cv:
        by_language[row["language"]].append(row)
    for language, rows in sorted(by_language.items()):
        acc = sum(r["intent"] == r["predicted"] for r in rows) / len(rows)
        macro = sum(prf(rows, i)[2] for i in intents) / len(intents)
        danger = prf(rows, DANGER_INTENT)[1]
        print(f"{language:<6} {acc:8.3f} {macro:8.3f} {danger:13.3f} {len(rows):5d}")


def main() -> None:
    data = json.loads((ROOT / "results" / "eval" / "predictions.json").read_text())
    cv = data["cross_validation"]
    if cv:
        cross_validation(data, cv)
    else:
        print("== NLU cross-validation: skipped (FOLDS=0) ==")
    # The sets nlu_predict.py measured, in its order.
    for name in dict.fromkeys(i.get("set", "heldout") for i in data["heldout"]):
        danger_table(name, [i for i in data["heldout"] if i.get("set", "heldout") == name])
    texts = [Body.of(i["text"]) for i in data["heldout"]]
    started = time.perf_counter()
    for body in texts:
        scan_for_danger(body)
    lexicon_ms = 1000 * (time.perf_counter() - started) / len(texts)
    layer = danger_model.model()
    started = time.perf_counter()
    for body in texts:
        layer.margin(body)
    model_ms = 1000 * (time.perf_counter() - started) / len(texts)
    print(
        f"Time per held-out message: NLU parse {data['heldout_parse_ms']:.2f} ms (in the engine), "
        f"lexicon {lexicon_ms:.2f} ms, learned layer {model_ms:.2f} ms (in the app)"
    )

    print("\n== Reply catalog: SMS segments per reply ==")
    with open(LOCALES_DIR / "messages.pot", "rb") as fp:
        ids = [m.id for m in read_po(fp) if m.id]
    for language in supported_languages():
        counts = [segments(render(i, language, {"emergency_number": "911"})) for i in ids]
        print(
            f"{language:<6} mean {sum(counts) / len(counts):.2f}  max {max(counts)}  "
            f"(n={len(counts)})"
        )


if __name__ == "__main__":
    main()
