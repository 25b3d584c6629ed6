"""The danger lexicon on the held-out sets (never trained on), and its patterns' shape."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from scripts.nlu_examples import nlu_examples
from webhooks.config import REPO_ROOT
from webhooks.i18n import supported_languages
from webhooks.services import safety
from webhooks.services.safety import LEXICON_DIR, scan_for_danger
from webhooks.services.text import FOLD_LETTERS, MATCH_LIMIT, Body

HELDOUT = Path(__file__).resolve().parents[2] / "eval" / "heldout_v2"
# Floors, per language, for the lexicon alone (`make eval` prints the figures; the NLU adds to
# recall). Below these the safety net has regressed.
MIN_RECALL = 0.9
MAX_FALSE_ALARMS = 0.12
# A quantified group that holds an unbounded quantifier ("(a+)+", "(\w+ )*"): the shape that
# backtracks for long.
NESTED = re.compile(r"\([^()]*[+*][^()]*\)([+*]|\{\d+,\})")


def _heldout(language: str) -> dict:
    return yaml.safe_load((HELDOUT / f"{language}.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", supported_languages())
def test_lexicon_recall_and_false_alarms_on_the_heldout_set(language: str) -> None:
    data = _heldout(language)
    caught = [scan_for_danger(Body.of(t)) is not None for t in data["danger"]]
    alarms = [scan_for_danger(Body.of(t)) is not None for t in data["not_danger"]]
    assert len(caught) >= 25 and len(alarms) >= 25
    missed = [t for t, c in zip(data["danger"], caught, strict=True) if not c]
    false = [t for t, a in zip(data["not_danger"], alarms, strict=True) if a]
    assert sum(caught) / len(caught) >= MIN_RECALL, missed
    assert sum(alarms) / len(alarms) <= MAX_FALSE_ALARMS, false


def test_no_pattern_nests_unbounded_quantifiers() -> None:
    nested = [
        f"{path.name}: {line[:80]}"
        for path in sorted(LEXICON_DIR.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#") and NESTED.search(line)
    ]
    assert nested == []


def test_the_longest_text_is_matched_whole() -> None:
    # At the bound: a long, repetitive text still reaches the end (a hit at the very end).
    body = Body.of(("me " * (MATCH_LIMIT // 3 - 10)) + "he has a gun")
    assert scan_for_danger(body) is not None


def test_laughter_is_hyperbole_to_the_lexicon() -> None:
    assert scan_for_danger(Body.of("my sister is gonna kill me lol")) is None
    assert scan_for_danger(Body.of("my sister is gonna kill me")) is not None
    # Laughing emoji are dropped by normalising, so they are looked for in the text as received.
    for emoji in ("😂", "🤣", "💀"):
        assert scan_for_danger(Body.of(f"امي رح تدبحني {emoji}")) is None
    for emoji in ("😭", "😰", "😱"):  # fear and tears are no joke
        assert scan_for_danger(Body.of(f"امي رح تدبحني {emoji}")) is not None


def test_patterns_are_folded_as_the_text_is() -> None:
    # Korean laughter is typed in compatibility jamo (ㅋㅋ), which the text's normalisation turns
    # into conjoining jamo; a pattern spelled with й or ё meets text where they are и and е.
    assert scan_for_danger(Body.of("보고서 때문에 미치겠다 살려줘 ㅋㅋ")) is None
    assert scan_for_danger(Body.of("살려줘")) is not None
    assert all(not any(unicodedata.combining(ch) for ch in line) for _, line in safety._lines())
    assert "ㅋ" not in "".join(line for _, line in safety._lines())


@pytest.mark.parametrize(
    "typed",
    [
        "عنده اسلحة في البيت وهيقتلني",  # as the pattern spells it
        "عنده اسلحه في البيت وهيقتلني",  # ة typed as ه
        "عنده اسلـــحة في البيت وهيقتلني",  # stretched with tatweel
    ],
)
def test_arabic_letters_typed_either_way_meet_the_same_pattern(typed: str) -> None:
    assert scan_for_danger(Body.of(typed)) is not None
    assert not any(ch in "ةىـđ" for _, line in safety._lines() for ch in line)


def test_the_engine_folds_the_letters_the_app_folds() -> None:
    # The engine's tokenizer keeps its own copy of FOLD_LETTERS (it cannot import the app). If the
    # two drift, the NLU's character n-grams and the app's lexicon and layer read a text typed
    # without marks differently. The copy is read from the engine's source, as a literal.
    source = REPO_ROOT / "bot" / "components" / "cjk_tokenizer.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    (copy,) = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "_FOLD_LETTERS" for t in node.targets)
    ]
    assert isinstance(copy, ast.Call) and ast.unparse(copy.func) == "str.maketrans"
    assert str.maketrans(ast.literal_eval(copy.args[0])) == FOLD_LETTERS


def test_no_exemption_silences_a_written_danger_example() -> None:
    # An exemption silences the whole lexicon on a text, in every language: laughter written as a
    # prefix ("haha\\w*") silenced Tagalog "hahanapin nila ako at papatayin" (they will look for me
    # and kill me), Vietnamese "kaka" Tagalog "kaka text", Tagalog "char" Quebec French "le char"
    # (the car), Arabic "لول" "قالولي" (they told me). None may match a report_danger example.
    silenced = [
        (language, text)
        for language, intent, text in nlu_examples()
        if intent == "report_danger"
        and (
            safety.LAUGHTER_EMOJI.search(text)
            or any(e.search(Body.of(text).normalised) for e in safety._exemptions())
        )
    ]
    assert silenced == []


@pytest.mark.parametrize(
    "text",
    [
        "sabi nila pag tumakas ako hahanapin nila ako at papatayin",
        "ils sont armes dans le char pis y disent que si qqn appelle le 911 on est morts",
        "قالولي اذا هربت رح يقتلوني",
        "мой хахаль меня бьет каждый день",
    ],
)
def test_words_that_begin_like_laughter_are_not_laughter(text: str) -> None:
    assert scan_for_danger(Body.of(text)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "my sister is gonna kill me hahaha",
        "me va a matar jajaja",
        "убьют меня ахахах",
        "ele vai me matar kkkk",
    ],
)
def test_laughter_words_still_mark_hyperbole(text: str) -> None:
    assert scan_for_danger(Body.of(text)) is None


def test_what_happens_on_a_screen_is_not_danger_to_the_lexicon() -> None:
    assert (
        scan_for_danger(Body.of("watched a movie where they kidnap a girl, couldnt sleep")) is None
    )
    assert scan_for_danger(Body.of("어제 드라마 봤는데 납치 장면 너무 무섭더라")) is None
    # Being filmed is no show: "quay phim" (filming) is not "xem phim" (watching a film).
    assert scan_for_danger(Body.of("no bat coc e va quay phim")) is not None


@pytest.mark.parametrize(
    ("text", "danger"),
    [
        # French "enferm…" (locked in) was also a bare stem, which fired on the Spanish and
        # Portuguese words for nurse and sick ("enfermera", "enfermeira", "enfermo").
        ("minha tia e enfermeira no hospital", False),
        ("la enfermera me dio la receta", False),
        ("ils m ont enfermee dans la cave", True),
        # Dating slang is no shooting; a shooting is.
        ("she shot her shot and he left her on read", False),
        ("he shot her", True),
        # A sheep for the feast is not a throat cut; a threat is.
        ("on a egorge le mouton pour la tabaski", False),
        ("il menace de m egorger", True),
        # Hunting guns on a hunt; the boss's gun in his hand.
        ("할아버지가 엽총 손질하심", False),
        ("사장이 엽총 들고 왔어요", True),
        ("в субботу на охоту, ружье почистил", False),
        ("у хозяина ружье, он стреляет", True),
        # Laughter is a whole word, inside a pattern's own exemptions too ("хахаль": lover).
        ("мой хахаль убьет меня", True),
        # A water pistol is a toy in every language; a pistol is not.
        ("my son wants a water gun for his birthday", False),
        ("he has a gun", True),
        ("mi hijo quiere una pistola de agua", False),
        ("il veut un pistolet a eau pour son anniv", False),
        ("сын хочет водяной пистолет", False),
        ("ele quer uma pistola de agua", False),
        ("у него пистолет", True),
        # Spanish "me apuntó" (he aimed at me) loses its accent; "cómo me apunto" is signing up.
        ("como me apunto de voluntaria", False),
        ("me apunto con la pistola", True),
    ],
)
def test_ordinary_uses_of_danger_words(text: str, danger: bool) -> None:
    assert (scan_for_danger(Body.of(text)) is not None) is danger


@pytest.mark.parametrize(
    ("text", "danger"),
    [
        # Past and over: history told by a texter safe now; the same history coming back is not.
        ("my ex used to beat me but i left 3 years ago and im safe now, counselling?", False),
        ("my ex used to beat me, i was safe for a year but he found me tonight", True),
        ("he used to lock me in the basement, im safe now but he is outside", True),
        ("il y a deux ans mon patron me frappait, aujourd hui je suis en securite", False),
        ("il y a deux ans il me frappait et ce soir il est revenu", True),
        ("кадровик бил меня раньше, теперь я в безопасности в другом городе", False),
        ("раньше он бил меня, и сегодня ночью опять бьет", True),
        ("dati sinasaktan ako ng amo ko pero safe na ako ngayon", False),
        ("dati sinasaktan ako ng amo ko, bumalik siya ngayon", True),
        # Hyperbole about an everyday cause; a threat, or a threat to family, is not.
        ("my coach is gonna kill me if im late to practice", False),
        ("they will kill my mother if i talk", True),
        ("he will kill me if i leave, he has a gun", True),
        ("mi jefa me mata si llego tarde a la tienda", False),
        ("me mata si hablo con la policia", True),
        ("ce prof va me tuer avec ses devoirs", False),
        ("il va me tuer si je parle", True),
        ("bai thi hom nay giet em roi", False),
        ("no noi se giet em neu em bao cong an", True),
        # A knife to buy or sharpen; a knife held on someone.
        ("que cuchillo me recomiendan para deshuesar pollo", False),
        ("me amenazo con un cuchillo", True),
        ("qual faca e boa pra desossar frango", False),
        ("ele ta com uma faca na minha garganta", True),
        # A dream told; the same words happening now.
        ("j ai reve qu on m enfermait dans une cave", False),
        ("i dreamt he locked me in, now he really did, i cant get out", True),
        ("приснилось что меня заперли в подвале", False),
        # Threats in slang (heldout_v16, a development set now).
        ("la patronne envoie ses gars chez ma mere si je parle", True),
        ("pas d argent ce soir il me finit", True),
        # Hunting with a rifle; being hunted.
        ("going deer hunting with my uncle, need to clean the rifle", False),
        ("he said he will hunt me down with his rifle", True),
        # A game on a screen; "the game is over" said by a man with a threat (heldout_v17's
        # review: a bare "game" once silenced the lexicon on it, in every language).
        ("choi game nay bi giet hoai", False),
        ("he said the game is over, he will kill me", True),
        ("game over roi, no noi se giet em toi nay", True),
        # Plugging in a charger ("saksak" also stabs); stabbed.
        ("sinaksak ko na charger lowbat", False),
        ("sinaksak nila yung kasama ko", True),
        # The Eid sheep slaughtered; a threat to slaughter the texter.
        ("ذبحنا خروف العيد اليوم", False),
        ("هددني انه بيذبحني اذا هربت", True),
    ],
)
def test_history_hyperbole_and_chores_are_not_danger_now(text: str, danger: bool) -> None:
    assert (scan_for_danger(Body.of(text)) is not None) is danger
