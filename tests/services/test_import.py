"""Importing plain text, JSONL and CSV: normalization, dedup by content hash, bad records, strict mode."""

import json
import unicodedata

import pytest
from sqlalchemy import func, select

from annotator.errors import AnnotatorError
from annotator.progress import CancelFlag
from annotator.services.importing import import_paths
from annotator.store.models import Document, Entity
from annotator.text.normalization import content_hash
from tests.conftest import corpus


def docs(project):
    with project.session() as s:
        return s.execute(select(Document).order_by(Document.id)).scalars().all()


def write_jsonl(path, objs, raw_lines=()):
    lines = [json.dumps(o, ensure_ascii=False) for o in objs] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_plain_text_file_title_and_normalization(project, tmp_path):
    f = tmp_path / "a.txt"
    # CRLF, and a precomposed nukta letter (U+095C) that NFC decomposes
    f.write_bytes("पहलगाम हमला\r\n\r\nसड़क पर \u095c हमला।\r\nदूसरी पंक्ति\r\n".encode())
    report = import_paths(project, [f])
    assert report.ok and report.documents_added == 1
    (doc,) = docs(project)
    assert doc.title == "पहलगाम हमला"
    # the title line stays in the text: it is often the lead, and nothing labellable is taken away
    assert doc.text == "पहलगाम हमला\n\nसड़क पर \u0921\u093c हमला।\nदूसरी पंक्ति"
    assert unicodedata.is_normalized("NFC", doc.text) and "\r" not in doc.text
    assert doc.content_hash == content_hash(doc.text)
    assert doc.external_id == "a.txt"


def test_folder_recursive_with_bad_file(project, tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "one.txt").write_text("One\nFirst body.", encoding="utf-8")
    (tmp_path / "in" / "sub" / "two.txt").write_text("दो\nदूसरा लेख।", encoding="utf-8")
    (tmp_path / "in" / "sub" / "bad.txt").write_bytes(b"Title\nbody \xe9 latin-1\n")
    (tmp_path / "in" / "notes.md").write_text("ignored")
    report = import_paths(project, [tmp_path / "in"])
    assert report.documents_added == 2
    assert [d.external_id for d in docs(project)] == ["one.txt", "sub/two.txt"]
    (err,) = report.errors
    assert "bad.txt" in str(err) and "byte 11" in str(err) and "UTF-8" in str(err)


def test_utf16_and_bom(project, tmp_path):
    (tmp_path / "le.txt").write_bytes("\ufeffशीर्षक\nयूटीएफ-16 पाठ".encode("utf-16-le"))
    (tmp_path / "bom8.txt").write_bytes(b"\xef\xbb\xbfTitle\nUTF-8 with BOM")
    report = import_paths(project, [tmp_path / "le.txt", tmp_path / "bom8.txt"])
    assert report.ok, report.errors
    assert sorted(d.title for d in docs(project)) == ["Title", "शीर्षक"]


def test_jsonl_fields_meta_and_bad_lines(project, tmp_path):
    f = write_jsonl(
        tmp_path / "d.jsonl",
        [
            {
                "id": "n1",
                "title": "T1",
                "text": "Army post attacked in Kupwara.",
                "url": "https://x.example/1",
                "source": "Wire",
                "published": "2025-04-22",
                "lang": "en",
                "section": "J&K",
            },
            {"id": 7, "text": "पुलिस ने दो संदिग्धों को गिरफ़्तार किया।"},
        ],
        raw_lines=[
            '{"id": "broken", "text": ',
            '["not", "an", "object"]',
            '{"id": "nt", "title": "no text"}',
            "",
        ],
    )
    report = import_paths(project, [f])
    assert report.documents_added == 2
    a, b = docs(project)
    assert a.external_id == "n1" and a.title == "T1"
    assert a.meta == {
        "url": "https://x.example/1",
        "source": "Wire",
        "published": "2025-04-22",
        "lang": "en",
        "section": "J&K",
    }
    assert b.external_id == "7"
    messages = [str(e) for e in report.errors]
    assert messages == [
        f"{f}:3: invalid JSON: Expecting value (column 26)",
        f"{f}:4: expected a JSON object, found list",
        f"{f}:5: missing field 'text'",
    ]


def test_jsonl_bad_utf8_line_keeps_others(project, tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_bytes(b'{"text": "good one"}\n{"text": "bad \xff byte"}\n{"text": "good two"}\n')
    report = import_paths(project, [f])
    assert report.documents_added == 2
    (err,) = report.errors
    assert str(err).startswith(f"{f}:2: invalid UTF-8 at byte 35 (0xFF)")


def test_csv_fields_multiline_and_errors(project, tmp_path):
    f = tmp_path / "d.csv"
    f.write_text(
        "id,title,text,lang,desk\n"
        'c1,First,"Line one\nline two, with comma",en,national\n'
        "c2,Second,,en,x\n"
        'c3,Third,"तीसरा लेख",hi,राज्य\n'
        "c4,Fourth,too,many,columns,here\n",
        encoding="utf-8",
    )
    report = import_paths(project, [f])
    assert [d.external_id for d in docs(project)] == ["c1", "c3"]
    assert docs(project)[0].text == "Line one\nline two, with comma"
    assert docs(project)[1].meta == {"lang": "hi", "desk": "राज्य"}
    assert [str(e) for e in report.errors] == [
        f"{f}:4: field 'text' is empty",
        f"{f}:6: expected 5 columns, found 6",
    ]


def test_csv_without_text_column(project, tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("id,body\n1,hello\n", encoding="utf-8")
    report = import_paths(project, [f])
    assert report.documents_added == 0
    assert "no 'text' column" in str(report.errors[0])


def test_doccano_utf16_csv(project):
    path = corpus("doccano", "data_import", "tests", "data", "example.utf16.csv")
    report = import_paths(project, [path])
    assert report.ok, report.errors
    assert report.documents_added >= 1
    assert all("\r" not in d.text for d in docs(project))


def test_reimport_same_text_creates_no_second_document(project, tmp_path):
    f = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": "एक ही पाठ"}])
    g = write_jsonl(
        tmp_path / "b.jsonl",
        [{"id": "other-id", "title": "new title", "text": "एक ही पाठ"}, {"text": "एक ही पाठ"}],
    )
    assert import_paths(project, [f]).documents_added == 1
    report = import_paths(project, [g])
    assert (report.documents_added, report.documents_existing) == (0, 2)
    (doc,) = docs(project)
    assert doc.external_id == "x"  # the stored document is not touched


def test_dedup_without_on_conflict_support(project, tmp_path, monkeypatch):
    """Databases without INSERT … ON CONFLICT take the look-up path; same outcome."""
    from annotator.services.importing import _DocumentInserter

    monkeypatch.setattr(_DocumentInserter, "SKIP_DUPLICATES_DIALECTS", ())
    f = write_jsonl(
        tmp_path / "a.jsonl", [{"id": "x", "text": "एक"}, {"id": "y", "text": "दो"}, {"text": "एक"}]
    )
    report = import_paths(project, [f])
    assert (report.documents_added, report.documents_existing) == (2, 1)
    report = import_paths(project, [f])
    assert (report.documents_added, report.documents_existing) == (0, 3)
    assert [d.external_id for d in docs(project)] == ["x", "y"]


def test_same_text_after_normalization_is_the_same_document(project, tmp_path):
    f = write_jsonl(tmp_path / "a.jsonl", [{"text": "सड़क\r\n"}, {"text": "स\u095c\u0915\n"}])
    report = import_paths(project, [f])
    assert (report.documents_added, report.documents_existing) == (1, 1)


def test_strict_imports_nothing_when_a_record_is_bad(project, tmp_path):
    import_paths(project, [write_jsonl(tmp_path / "pre.jsonl", [{"text": "already stored"}])])
    f = write_jsonl(tmp_path / "d.jsonl", [{"text": "good"}, {"title": "no text"}, {"text": "also good"}])
    report = import_paths(project, [f], strict=True)
    assert report.strict_rolled_back and report.documents_added == 0
    assert [str(e) for e in report.errors] == [f"{f}:2: missing field 'text'"]
    assert [d.text for d in docs(project)] == ["already stored"]


def test_strict_with_good_input_imports(project, tmp_path):
    f = write_jsonl(tmp_path / "d.jsonl", [{"text": "good"}, {"text": "also good"}])
    report = import_paths(project, [f], strict=True)
    assert report.ok and report.documents_added == 2


def test_progress_and_batches(project, tmp_path):
    f = write_jsonl(tmp_path / "d.jsonl", [{"text": f"लेख संख्या {i}"} for i in range(2500)])
    calls = []
    report = import_paths(project, [f], progress=lambda d, t, m: calls.append((d, t)))
    assert report.documents_added == 2500
    size = f.stat().st_size
    assert calls[-1] == (size, size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) > 5


def test_cancel_keeps_committed_batches_consistent(project, tmp_path):
    from annotator.services import importing

    f = write_jsonl(tmp_path / "d.jsonl", [{"text": f"doc {i}"} for i in range(3000)])
    flag = CancelFlag()
    calls = []

    def progress(done, total, _m):  # called every 200 records: cancel after about 1,400
        calls.append(done)
        if len(calls) == 8:
            flag.cancel()

    report = importing.import_paths(project, [f], progress=progress, cancel=flag)
    assert report.cancelled
    with project.session() as s:
        n = s.scalar(select(func.count()).select_from(Document))
    assert n == report.documents_added and n % importing.BATCH_SIZE == 0 and 0 < n < 3000


def test_unknown_extension_and_missing_path(project, tmp_path):
    (tmp_path / "x.docx").write_text("?")
    with pytest.raises(AnnotatorError, match=r"unknown file type '\.docx'"):
        import_paths(project, [tmp_path / "x.docx"])
    with pytest.raises(AnnotatorError, match="no such file or folder"):
        import_paths(project, [tmp_path / "missing.jsonl"])


def test_seed_article(project):
    path = corpus("seed-article", "hindi-news-us-pakistan-meeting.txt")
    report = import_paths(project, [path])
    assert report.ok, report.errors
    (doc,) = docs(project)
    assert "पाकिस्तान" in doc.text and unicodedata.is_normalized("NFC", doc.text)
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Entity)) == 0


def test_bulk_rows_are_stored_like_orm_rows(sqlite_project, tmp_path):
    project = sqlite_project
    """The fast insert path must store values exactly as SQLAlchemy would (dates, JSON)."""
    from annotator.store.models import utcnow

    import_paths(project, [write_jsonl(tmp_path / "a.jsonl", [{"text": "x", "lang": "hi", "b": 1}])])
    with project.session() as s:
        s.add(
            Document(
                external_id="orm",
                title="",
                text="y",
                content_hash="0" * 64,
                meta={"lang": "hi", "b": 1},
                created_at=utcnow(),
            )
        )
        s.commit()
    with project.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT created_at, meta FROM documents ORDER BY id").all()
    (bulk_time, bulk_meta), (orm_time, orm_meta) = raw
    assert len(bulk_time) == len(orm_time) and bulk_time[10] == orm_time[10] == " "
    assert "+" not in bulk_time
    assert bulk_meta == orm_meta == '{"b":1,"lang":"hi"}'


def test_the_lead_of_a_plain_text_article_stays_labellable(sqlite_project, tmp_path):
    from annotator.services.annotate import AddSpans, Editor
    from tests.conftest import corpus

    path = corpus("seed-article", "hindi-news-us-pakistan-meeting.txt")
    first_line = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert import_paths(sqlite_project, [path]).ok
    (doc,) = docs(sqlite_project)
    assert doc.title == first_line.strip()
    assert doc.text.startswith(unicodedata.normalize("NFC", first_line))
    for name in ("रुबियो", "डार"):
        if name in first_line:
            start = doc.text.index(name)
            AddSpans(doc.id, [(start, start + len(name), "PER")]).apply(Editor(sqlite_project, "asha"))
    with sqlite_project.engine.connect() as conn:
        labelled = conn.exec_driver_sql("SELECT count(*) FROM entities").scalar()
    assert labelled >= 1


def test_reimporting_a_file_imported_without_its_title_line_carries_the_labels_over(sqlite_project, tmp_path):
    import json

    from annotator.services.exporting import export_jsonl

    title, body = "पहलगाम में आतंकी हमला", "लश्कर-ए-तैयबा ने हमला किया।\nपुलिस ने जांच शुरू की।"
    start = body.index("लश्कर-ए-तैयबा")
    trigger = body.index("हमला")
    earlier = {  # what the earlier reader stored: the text below the title line
        "id": "a.txt",
        "title": title,
        "text": body,
        "annotations": [
            {
                "annotator": "asha",
                "status": "done",
                "entities": [{"id": "T1", "start": start, "end": start + 13, "label": "ARMED_GROUP"}],
                "events": [
                    {
                        "id": "E1",
                        "type": "ATTACK",
                        "trigger": {"start": trigger, "end": trigger + 4},
                        "arguments": [{"role": "Attacker", "entity": "T1"}],
                    }
                ],
                "document": {"tone": -2},
            }
        ],
    }
    src = tmp_path / "old.jsonl"
    src.write_text(json.dumps(earlier, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(sqlite_project, [src]).ok
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    report = import_paths(sqlite_project, [folder])
    assert report.ok and report.documents_added == 1
    assert any("carried over to the whole text" in w for w in report.warnings)
    out = tmp_path / "out.jsonl"
    export_jsonl(sqlite_project, out)
    docs_out = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    full = next(d for d in docs_out if d["text"].startswith(title))
    [block] = full["annotations"]
    assert block["annotator"] == "asha" and block["status"] == "done" and block["document"] == {"tone": -2}
    [entity] = block["entities"]
    assert full["text"][entity["start"] : entity["end"]] == "लश्कर-ए-तैयबा"
    [event] = block["events"]
    assert full["text"][event["trigger"]["start"] : event["trigger"]["end"]] == "हमला"
    assert event["arguments"][0]["entity"] == entity["id"]
    # the earlier document keeps its labels too: nothing is lost either way
    old = next(d for d in docs_out if d["text"] == body)
    assert len(old["annotations"][0]["entities"]) == 1
