"""crawler.record.document: whether a document will be read is decided in one place, for the crawl and the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

from crawler.record.document import ArchivedDocument, Origin, needs_reading, record_document

FILES = Path(__file__).parent / "files"


def _doc(url: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> ArchivedDocument:
    return ArchivedDocument(url=url, body=body, content_type=content_type, document_id=None,
                            sha256=hashlib.sha256(body).hexdigest(), fetched_at="2024-02-01T00:00:00+00:00")


def test_same_bytes_are_not_read_again_and_new_bytes_are(memory_db):
    db = memory_db
    page = _doc("http://x.gov.cn/nb/1.html", (FILES / "extract_report_2021.html").read_bytes())
    origin = Origin(site="x")
    assert needs_reading(db, page, origin)
    assert record_document(db, page, origin) == "new"
    assert not needs_reading(db, page, origin)
    assert record_document(db, page, origin, extract=lambda _d: 1 / 0) == "unchanged"  # never extracted
    edited = _doc(page.url, page.body.replace(b"</body>", "<p>更正</p></body>".encode()))
    assert needs_reading(db, edited, origin)


def test_a_known_page_whose_file_was_no_report_is_read_again(memory_db):
    """The page's bytes were seen (attachment_pages), but no report stands under its URL: read it."""
    db = memory_db
    body = "<html><head><title>2023年政府信息公开工作年度报告</title></head><body><div class='TRS_Editor'>" \
           "<p><a href='/nb/2023.pdf'>2023年政府信息公开工作年度报告.pdf</a></p></div></body></html>"
    page = _doc("http://x.gov.cn/nb/2.html", body.encode())
    origin = Origin(site="x", attachments=["http://x.gov.cn/nb/2023.pdf"])
    assert record_document(db, page, origin) == "attachment_page"
    assert needs_reading(db, page, origin)  # no report under the URL yet: the file has not given one
