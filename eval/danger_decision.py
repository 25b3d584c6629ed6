"""Fits the danger net's one decision (webhooks/services/danger_decision.py).

`make danger-decision`.

Reads the NLU's predictions on the held-out sets (results/eval/predictions.json, written by
eval/nlu_predict.py with the trained model), computes the app's evidence on the same texts (the
lexicon, the learned layer's two scores), and fits a logistic regression over them on the
development sets: `heldout_v4` and later, every set that has been measured once (a blind set
still waiting for its measure is left out by nlu_predict.py's NOT_YET; `heldout`, v2 and v3 were
written with the lexicons in view and are not used). The threshold keeps RECALL of the
development sets' danger texts.

Validation: each development set left out in turn (weights and threshold fitted on the others),
against the rule it replaces (any one of the lexicon, the layer, or the NLU not set aside by the
old gate's margin floor). Writes webhooks/data/danger_decision.json; prints the figures.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from report import old_rule  # eval/report.py: scripts in eval/ run with it on the path
from sklearn.linear_model import LogisticRegression

from webhooks.services import danger_model
from webhooks.services.danger_decision import PATH, lexicon_digest, nlu_logit
from webhooks.services.safety import scan_for_danger
from webhooks.services.text import Body

ROOT = Path(__file__).resolve().parent.parent
DANGER = "report_danger"
# Of the development sets' danger texts without a lexicon hit, kept at fitting: the lowest bar
# at which the decision, each set left out, misses no more danger than any one layer did
# (tests/services/test_danger_decision.py holds the decision to that rule), unless make eval's
# conversations say otherwise: on v4-v15, 0.975 and 0.98 gave the danger path to ordinary turns
# ('he's gone, I can talk now' in Vietnamese), and on v4-v32 0.972 gave it to an Arabizi shelter
# question inside the screening (68 of 70 conversations, 0.971 kept 70). A false alarm costs less
# than a miss. With the NLU's word pairs (v4-v39), any one layer missing 228 (249 before: the NLU
# alone caught more): 0.971 missed 228 (9.2% false alarms), 0.970 235, 0.969 242, 0.972 219,
# 0.973 210; the number 61 at each. With v40 (v4-v40, any one layer 238): 0.971 235 (9.2%), 0.970
# 240, 0.972 224, 0.973 216; the number 61. Before them (v4-v38, the app's fold), 0.971 gave the
# danger path to a Vietnamese "em đang một mình" (I'm alone now: the yes to "can you talk
# safely?") and the handoff asked for never came (69 of 70 conversations); it still gets the
# danger path, and since action_mark_danger hands off after a yes to the offer, 70 of 70. With the
# NLU's danger weighted 4 (v4-v40, any one layer 202, 238 before: the NLU alone catches more):
# 0.975 missed 199 (9.7%), 0.974 209, 0.973 220, 0.971 234 (9.2%), 0.977 188 (10.2%); the number
# 57 at 20.8-20.9% at each (61 at 19.7% before). With v41 (v4-v41, any one layer 212): 0.975 206
# (10.0%), 0.974 216, 0.976 198, 0.977 192 (10.4%); the number 56 at 21.1%.
# Each earlier refit's scan is in the history of this line (git log -L) and docs/architecture.md.
RECALL = 0.975
# The number when the net is unsure. A text below the bar whose score without the NLU's terms
# (what the app knows before it asks the engine) reaches ``soft`` gets "If you are in danger now,
# call ..." with its usual reply, no danger path. The bar: the lowest at which the decision and
# this line together give the number to SOFT_RECALL of the development sets' danger texts, in
# each language (the targets are per language: one bar for all gave Vietnamese, read by
# n-grams alone, the line on 32% of its hard not-danger texts and Arabic 99.0% of its danger,
# each set left out; a bar per language, 19.5% and 99.5%, at the same total), and one bar over
# all languages for a text whose language is not known yet.
SOFT_RECALL = 0.995
# Below the lowest development score of a danger text the lexicon caught: on the held-out sets
# the lowest out of the fit (the lexicon's own early sets) sat 0.9 under it.
VETO_GAP = 2.5
C = 1.0
FIRST_DEVELOPMENT_SET = 4


def development(name: str) -> bool:
    """heldout_v4 and later, and the everyday probes once measured (eval/everyday_*: ordinary
    texts the danger sets' hard negatives do not cover, such as romanised greetings)."""
    if name.startswith("everyday_"):
        return True
    match = re.fullmatch(r"heldout_v(\d+)", name)
    return bool(match) and int(match.group(1)) >= FIRST_DEVELOPMENT_SET


def evidence(items: list[dict]) -> list[dict]:
    """The app's evidence per text, as the app computes it (safety.assess_danger)."""
    layer = danger_model.model()
    rows = []
    for item in items:
        body = Body.of(item["text"])
        if not body.normalised:
            continue
        ngram_logit, sentence = layer.scores(body, item["language"])
        rows.append(
            {
                **item,
                "lexicon": scan_for_danger(body) is not None,
                "ngrams": ngram_logit,
                "sentence": sentence,
                "margin": layer.margin_of(ngram_logit, sentence),
            }
        )
    return rows


def matrix(rows: list[dict], languages: list[str]) -> np.ndarray:
    return np.array(
        [
            [
                r["ngrams"],
                r["sentence"] or 0.0,
                nlu_logit(r["danger"]),
                float(r["predicted"] == DANGER),
                *(float(r["language"] == lang) for lang in languages),
            ]
            for r in rows
        ]
    )


def soft_bar(decided: np.ndarray, partial: np.ndarray, y: np.ndarray) -> float:
    """The partial score that gives the number to SOFT_RECALL of these danger texts: the bar
    reaches, of those the decision misses (highest first), the last one needed."""
    missed = np.sort(partial[y & ~decided])[::-1]
    needed = int(math.ceil(SOFT_RECALL * y.sum())) - int(decided[y].sum())
    return float(missed[min(needed, len(missed)) - 1]) if needed > 0 and len(missed) else 0.0


class Fitted:
    def __init__(
        self, x: np.ndarray, y: np.ndarray, lexicon: np.ndarray, language: np.ndarray
    ) -> None:
        self.model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, y)
        scores = self.model.decision_function(x)
        self.threshold = float(np.quantile(scores[y & ~lexicon], 1 - RECALL))
        self.veto = float(scores[y & lexicon].min()) - VETO_GAP
        decided, partial = self.decide(x, lexicon), self.partial(x, lexicon)
        self.soft = soft_bar(decided, partial, y)
        self.soft_by_language = {
            lang: soft_bar(decided[mine], partial[mine], y[mine])
            for lang in sorted(set(language))
            if (mine := language == lang).any()
        }

    def decide(self, x: np.ndarray, lexicon: np.ndarray) -> np.ndarray:
        scores = self.model.decision_function(x)
        return np.where(lexicon, scores >= self.veto, scores >= self.threshold)

    def partial(self, x: np.ndarray, lexicon: np.ndarray) -> np.ndarray:
        """The score without the NLU's terms, less its bar: what the app knows before it asks
        the engine (danger_decision.Decision.partial)."""
        coef = self.model.coef_[0]
        scores = self.model.decision_function(x) - x[:, 2] * coef[2] - x[:, 3] * coef[3]
        return scores - np.where(lexicon, self.veto, self.threshold)

    def number(
        self, x: np.ndarray, lexicon: np.ndarray, language: np.ndarray, nlu_line: bool = True
    ) -> np.ndarray:
        """The emergency number in the reply: the danger path, or the line for the unsure (the
        app's partial score at its bar, or, with ``nlu_line``, the NLU's danger set aside).

        The line also when the NLU ranked danger first and the decision set it aside (the engine
        tells the app: bot/channel.py) comes on top of the bars, which are fitted without it:
        fitted with it they rose where the NLU's line covered the development misses (French's
        from -2.3 to +0.2) and lost danger texts the NLU did not rank first. Each development set
        left out, 16,440 texts: 28 danger texts missed against 43 without it, and 32 with the
        bars raised to the same false alarms."""
        bars = np.array([self.soft_by_language.get(lang, self.soft) for lang in language])
        number = self.decide(x, lexicon) | (self.partial(x, lexicon) >= bars)
        return number | (x[:, 3] == 1) if nlu_line else number


def figures(rows: list[dict], decided: np.ndarray, y: np.ndarray) -> dict:
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r, d, t in zip(rows, decided, y, strict=True):
        f = by_language[r["language"]]
        if t:
            f[0] += int(d)
            f[1] += 1
        else:
            f[2] += int(d)
            f[3] += 1
    total = [sum(f[i] for f in by_language.values()) for i in range(4)]
    return {
        "recall": round(total[0] / total[1], 4),
        "danger_missed": total[1] - total[0],
        "false_alarms": round(total[2] / total[3], 4),
        "per_language": {
            lang: [round(f[0] / f[1], 3), round(f[2] / f[3], 3)]
            for lang, f in sorted(by_language.items())
        },
    }


def main() -> None:
    data = json.loads((ROOT / "results" / "eval" / "predictions.json").read_text())
    items = [i for i in data["heldout"] if development(i.get("set", ""))]
    if not items:
        sys.exit("no development sets in results/eval/predictions.json: run nlu_predict.py")
    rows = evidence(items)
    languages = sorted({r["language"] for r in rows})
    x = matrix(rows, languages)
    y = np.array([r["label"] == "danger" for r in rows])
    lexicon = np.array([r["lexicon"] for r in rows])
    sets = np.array([r["set"] for r in rows])
    language = np.array([r["language"] for r in rows])
    left_out = np.zeros(len(rows), dtype=bool)
    number_left_out = np.zeros(len(rows), dtype=bool)
    app_line_left_out = np.zeros(len(rows), dtype=bool)
    for name in sorted(set(sets)):
        held = sets == name
        fold = Fitted(x[~held], y[~held], lexicon[~held], language[~held])
        left_out[held] = fold.decide(x[held], lexicon[held])
        number_left_out[held] = fold.number(x[held], lexicon[held], language[held])
        # For comparison: the line for the unsure from the app's score alone (before).
        app_line_left_out[held] = fold.number(
            x[held], lexicon[held], language[held], nlu_line=False
        )
    before = np.array([old_rule(r["lexicon"], r["predicted"] == DANGER, r["margin"]) for r in rows])
    fitted = Fitted(x, y, lexicon, language)
    # The lexicon's catches, in every held-out set measured: none may be overruled.
    caught = [
        r for r in evidence([i for i in data["heldout"] if i["label"] == "danger"]) if r["lexicon"]
    ]
    overruled = [
        r["text"]
        for r, d in zip(
            caught,
            fitted.decide(matrix(caught, languages), np.ones(len(caught), bool)),
            strict=True,
        )
        if not d
    ]
    if overruled:
        sys.exit(f"the decision would overrule the lexicon on danger texts: {overruled}")
    coef = [round(float(c), 6) for c in fitted.model.coef_[0]]
    validation = {
        "lexicon_catches_overruled": f"0 of {len(caught)} danger texts in all held-out sets",
        "development_sets": sorted(set(sets)),
        "texts": len(rows),
        "each_set_left_out": figures(rows, left_out, y),
        "number_each_set_left_out": figures(rows, number_left_out, y),
        "number_app_line_alone_each_set_left_out": figures(rows, app_line_left_out, y),
        "any_one_layer_before": figures(rows, before, y),
    }
    out = {
        "layer_digest": json.loads(danger_model.MODEL_PATH.read_text())["digest"],
        "lexicon_digest": lexicon_digest(),
        "recall_kept": RECALL,
        "veto_gap": VETO_GAP,
        "intercept": round(float(fitted.model.intercept_[0]), 6),
        "threshold": round(fitted.threshold, 6),
        "veto": round(fitted.veto, 6),
        "soft_recall": SOFT_RECALL,
        "soft": round(fitted.soft, 6),
        "soft_by_language": {k: round(v, 6) for k, v in fitted.soft_by_language.items()},
        "weights": dict(zip(("ngrams", "sentence", "nlu", "nlu_top"), coef[:4], strict=True)),
        "language_bias": dict(zip(languages, coef[4:], strict=True)),
        "validation": validation,
    }
    PATH.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"danger decision on {len(rows)} development texts ({', '.join(sorted(set(sets)))})")
    print(
        f"{'lang':<6} {'recall':>15} {'false alarms':>15}   (each set left out | any one layer)"
        "   the number: recall, on not-danger texts"
    )
    new, old = validation["each_set_left_out"], validation["any_one_layer_before"]
    number = validation["number_each_set_left_out"]
    for lang in languages:
        a, b = new["per_language"][lang], old["per_language"][lang]
        c = number["per_language"][lang]
        print(
            f"{lang:<6} {a[0]:7.3f} {b[0]:7.3f} {a[1]:7.3f} {b[1]:7.3f}   {c[0]:7.3f} {c[1]:7.3f}"
        )
    print(
        f"{'all':<6} {new['recall']:7.3f} {old['recall']:7.3f} "
        f"{new['false_alarms']:7.3f} {old['false_alarms']:7.3f}   "
        f"{number['recall']:7.3f} {number['false_alarms']:7.3f}   "
        f"missed {new['danger_missed']} vs {old['danger_missed']}, "
        f"the number {number['danger_missed']}"
    )
    alone = validation["number_app_line_alone_each_set_left_out"]
    print(
        f"the number with the app's line alone (no line for the NLU's danger set aside): "
        f"{alone['recall']:.3f} {alone['false_alarms']:.3f}, missed {alone['danger_missed']}"
    )
    print(validation["lexicon_catches_overruled"] + " overruled by the veto")
    print(
        f"weights {out['weights']} threshold {out['threshold']} veto {out['veto']} "
        f"soft {out['soft']}; "
        f"wrote {PATH.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
