"""Export the archive as one standard WARC file, for replay tools (pywb, ReplayWeb.page) and other archives.

Every record is its own gzip member, so records are copied byte for byte:
nothing is re-encoded and every digest stays valid. A filtered export keeps
the revisit records' originals, so each exported page can be replayed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from crawler.archive.warc import archive_dir_for
from crawler.record.store import open_db


@dataclass
class ExportCount:
    files: int = 0
    records: int = 0
    bytes: int = 0


def _members(path: Path) -> Iterator[tuple[int, int, object]]:
    """(offset, length, record) of every record of a WARC file."""
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        previous = None
        for rec in it:
            offset = it.get_record_offset()
            if previous is not None:
                yield previous[0], offset - previous[0], previous[1]
            previous = (offset, _head(rec))
        if previous is not None:
            yield previous[0], path.stat().st_size - previous[0], previous[1]


def _head(rec) -> dict:
    h = rec.rec_headers
    return {"type": rec.rec_type, "uri": h.get_header("WARC-Target-URI"),
            "refers_file": h.get_header("WARC-Refers-To-Filename"),
            "refers_offset": h.get_header("WARC-Refers-To-Offset")}


def _selected_urls(db_path: Path, site: str | None, since: str | None) -> set[str] | None:
    if site is None and since is None:
        return None
    where, params = [], []
    if site:
        where.append("site = ?")
        params.append(site)
    if since:
        where.append("last_fetched_at >= ?")
        params.append(since)
    db = open_db(db_path)
    return {r["url"] for r in db.query(f"select url from documents where {' and '.join(where)}", params)}


def export_warc(db_path: str | Path, out: str | Path, *, site: str | None = None, since: str | None = None,
                archive_dir: str | Path | None = None) -> ExportCount:
    """Write the archive (or one site's part of it, or what was fetched since a date) to `out`."""
    db_path = Path(db_path)
    directory = Path(archive_dir) if archive_dir else archive_dir_for(db_path)
    urls = _selected_urls(db_path, site, since)
    files = sorted(directory.glob("*.warc.gz"))
    wanted: set[tuple[str, int]] = set()
    originals: set[tuple[str, int]] = set()
    index: dict[str, list[tuple[int, int, dict]]] = {}
    for f in files:
        index[f.name] = list(_members(f))
        for offset, _, head in index[f.name]:
            if head["type"] == "warcinfo":
                continue
            if urls is None or head["uri"] in urls:
                wanted.add((f.name, offset))
                if head["type"] == "revisit" and head["refers_file"]:
                    originals.add((head["refers_file"], int(head["refers_offset"] or 0)))
    keep = wanted | originals
    count = ExportCount(files=len(files))
    with open(out, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = {"software": "nianbao export-warc", "format": "WARC File Format 1.1",
                "description": f"nianbao archive export (site={site or 'all'}, since={since or 'always'})"}
        writer.write_record(writer.create_warcinfo_record(Path(out).name, info))
        for f in files:
            with open(f, "rb") as src:
                for offset, length, _ in index[f.name]:
                    if (f.name, offset) not in keep:
                        continue
                    src.seek(offset)
                    fh.write(src.read(length))
                    count.records += 1
                    count.bytes += length
    return count


def warc_records_valid(path: str | Path) -> tuple[int, list[str]]:
    """(records read, problems): every record parses and its payload digest matches."""
    problems: list[str] = []
    records = 0
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, check_digests=True):
            while rec.raw_stream.read(1 << 20):  # the bytes as stored: a compression bomb is never inflated
                pass
            records += 1
            if rec.digest_checker.passed is False:
                problems.extend(f"{rec.rec_headers.get_header('WARC-Target-URI')}: {p}"
                                for p in rec.digest_checker.problems)
    return records, problems

