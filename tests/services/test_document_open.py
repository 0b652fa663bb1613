"""The window reads a short document at once and a long one elsewhere: ``load_short_text`` hands over the
whole text of a short one and only the beginning of a long one, saying which."""

from __future__ import annotations

from annotator.formats.records import SourceRecord
from annotator.services.documents import load_short_text, load_text
from annotator.services.importing import import_records


def test_a_short_text_comes_whole_and_a_long_one_only_its_beginning(project):
    import_records(project, [(SourceRecord("t", "short", "Short", "पहलगाम में हमला", {"lang": "hi"}), 0)])
    long = "श्रीनगर Kupwara " * 100
    import_records(project, [(SourceRecord("t", "long", "Long", long, {}), 0)])
    short = load_short_text(project, 1, 15)
    assert short.complete and short.text == "पहलगाम में हमला" and short.title == "Short"
    assert short.meta == {"lang": "hi"} and short.external_id == "short"
    head = load_short_text(project, 2, 100)
    assert not head.complete and head.text == long[:101] and head.title == "Long"
    assert load_short_text(project, 2, len(long)).complete
    assert load_text(project, 2).text == long and load_text(project, 2).complete
