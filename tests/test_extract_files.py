"""Attachments (DOCX, PDF, DOC, XLSX, scans) made from gold dicts are read back cell for cell; bad files fail cleanly.

The golds are built here from crawler/schema.py with varied numbers that
obey the four rules; crawler.demo.attachments turns each into files (cached
on disk, LibreOffice is slow) and crawler.extract.extract_bytes reads them.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from crawler import schema
from crawler.demo.attachments import make_attachment
from crawler.exceptions import ExtractError
from crawler.extract import extract_bytes
from crawler.extract.checks import check_report
from crawler.extract.files import read_file, sniff
from crawler.extract.files.office import convert
from tests.conftest import ROOT
from tests.helpers import make_gold

FILES = ROOT / "tests" / "files"


GOLDS = [make_gold("2021", 1), make_gold("2019", 2), make_gold("2021", 3)]
SPARSE = [make_gold("2021", 4, blanks=True), make_gold("2019", 5, blanks=True)]


def right_cells(gold: dict, kind: str) -> tuple[int, list[str]]:
    data, name, ctype = make_attachment(gold, kind)
    report = extract_bytes(data, filename=name, content_type=ctype)
    assert (report.template, report.year) == (gold["template"], gold["year"])
    wrong = [f"{k}: {report.cells.get(k)!r} != {v!r}" for k, v in gold["cells"].items() if report.cells.get(k) != v]
    return len(gold["cells"]) - len(wrong), wrong


def test_golds_obey_the_rules():
    for gold in GOLDS + SPARSE:
        assert sorted(gold["cells"]) == sorted(schema.template_keys(gold["template"]))
        assert check_report(gold["cells"], gold["template"]) == []


@pytest.mark.parametrize("gold", GOLDS, ids=lambda g: g["source"])
def test_docx_every_cell(gold):
    right, wrong = right_cells(gold, "docx")
    assert wrong == []


@pytest.mark.parametrize("gold", GOLDS, ids=lambda g: g["source"])
def test_xlsx_every_cell(gold):
    right, wrong = right_cells(gold, "xlsx")
    assert wrong == []


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pdf", "pdf-plain", "doc", "xls"])
@pytest.mark.parametrize("gold", GOLDS, ids=lambda g: g["source"])
def test_libreoffice_made_every_cell(gold, kind):
    right, wrong = right_cells(gold, kind)
    assert wrong == []


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["docx", "xlsx", "pdf", "pdf-plain", "doc"])
@pytest.mark.parametrize("gold", SPARSE, ids=lambda g: g["source"] + "-blanks")
def test_blank_cells_keep_their_place(gold, kind):
    right, wrong = right_cells(gold, kind)
    assert wrong == []


@pytest.mark.slow
@pytest.mark.parametrize(("gold", "kind"), [(GOLDS[0], "scan"), (GOLDS[1], "png")], ids=["scan-2021", "png-2019"])
def test_scans_mostly_right(gold, kind):
    """OCR costs seconds a page: one image-only PDF and one long PNG (bench/files.py measures all four)."""
    right, wrong = right_cells(gold, kind)
    assert right >= 0.98 * len(gold["cells"]), wrong


def test_attachment_names_and_types():
    gold = GOLDS[0]
    data, name, ctype = make_attachment(gold, "docx")
    assert name.endswith(".docx") and "wordprocessingml" in ctype
    assert make_attachment(gold, "docx")[0] == data  # deterministic, and cached
    with pytest.raises(ValueError):
        make_attachment(gold, "odt")


def test_sniff_by_magic_bytes_not_names():
    docx, _, _ = make_attachment(GOLDS[0], "docx")
    xlsx, _, _ = make_attachment(GOLDS[0], "xlsx")
    assert sniff(docx, "report.pdf") == "docx"
    assert sniff(xlsx, "report.doc") == "xlsx"
    assert sniff(b"%PDF-1.7\n...", "a.html") == "pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image"
    assert sniff(b"\xff\xd8\xff\xe0....") == "image"
    page = "<html><body>年报</body></html>".encode()
    assert sniff(page, "a.pdf") is None
    assert read_file(page, "a.html", "text/html") is None


# --- bad files ------------------------------------------------------------------


def test_encrypted_pdf():
    data = (FILES / "attach_encrypted.pdf").read_bytes()
    with pytest.raises(ExtractError, match=r"secret\.pdf: .*encrypted"):
        extract_bytes(data, filename="secret.pdf")


@pytest.mark.timeout(60)  # bounded: a hang fails the test; no wall-clock measurement
def test_two_hundred_page_pdf_is_refused_quickly():
    from PIL import Image

    buf = io.BytesIO()
    page = Image.new("L", (60, 80), 255)
    page.save(buf, "PDF", save_all=True, append_images=[page] * 199)
    with pytest.raises(ExtractError, match=r"long\.pdf: .*200 pages"):
        extract_bytes(buf.getvalue(), filename="long.pdf")


def test_truncated_pdf():
    data, _, _ = make_attachment(GOLDS[0], "pdf")
    try:
        report = extract_bytes(data[: len(data) // 3], filename="cut.pdf")
    except ExtractError as e:
        assert str(e).startswith("cut.pdf: ")
    else:
        assert report.template in (None, "2021")


def test_zip_bomb_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (20 * 2**20))
    with pytest.raises(ExtractError, match=r"bomb\.docx: .*(zip bomb|compressed)"):
        extract_bytes(buf.getvalue(), filename="bomb.docx")


def test_broken_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<not-xml")
    with pytest.raises(ExtractError, match=r"broken\.docx: "):
        extract_bytes(buf.getvalue(), filename="broken.docx")


def test_image_claiming_huge_size():
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0))
    png += chunk(b"IEND", b"")
    with pytest.raises(ExtractError, match=r"huge\.png: "):
        extract_bytes(png, filename="huge.png")


@pytest.mark.slow
@pytest.mark.timeout(240)  # bounded: a hang fails the test
def test_noise_and_photo_images_give_no_report():
    """A picture with no report in it (random noise; a smooth 'photo') reads as no report, in bounded time."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(7)
    noise = Image.fromarray(rng.integers(0, 256, (900, 700), dtype=np.uint8))
    photo = Image.new("RGB", (1000, 750), (120, 160, 200))
    draw = ImageDraw.Draw(photo)
    draw.ellipse((300, 200, 700, 650), fill=(200, 140, 60))  # a cat, roughly
    draw.polygon([(330, 260), (380, 90), (450, 220)], fill=(190, 130, 50))
    draw.polygon([(550, 220), (620, 90), (670, 260)], fill=(190, 130, 50))
    photo = photo.filter(ImageFilter.GaussianBlur(3))
    for name, image, fmt in (("noise.png", noise, "PNG"), ("cat.jpg", photo, "JPEG")):
        buf = io.BytesIO()
        image.save(buf, fmt)
        report = extract_bytes(buf.getvalue(), filename=name)
        assert report.cells == {}


@pytest.mark.slow
def test_libreoffice_timeout_is_an_extract_error():
    docx, _, _ = make_attachment(GOLDS[0], "docx")
    with pytest.raises(ExtractError, match=r"slow\.doc: LibreOffice took longer"):
        convert(docx, ".docx", "doc", name="slow.doc", timeout=0.05)


def test_garbage_text_layer_goes_to_ocr():
    """(cid:N) glyphs, private-use code points or no text at all: the page is OCR'd, not read."""
    from types import SimpleNamespace

    from crawler.extract.files.pdf import garbled

    def page(texts: list[str]) -> SimpleNamespace:
        return SimpleNamespace(chars=[{"text": t} for t in texts])

    assert garbled(page([]))
    assert garbled(page(["(cid:12)"] * 40 + list("行政许可")))
    assert garbled(page(["\ue012"] * 30 + list("规章")))
    assert not garbled(page(list("二、主动公开政府信息情况 规章 0 0 0")))


@pytest.mark.slow
def test_wps_and_doc_are_both_word_binaries():
    doc, _, _ = make_attachment(GOLDS[0], "doc")
    assert sniff(doc, "年报.doc") == "doc"
    assert sniff(doc, "年报.wps") == "wps"
    report = extract_bytes(doc, filename="年报.wps")
    assert report.cells == GOLDS[0]["cells"]
