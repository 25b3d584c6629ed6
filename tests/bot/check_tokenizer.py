"""Runs in the Rasa engine's environment (`make bot-test`): the custom tokenizer's behaviour."""

from __future__ import annotations

import logging

logging.disable(logging.WARNING)

from components.cjk_tokenizer import CJKAwareTokenizer, fold  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

CASES = {
    "我需要帮助": ["我", "需", "要", "帮", "助"],
    "他有枪 help": ["他", "有", "枪", "help"],
    "안녕하세요 도움이 필요해요": ["안녕하세요", "도움이", "필요해요"],
    "tôi cần giúp đỡ 👍🏽": ["tôi", "cần", "giúp", "đỡ"],
    "مرحبا أحتاج مساعدة": ["مرحبا", "أحتاج", "مساعدة"],
    "he has a gun!!": ["he", "has", "a", "gun"],
}

# The lemma the character n-grams read: typed with marks or without, the same.
LEMMAS = {
    "Tôi bị nhốt, đi đâu?": ["toi", "bi", "nhot", "di", "dau"],
    "أنا محبـــوسة في غرفة": ["انا", "محبوسه", "في", "غرفه"],
    "إلى مستشفى": ["الي", "مستشفي"],
    "Él está AQUÍ": ["el", "esta", "aqui"],
    "уйду ёлка": ["уиду", "елка"],
    "안녕하세요 도움이": ["안녕하세요", "도움이"],
    "他有枪": ["他", "有", "枪"],
}


def main() -> None:
    tokenizer = CJKAwareTokenizer(CJKAwareTokenizer.get_default_config())
    for text, expected in CASES.items():
        tokens = tokenizer.tokenize(Message.build(text=text), "text")
        got = [t.text for t in tokens]
        assert got == expected, f"{text!r}: {got} != {expected}"
        for token in tokens:  # offsets point at the token in the original text
            assert text[token.start : token.end] == token.text, (text, token.text)
    for text, expected in LEMMAS.items():
        tokens = tokenizer.tokenize(Message.build(text=text), "text")
        got = [t.lemma for t in tokens]
        assert got == expected, f"{text!r}: {got} != {expected}"
        assert [fold(t.text) for t in tokens] == got
    print(f"tokenizer: {len(CASES) + len(LEMMAS)} cases ok")


if __name__ == "__main__":
    main()
