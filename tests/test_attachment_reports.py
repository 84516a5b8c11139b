"""One report published as a file linked from its page: one `reports` row, whichever item comes first."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from crawler.crawl.pipelines import store_report_item
from crawler.demo.attachments import make_attachment
from crawler.spiders.items import ReportItem

PAGE_URL = "http://127.0.0.1/zwgk/ndbg/202401/t20240125_1.html"
FILE_URL = "http://127.0.0.1/zwgk/ndbg/202401/P020240125000001.docx"


def _demo_gold() -> dict:
    from crawler.demo.generator import build_demo_web

    corpus = build_demo_web()
    rep = next(r for r in corpus.reports if r.site == "xigong" and r.template == "2021")
    return {**rep.gold, "page": corpus.site("xigong").pages[rep.path].body}


GOLD = _demo_gold()
TITLE = GOLD["title"]
EDITED_KEY = next(k for k, v in GOLD["cells"].items() if v is not None)


def _page(links: str = '<a href="./P020240125000001.docx">红山街道2023年政府信息公开工作年度报告.docx</a>') -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>{TITLE}</title>'
            f'<meta name="ArticleTitle" content="{TITLE}"><meta name="PubDate" content="{GOLD["published"]} 09:30">'
            f'<meta name="ContentSource" content="{GOLD["agency"]}"></head><body><h2>{TITLE}</h2>'
            f"<p>发布时间：{GOLD['published']}</p><div><p>详见附件。</p><p>附件：{links}</p></div></body></html>").encode()


def _item(db, url: str, body: bytes, ctype: str, **extra) -> ReportItem:
    sha = hashlib.sha256(body).hexdigest()
    row = next(iter(db.query("select id from documents where url = ? and sha256 = ?", [url, sha])), None)
    doc_id = row["id"] if row else db["documents"].insert(
        {"url": url, "source": "http", "status": 200, "content_type": ctype, "sha256": sha, "size": len(body)}).last_pk
    return ReportItem(site="xigong", url=url, title=TITLE, list_date="2024-01-25", body_level="town",
                      column="街道年报", headers={"content-type": ctype}, body=body, fetched_at="2024-02-01T00:00:00",
                      archive={"sha256": sha, "document_id": doc_id}, **extra)


def _page_item(db, body: bytes | None = None) -> ReportItem:
    return _item(db, PAGE_URL, body or _page(), "text/html; charset=utf-8", attachments=[FILE_URL])


def _file_item(db, gold: dict = GOLD) -> ReportItem:
    data, _, ctype = make_attachment(gold, "docx")
    return _item(db, FILE_URL, data, ctype, page_url=PAGE_URL)


def _run(db, items: list[ReportItem]) -> Counter:
    seen: Counter = Counter()
    for item in items:
        store_report_item(db, item, lambda site, key: seen.update([key]))
    return seen


def _row(db) -> dict:
    rows = list(db.query("select * from reports"))
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize("file_first", [False, True])
def test_page_and_file_make_one_report_in_either_order(memory_db, file_first):
    db = memory_db
    page, file = _page_item(db), _file_item(db)
    seen = _run(db, [file, page] if file_first else [page, file])
    row = _row(db)
    assert row["url"] == PAGE_URL and row["source_url"] == FILE_URL
    assert row["document_id"] == page.archive["document_id"]
    assert row["source_document_id"] == file.archive["document_id"]
    assert (row["title"], row["published"], row["template"], row["year"]) == (TITLE, GOLD["published"], "2021", GOLD["year"])
    cells = {c["key"]: c["value"] for c in db.query("select key, value from cells")}
    assert {k: cells.get(k) for k in GOLD["cells"]} == GOLD["cells"]
    assert seen["reports_new"] == 1 and seen["attachment_pages"] == 1

    again = _run(db, [_file_item(db), _page_item(db)] if file_first else [_page_item(db), _file_item(db)])
    assert again["reports_new"] == again["reports_changed"] == 0 and again["reports_unchanged"] == 1
    assert _row(db)["version"] == 1


def test_a_changed_file_is_a_new_version_with_its_changed_cells(memory_db):
    db = memory_db
    _run(db, [_page_item(db), _file_item(db)])
    old = GOLD["cells"][EDITED_KEY]
    edited = {**GOLD, "cells": {**GOLD["cells"], EDITED_KEY: old + 1}}
    seen = _run(db, [_page_item(db), _file_item(db, edited)])
    assert seen["reports_changed"] == 1
    row = _row(db)
    assert row["version"] == 2 and row["url"] == PAGE_URL
    changes = [(c["key"], c["old_value"], c["new_value"]) for c in db.query("select * from cell_changes")]
    assert changes == [(EDITED_KEY, old, old + 1)]


def test_a_list_entry_pointing_at_a_file_is_keyed_by_the_file(memory_db):
    db = memory_db
    data, _, ctype = make_attachment(GOLD, "docx")
    item = _item(db, FILE_URL, data, ctype)
    assert _run(db, [item])["reports_new"] == 1
    row = _row(db)
    assert row["url"] == row["source_url"] == FILE_URL
    assert row["document_id"] == row["source_document_id"] == item.archive["document_id"]


def test_a_page_with_its_own_tables_keeps_them(memory_db):
    db = memory_db
    page = _item(db, PAGE_URL, GOLD["page"], "text/html")
    seen = _run(db, [page, _file_item(db)])
    assert seen["reports_new"] == 1 and seen["attachments_unused"] == 1
    assert _row(db)["source_url"] is None


def test_without_libreoffice_the_demo_publishes_only_what_it_can_make(monkeypatch, caplog):
    """No soffice: PDF, DOC and scans are left out with one warning; DOCX and XLSX stay; nothing else moves."""
    from crawler.demo import attached
    from crawler.demo.generator import build_demo_web

    monkeypatch.setattr("crawler.extract.files.office.soffice", lambda: None)
    monkeypatch.setattr(attached, "_warned", [])
    with caplog.at_level("WARNING", logger="crawler.demo.attached"):
        corpus = build_demo_web()
    assert sorted(r.attachment_kind for r in corpus.reports if r.attachment) == ["docx", "xlsx"]
    assert len([r for r in caplog.records if "soffice" in r.getMessage()]) == 1
    full = build_demo_web()
    assert [r.path for r in corpus.reports] == [r.path for r in full.reports]


def test_a_prose_report_page_keeps_its_reading_beside_an_unrelated_file(memory_db):
    """A 2018-style page is a report of its own; a form it links is not a report and changes nothing."""
    from crawler.demo.generator import build_demo_web

    corpus = build_demo_web()
    rep = next(r for r in corpus.reports if r.site == "kaihua" and r.template == "legacy")
    db = memory_db
    page = _item(db, PAGE_URL, corpus.site("kaihua").pages[rep.path].body, "text/html; charset=utf-8",
                 attachments=[FILE_URL])
    form = _item(db, FILE_URL, b"%PDF-1.4 not a report", "application/pdf", page_url=PAGE_URL)
    seen = _run(db, [page, form])
    assert seen["reports_new"] == 1
    row = _row(db)
    assert (row["template"], row["source_url"]) == ("legacy", None)


def test_fleet_items_keep_the_page_of_a_file():
    """Fleet workers hand items to the writer as stream fields: the page a file belongs to survives."""
    from crawler.fleet.sink import item_fields, item_from_fields

    item = ReportItem(site="s", url=FILE_URL, title="t", list_date=None, body_level=None, column=None,
                      body=b"%PDF", page_url=PAGE_URL)
    fields = item_fields(item)
    back = item_from_fields(fields["data"], fields["body"])
    assert (back.report_url, back.body) == (PAGE_URL, b"%PDF")
    page = ReportItem(site="s", url=PAGE_URL, title="t", list_date=None, body_level=None, column=None,
                      attachments=[FILE_URL])
    fields = item_fields(page)
    assert item_from_fields(fields["data"], fields["body"]).attachments == [FILE_URL]
