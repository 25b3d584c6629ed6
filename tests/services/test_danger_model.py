"""The danger net's learned layer (webhooks/services/danger_model.py) and how the app uses it."""

from __future__ import annotations

import json

import pytest

from webhooks.services import danger_model, safety
from webhooks.services.danger_model import DangerModel, Example, train
from webhooks.services.safety import MODEL, detect_danger, scan_for_danger
from webhooks.services.text import Body, normalise


def test_the_model_file_is_built_from_the_current_nlu_data():
    from scripts.build_danger_model import examples

    data = json.loads(danger_model.MODEL_PATH.read_text(encoding="utf-8"))
    assert data["digest"] == danger_model.digest(examples()), (
        "nlu_data (or a setting of the model) changed: run `make danger-model`"
    )
    # Chosen by cross-validation for recall, within the false-alarm target on other intents.
    assert 0.0 < data["threshold"] < 1.0
    assert data["validation"]["cv_false_alarms"] <= danger_model.TARGET_FALSE_ALARMS + 0.005


def test_training_separates_what_it_was_shown():
    rows = [
        ("en", "report_danger", f"he has a {w} and he is hitting me")
        for w in "gun knife bat".split()
    ]
    rows += [("en", "greet", f"hi there how are you {w}") for w in "today friend sir".split()]
    rows += [("en", "ask_shelter", f"where is a shelter in {w}") for w in "town ohio texas".split()]
    model = DangerModel(*train(danger_model.examples_from(rows)), threshold=0.5)
    assert model.is_danger(normalise("he has a gun and is hitting me"))
    assert not model.is_danger(normalise("hi how are you today"))
    assert model.probability("") == 0.0


def test_training_is_deterministic():
    rows = [Example("en", "report_danger", "he hit me"), Example("en", "greet", "hello")]
    assert train(rows) == train(rows)


def test_not_safe_answers_teach_neither_class():
    rows = [("en", "not_safe", "no he reads my phone"), ("en", "greet", "hi"), ("en", "x", "")]
    assert [e.intent for e in danger_model.examples_from(rows)] == ["greet"]


# Texts the lexicon has no pattern for, in several languages: the learned layer catches them,
# and the app's net (detect_danger) reports the layer as the source.
@pytest.mark.parametrize(
    "text",
    [
        "hes back and hes drunk and he said this time i wont walk away",
        "the manager took everyones passports and the gate is locked at night",
        "ils ont pris mon passeport et je dois rester dans la chambre",
        "anh ta nói nếu tôi bỏ trốn thì gia đình tôi sẽ gặp chuyện",
    ],
)
def test_the_learned_layer_catches_what_the_lexicon_does_not_know(text):
    body = Body.of(text)
    hit = detect_danger(body)
    assert hit is not None
    if scan_for_danger(body) is None:
        assert hit.language == MODEL


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "where is the nearest shelter",
        "thank you so much",
        "what are your hours",
        "¿cuánto cobran por un abogado?",
        "你好",
    ],
)
def test_ordinary_texts_raise_no_alarm(text):
    assert detect_danger(Body.of(text)) is None


def test_a_broken_model_leaves_the_lexicon_in_charge(monkeypatch, caplog):
    def broken():
        raise ValueError("corrupt model file")

    monkeypatch.setattr(safety.danger_model, "model", broken)
    assert detect_danger(Body.of("he has a gun")) is not None  # the lexicon's hit
    assert detect_danger(Body.of("where is the nearest shelter")) is None
    assert "danger model unavailable" in caplog.text


def test_the_model_is_loaded_once():
    assert danger_model.model() is danger_model.model()


def test_a_language_we_do_not_speak_gets_the_lexicon_only():
    text = "the manager took everyones passports and the gate is locked at night"
    assert detect_danger(Body.of(text)) is not None
    assert detect_danger(Body.of(text), learned=False) is None
    assert detect_danger(Body.of("he has a gun"), learned=False) is not None


# Documents held and a debt are a situation to screen, not danger now: the texter gets the
# screening questions, not the emergency number. Held documents with a locked gate, a guard or a
# threat are danger (above). Training examples that taught "passport taken" only as danger had
# tipped the first kind over the line.
@pytest.mark.parametrize(
    "text",
    [
        "my boss took my passport and says i owe him money",
        "the agency keeps my id card and takes half my pay for the debt",
        "mi jefe tiene mi pasaporte y dice que le debo el viaje",
        "l agence garde mon passeport et dit que je dois rembourser le billet",
    ],
)
def test_a_situation_to_screen_is_not_an_emergency(text):
    assert detect_danger(Body.of(text)) is None


# --- the sentence encoder and its machine ----------------------------------------------------


def test_the_encoder_file_belongs_to_the_model_and_to_the_installed_encoder():
    import numpy as np

    data = json.loads(danger_model.MODEL_PATH.read_text(encoding="utf-8"))
    with np.load(danger_model.ENCODER_PATH, allow_pickle=False) as stored:
        assert str(stored["digest"]) == data["digest"], "run `make danger-model`"
        assert stored["vectors"].shape == (len(stored["coef"]), 512)
    # The support vectors are embeddings made by one version of the encoder (pinned in
    # pyproject.toml): another version's embeddings would be scored against the wrong vectors.
    assert data["encoder"] == f"{danger_model.ENCODER_PACKAGE}=={danger_model.encoder_version()}"
    assert data["validation"]["cv_false_alarms"] <= danger_model.TARGET_FALSE_ALARMS + 0.005
    # Both scorers together recall more at the same false alarms than the n-grams alone.
    assert data["validation"]["cv_recall"] > data["ngram_validation"]["cv_recall"]
    assert danger_model.model().machine is not None


def test_the_machine_decides_as_the_support_vector_machine_it_was_fitted_as():
    import numpy as np
    from sklearn.svm import SVC

    rng = np.random.default_rng(0)
    points = rng.normal(size=(80, 512)).astype(np.float32)
    points[:40, :8] += 1.5
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    danger = [True] * 40 + [False] * 40
    machine = danger_model.fit_machine(points, danger)
    svm = SVC(C=danger_model.SVM_C, kernel="rbf", gamma="scale", class_weight="balanced")
    svm.fit(points, danger)
    probes = rng.normal(size=(20, 512)).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    # Half-precision support vectors move a decision by far less than this.
    assert np.allclose(machine.decision(probes), svm.decision_function(probes), atol=5e-3)
    assert (machine.decision(points[:40]) > 0).all() and (machine.decision(points[40:]) < 0).all()


# Danger texts from the development sets (eval/heldout_v6 to v8) that no lexicon pattern and not
# the n-grams alone catch: the sentence machine, which reads meaning across wordings, does.
@pytest.mark.parametrize(
    ("text", "language"),
    [
        # (A boat with passports held, the third example here before NLU data round eight
        # taught the n-grams boats and held papers, a Portuguese worker with an electric
        # shock the foreman ignores, before round ten, and a Filipino whose agent will "take
        # care" of the family, before round thirteen taught indirect threats to family: the
        # n-grams catch them alone now.)
        (
            "нас привезли на квартиру, говорили будем официантками, а теперь сказали надо "
            "обслуживать мужчин, первый уже пришёл",
            "ru",
        ),
    ],
)
def test_the_sentence_machine_catches_what_the_ngrams_miss(text, language):
    body = Body.of(text)
    layer = danger_model.model()
    assert scan_for_danger(body) is None
    assert not layer.ngrams.is_danger(body.normalised)
    assert layer.margin(body, language) > 0
    hit = detect_danger(body, language=language)
    assert hit is not None and hit.language == MODEL


def test_vietnamese_is_scored_by_the_ngrams_alone():
    layer = danger_model.model()
    body = Body.of("chủ nhà hàng khóa cửa kho không cho tụi em ra ngoài")
    ngrams_alone = danger_model._logit(layer.ngrams.probability(body.normalised)) - (
        danger_model._logit(layer.ngrams.threshold)
    )
    assert layer.margin(body, "vi") == pytest.approx(ngrams_alone)
    assert layer.margin(body, "en") != pytest.approx(ngrams_alone)


@pytest.mark.parametrize(
    ("text", "language", "latin"),
    [
        ("صاحبتي طلعت من عند المدام", "ar", False),
        ("bei qiang po xi le na ge bai fen", "zh", True),
        # (Russian, Korean and Arabic in Latin letters are read back into their own scripts
        # first: test_transliteration.py.)
        ("меня заперли в подвале", "ru", False),
        ("they locked me in the basement", "en", False),
    ],
)
def test_romanised_text_is_scored_by_the_ngrams_alone(text, language, latin):
    """The encoder learned Chinese in characters; pinyin is foreign to it (an Arabizi shelter
    question scored as danger by the encoder alone, before Arabizi was read back into Arabic
    letters and the n-grams kept their own reading beside it, took a scripted conversation off
    its path)."""
    layer = danger_model.model()
    body = Body.of(text)
    assert danger_model.romanised(body.normalised, language) is latin
    if latin:
        assert layer.scores(body, language)[1] is None
    elif layer.machine is not None:
        assert layer.scores(body, language)[1] is not None


def test_a_failing_encoder_leaves_the_ngrams_in_charge(monkeypatch, caplog):
    def broken(texts):
        raise MemoryError("no room for the encoder")

    monkeypatch.setattr(danger_model, "embed", broken)
    text = "hes back and hes drunk and he said this time i wont walk away"
    assert scan_for_danger(Body.of(text)) is None
    assert detect_danger(Body.of(text)) is not None  # the n-grams' own hit
    assert detect_danger(Body.of("where is the nearest shelter")) is None
    assert "sentence encoder failed" in caplog.text


def test_a_missing_encoder_file_loads_the_ngrams_alone(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(danger_model, "ENCODER_PATH", tmp_path / "absent.npz")
    layer = danger_model.model.__wrapped__()
    assert layer.machine is None
    assert "sentence encoder unavailable" in caplog.text
    assert layer.is_danger(Body.of("hes back and hes drunk and he said this time i wont walk away"))
    assert not layer.is_danger(Body.of("where is the nearest shelter"))


def test_the_sentence_machine_learns_romanised_examples_from_their_readings():
    # It reads a romanised Russian, Korean or Arabic text's reading back at run time, so it
    # learns such an example from that reading, not from the Latin letters.
    text = "menya ne vypuskayut"
    translit = Example("ru", "report_danger", normalise(text), text)
    assert danger_model.machine_text(translit).startswith("меня не выпуска")
    arabizi = Example("ar", "ask_shelter", normalise("fi malja2?"), "fi malja2?")
    assert not danger_model.romanised(Body.of(danger_model.machine_text(arabizi)).normalised, "ar")
    english = Example("en", "greet", normalise("Hi there!"), "Hi there!")
    assert danger_model.machine_text(english) == "Hi there!"


def test_the_engine_learns_romanised_examples_from_the_apps_own_readings():
    from scripts.build_readings import PATH, readings, render

    found = readings()
    assert PATH.read_text(encoding="utf-8") == render(found), (
        "nlu_data or the readers changed: run `make danger-model`"
    )
    # Each is the reading the app sends with that text (inbound.py), in the language's script.
    assert len(found) > 500
    cyrillic = [r for t, r in found.items() if any("а" <= c <= "я" for c in r)]
    hangul = [r for r in found.values() if any("가" <= c <= "힣" for c in r)]
    assert cyrillic and hangul
    # Arabizi is learned as written (its reading back is too rough to learn from); the app's
    # own layer still reads it back.
    assert not [r for r in found.values() if any("\u0600" <= c <= "\u06ff" for c in r)]
    assert danger_model.reading("fi malja2?", "ar") is not None
    # ... and the engine gets it as written at run time too, as it learned it; Russian
    # translit still goes with its reading.
    assert danger_model.engine_reading("fi malja2?", "ar") is None
    assert danger_model.engine_reading("mne nuzhna pomoshch", "ru") is not None
    # A text that more than one language's examples hold is read as written.
    assert "ok" not in found
