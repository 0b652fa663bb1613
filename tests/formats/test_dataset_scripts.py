"""Training data from Urdu text: sentences end at Urdu's full stop and question mark."""

from annotator.formats.dataset import sentences_of, token_columns


def test_urdu_full_stop_and_question_mark_end_sentences():
    text = "پولیس نے کہا کہ حملہ ہوا۔ کیا کوئی زخمی ہوا؟ ابھی معلوم نہیں۔"
    tokens, starts, _ends, words, own = token_columns(text, {})
    sentences = sentences_of(text, tokens, own, starts, words)
    said = [text[tokens[r.start][0] : tokens[r.stop - 1][1]] for r in sentences]
    assert said == ["پولیس نے کہا کہ حملہ ہوا۔", "کیا کوئی زخمی ہوا؟", "ابھی معلوم نہیں۔"]


def test_bengali_danda_ends_sentences():
    text = "পুলিশ বলেছে। তদন্ত চলছে।"
    tokens, starts, _ends, words, own = token_columns(text, {})
    assert len(sentences_of(text, tokens, own, starts, words)) == 2
