"""Russian, Korean and Arabic typed in Latin letters, read back into their own scripts for the
danger layer (webhooks/services/transliteration.py, danger_model.LearnedLayer.scores)."""

from __future__ import annotations

import pytest

from webhooks.services import danger_model
from webhooks.services.text import Body
from webhooks.services.transliteration import to_arabic, to_cyrillic, to_hangul


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("menya zaperli v podvale", "меня заперли в подвале"),
        ("ja ne mogu vyjti", "я не могу выйти"),  # j for й and я
        ("on menya b'yot", "он меня бьёт"),  # the apostrophe for ь
        ("shchas pridut", "щас придут"),  # longest sequence first
        ("4to mne delat", "что мне делат"),  # a digit for a letter beside letters
        ("m9so", "мясо"),
        ("zhara 40 gradusov", "жара 40 градусов"),  # numbers stay numbers
        ("Pomogite!!", "помогите!!"),
    ],
)
def test_latin_letters_are_read_as_russian(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def test_text_without_latin_letters_is_kept():
    assert to_cyrillic("меня бьют 😢 112") == "меня бьют 😢 112"


def test_the_layer_reads_russian_translit_in_cyrillic_with_both_scorers():
    layer = danger_model.model()
    if layer.machine is None:
        pytest.skip("the sentence encoder is not available")
    latin = Body.of("hozyain zaper nas v podvale i zabral pasporta, ne vypuskaet")
    cyrillic = Body.of(to_cyrillic(latin.bounded))
    ngram_logit, sentence = layer.scores(latin, "ru")
    # Read as written, a Latin-letter text is foreign to the encoder and gets no sentence score;
    # read back into Cyrillic it gets one, the same as the Cyrillic text's.
    assert sentence is not None
    assert (ngram_logit, sentence) == layer.scores(cyrillic, "ru")
    assert layer.margin(latin, "ru") > 0
    # The body itself is untouched: what is stored and sent on is the text as written.
    assert latin.raw.startswith("hozyain")


def test_pinyin_is_not_read_back():
    layer = danger_model.model()
    # Pinyin has no reading back without a dictionary: the n-grams decide alone, as before.
    assert layer.scores(Body.of("laoban ba women suo zai li mian"), "zh")[1] is None
    # Without the conversation's language nothing is read back.
    text = Body.of("menya zaperli")
    assert layer.scores(text, None)[0] != layer.scores(text, "ru")[0]


@pytest.mark.parametrize(
    ("latin", "hangul"),
    [
        ("jigeum", "지금"),  # a consonant between vowels starts the next syllable
        ("dowajuseyo", "도와주세요"),
        ("annyeonghaseyo", "안녕하세요"),
        ("sajangnim i ttaeryeoyo", "사장님 이 때려요"),
        # phonetic where the sound allows two spellings (뺏 as 뺃); between parses that cost
        # the same, the syllables Korean texters write more often (겼어요, not 겨써요)
        ("yeogwon ppaetgyeosseoyo", "여권 뺃겼어요"),
        ("ganggan", "강간"),  # not 간깐: 강 is the commoner syllable
        ("bangeum", "방금"),  # informal: the g of ㅇ written once
        ("jigeum ttaerigo isseoyo", "지금 때리고 있어요"),
        ("doum!! 112", "도움!! 112"),  # numbers and punctuation stay
        ("xtz", "xtz"),  # not Korean syllables: kept as written
    ],
)
def test_romanised_korean_is_read_as_hangul(latin, hangul):
    assert to_hangul(latin) == hangul


@pytest.mark.parametrize(
    ("arabizi", "arabic"),
    [
        ("3andi", "عندي"),  # digits for the letters Latin lacks
        ("m7bousa", "محبوسا"),  # a short vowel inside a word is not written
        ("khalli", "خلي"),
        ("sa7bti 9alet", "سحبتي قلت"),
        ("2 ayam", "2 ايم"),  # a number alone stays a number
    ],
)
def test_arabizi_is_read_as_arabic_letters(arabizi, arabic):
    assert to_arabic(arabizi) == arabic


@pytest.mark.parametrize(
    ("text", "language", "read_back"),
    [
        ("sajangi munul jamgasseoyo, yeogwondo gajyeogasseoyo, mot nagayo", "ko", to_hangul),
        ("el kafeel 2afal 3alayna el bab w akhad el basbor", "ar", to_arabic),
    ],
)
def test_the_layer_reads_korean_and_arabizi_back_and_keeps_the_better_ngrams(
    text, language, read_back
):
    layer = danger_model.model()
    if layer.machine is None:
        pytest.skip("the sentence encoder is not available")
    latin = Body.of(text)
    native = Body.of(read_back(latin.bounded))
    ngram_logit, sentence = layer.scores(latin, language)
    # The encoder reads the reading back; the n-grams the better of the two readings, since
    # romanisation follows the sound (Korean) or leaves vowels out (Arabic) and the reading back
    # is misspelt where it does.
    assert sentence == layer.scores(native, language)[1]
    assert ngram_logit == max(
        danger_model._logit(layer.ngrams.probability(latin.normalised)),
        danger_model._logit(layer.ngrams.probability(native.normalised)),
    )
