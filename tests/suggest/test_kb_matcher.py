"""The knowledge base's suggestion matcher is built from stored keys: Gazetteer.from_keys (with
Lexicon.from_joined) finds exactly what the gazetteer built from the same entries finds."""

from annotator.resources import resource_path
from annotator.suggest.gazetteer import DEFAULT_GAZETTEER, Gazetteer, read_entries
from annotator.suggest.keys import SEP

TEXT = (
    "पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने हमला किया। NIA और CRPF की टीम Pahalgam पहुँची; "
    "Jammu and Kashmir पुलिस ने LeT के दो लोगों को पकड़ा। जम्मू-कश्मीर में अलर्ट।"
)


def test_from_keys_matches_like_the_gazetteer_it_was_computed_by():
    entries = read_entries(resource_path(*DEFAULT_GAZETTEER))
    built = Gazetteer(entries)
    keys = [
        (SEP.join(sequence), n, score)
        for n, entry in enumerate(built.entries)
        for sequence, score in built.entry_keys(entry)
    ]
    quick = Gazetteer.from_keys(built.entries, keys)
    assert quick.find(TEXT) == built.find(TEXT)
    assert len(quick.find(TEXT)) >= 8
    assert quick._lexicon._index == built._lexicon._index
    assert quick._lexicon._prefixes == built._lexicon._prefixes
