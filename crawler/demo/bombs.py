"""Hostile documents, built in memory: small files that cost gigabytes or minutes to read naively.

Used by the hostile demo site (crawler/demo/hostile.py), bench/hostile.py and
the tests; each is what a careless reader would choke on, and each must fail
fast with a clear ExtractError (or a counted too_large) instead.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def huge_page_pdf(points: int = 14_400) -> bytes:
    """A one-page PDF (~420 bytes) whose page is `points` pt square (5 m at 14,400) and has no text.

    A reader that renders a text-less page to OCR it allocates the bitmap first.
    """
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (points, points),
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def _col(index: int) -> str:
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="{target}"/></Relationships>')


def many_cells_xlsx(rows: int = 6000, cols: int = 1000) -> bytes:
    """An XLSX whose one sheet holds rows x cols numeric cells (6 M by default; ~20 MB zipped)."""
    letters = [_col(c) for c in range(cols)]
    sheet = io.BytesIO()
    sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>')
    for r in range(1, rows + 1):
        rs = str(r)
        sheet.write(f'<row r="{rs}">'.encode())
        sheet.write("".join(f'<c r="{c}{rs}"><v>{(r * 7 + i) % 997}</v></c>' for i, c in enumerate(letters)).encode())
        sheet.write(b"</row>")
    sheet.write(b"</sheetData></worksheet>")
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = (f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
                 f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{main}.worksheet+xml"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(overrides=overrides))
        z.writestr("_rels/.rels", _RELS.format(target="xl/workbook.xml"))
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
                   '</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
                   '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
                   '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet.getvalue())
    return out.getvalue()


def big_xml_docx(xml_bytes: int = 190 * 2**20) -> bytes:
    """A DOCX whose word/document.xml is `xml_bytes` of varied paragraphs (under the zip-bomb ratio)."""
    doc = io.BytesIO()
    doc.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
              b'wordprocessingml/2006/main"><w:body>')
    paragraph = 0
    while doc.tell() < xml_bytes:
        paragraph += 1
        doc.write(f"<w:p><w:r><w:t>第{paragraph}段 {(paragraph * 2654435761) % 4294967296:x} 主动公开</w:t></w:r></w:p>".encode())
    doc.write(b"</w:body></w:document>")
    overrides = ('<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.wordprocessingml.document.main+xml"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(overrides=overrides))
        z.writestr("_rels/.rels", _RELS.format(target="word/document.xml"))
        z.writestr("word/document.xml", doc.getvalue())
    return out.getvalue()


def nested_tables_html(depth: int = 20_000) -> bytes:
    """A page (~660 KB at 20,000) of tables nested `depth` deep, a report's title on top."""
    head = "<html><head><title>2023年政府信息公开工作年度报告</title></head><body><div id='zoom'>"
    return (head + "<table><tr><td>" * depth + "主动公开 1" + "</td></tr></table>" * depth
            + "</div></body></html>").encode()


def big_text_file(path, size: int = 548 * 2**20) -> None:
    """A plain-text file of `size` bytes (report-like lines), written in chunks."""
    line = "一、总体情况 本年度主动公开政府信息 12345 条，依申请公开 67 件。\n".encode()
    chunk = line * (2**20 // len(line))
    with open(path, "wb") as fh:
        written = 0
        while written < size:
            part = chunk[: size - written]
            fh.write(part)
            written += len(part)


def gzip_bomb(size: int = 10 * 2**30) -> bytes:
    """A gzip member that inflates to `size` bytes of zeros (10 GB → ~10 MB), built in seconds.

    Zeros are deflated one 4 MB block at a time with a full flush between
    blocks, so every block after the first compresses to the same bytes and
    is repeated rather than compressed again.
    """
    block_size = 4 * 2**20
    block = b"\0" * block_size
    blocks, tail = divmod(size, block_size)
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    repeat = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    body = [first] + [repeat] * (blocks - 1) if blocks else []
    body.append(c.compress(block[:tail]) + c.flush())
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(block[:tail], crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"
    return header + b"".join(body) + struct.pack("<II", crc, size & 0xFFFFFFFF)
