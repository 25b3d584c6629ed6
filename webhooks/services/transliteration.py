"""Russian typed in Latin letters, read back into Cyrillic for the danger layer.

Texters who have no Cyrillic keyboard (a borrowed phone, a phone set up abroad) write Russian
in Latin letters, each in their own habit: "zh" or "z" for ж, "ya", "ja" or "9" for я, "sh" or
"w" for ш, "4" for ч, an apostrophe for ь. The learned layer's sentence encoder learned Russian
in Cyrillic only, and the n-grams saw far fewer translit examples than Cyrillic ones: on the
development sets (heldout_v4 to v27) the layer caught 148 of 171 Russian danger texts typed in
Latin letters as written, 168 read back into Cyrillic, with false alarms on the 96 such
not-danger texts going from 7 to 5. The reading need not be exact (ы for y, "uiti" for уйти):
normalising folds й into и and drops the soft sign's absence, and both scorers read through
small misspellings. Used only for a text of a Russian conversation that is mostly Latin letters
(``ngrams.romanised``); what is stored, shown to staff or sent to the engine is the text as
written.
"""

from __future__ import annotations

# Longest first: "shch" before "sh", "ya" before "y".
_SEQUENCES = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ts", "ц"),
    ("ya", "я"),
    ("ja", "я"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("yo", "ё"),
    ("jo", "ё"),
    ("ye", "е"),
    ("je", "е"),
    ("iy", "ий"),
    ("ij", "ий"),
    ("yj", "ый"),
    ("yy", "ый"),
    ("ay", "ай"),
    ("ey", "ей"),
    ("oy", "ой"),
    ("uy", "уй"),
    ("aj", "ай"),
    ("ej", "ей"),
    ("oj", "ой"),
    ("uj", "уй"),
)
_LETTERS = dict(zip("abvgdezijklmnoprstufhcwqxy'", "абвгдезийклмнопрстуфхцшкхыь", strict=True))
# Digits some texters use for letters ("4to", "m9so", "6kola"), only beside a letter.
_DIGITS = {"4": "ч", "6": "ш", "9": "я"}


def to_cyrillic(text: str) -> str:
    """The text with Latin letters read as Russian translit; everything else kept."""
    text = text.lower()
    out: list[str] = []
    i = 0
    while i < len(text):
        for latin, cyrillic in _SEQUENCES:
            if text.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            ch = text[i]
            beside_letter = (i > 0 and text[i - 1].isalpha()) or (
                i + 1 < len(text) and text[i + 1].isalpha()
            )
            if ch in _DIGITS and beside_letter:
                out.append(_DIGITS[ch])
            else:
                out.append(_LETTERS.get(ch, ch))
            i += 1
    return "".join(out)
