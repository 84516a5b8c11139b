"""The fleet on this machine: scaling, duplicate fetches, writer rate, worker overhead and memory.

In one run, against the embedded demo web (six sites, ~270 URLs) served with
a fixed delay per response:

1. scaling: 1, 2, 4 and 8 workers (--workers), each capped at --cap concurrent requests
   (fleet site slots wide enough not to bind): reports fetched and read per
   second, from the workers' start to their exit (they extract, so the demo
   web's first-to-last answer, also printed, says only how fast they fetched), the ratio to
   1 worker (aim: >= 1.8x at 2, >= 3x at 4), URLs answered twice (must be 0),
   then the writer's documents per second storing that crawl;
2. overhead: one worker with politeness off against a raw fetch floor, a
   plain asyncio HTTP/1.1 client GETting the same URLs at the same
   concurrency in its own process (aim: >= 0.5);
3. memory: one worker crawling a synthetic 10,000-report site; its RSS after
   1,000 and 10,000 documents (aim: grows < 50 MB);
4. the writer's bare insert rate: document records only, no extraction
   (what breaks first at national scale, docs/scale.md);
5. the writer fed already-extracted reports (as workers stream them: the demo
   corpus's readings, repeated under new URLs): a
   document record and a report item with its reading per report, stored
   through crawler/record/document.py in batches; reports per second (aim >= 500).

Workers extract (each in its own bounded extraction process), so on a
machine with fewer cores than workers the crawl is CPU-bound: the ratio
then says how far the cores go, not how far the fleet does.

Usage: .venv/bin/python bench/fleet.py [--delay 0.2] [--cap 4] [--bulk 10000] [--workers 1,2,4,8]
       [--parts scaling,overhead,memory,inserts,reports]
Tests never assert on these numbers; this script is for people.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ is first on sys.path, and bench/incremental.py would shadow the
# `incremental` package Twisted imports: put the project root there instead.
sys.path[0] = str(ROOT)

from crawler.demo.hits import HitLog  # noqa: E402
from crawler.fleet.demo import LocalFleet, write_registry  # noqa: E402
from crawler.fleet.keys import Keys, connect  # noqa: E402
from crawler.fleet.redisproc import RedisServer  # noqa: E402
from crawler.fleet.writer import Writer  # noqa: E402

WIDE_SLOTS = {"NIANBAO_FLEET_SITE_CONCURRENCY": 64, "NIANBAO_FLEET_SITE_DELAY": 0}


# -- 1. scaling -----------------------------------------------------------------------

def crawl(web, hits: HitLog, work: Path, workers: int, *, delay: float, settings: dict) -> dict:
    """One fleet crawl of the demo web; the writer runs afterwards, on the backlog, timed."""
    tag = f"{workers}w-{len(list(work.iterdir()))}"
    run_dir = work / tag
    run_dir.mkdir()
    hits.reset()
    hits.delay = delay
    report_urls = {web.bases[r.site] + r.path for r in web.corpus.reports}
    with RedisServer(run_dir / "redis") as server:
        fleet = LocalFleet(server.url, write_registry(web, run_dir / "demo.yaml"), run_dir / "archive.db", run_dir,
                           settings=settings | {"NIANBAO_FLEET_STREAM_MAX": 0})
        try:
            names = [f"w{i + 1}" for i in range(workers)]
            started = time.monotonic()
            for n in names:
                fleet.worker(n)
            codes = fleet.wait(names, timeout=900)
            done = time.monotonic() - started  # every report read and on the stream (workers extract)
        finally:
            fleet.stop()
        window = (hits.last or 0) - (hits.first or 0)
        reports = sum(1 for u in hits.hits if u.split(" ", 1)[1] in report_urls)
        writer = Writer(run_dir / "archive.db", server.url, consumer="bench")
        wstats = writer.run(until_done=True, max_seconds=600)
        writer.close()
    per_worker = [json.loads((run_dir / f"{n}.json").read_text())["documents"] for n in names]
    return {"workers": workers, "exit": sorted(set(codes.values())), "pages": hits.pages(), "reports": reports,
            "seconds": round(window, 2), "fetch_reports_per_s": round(reports / window, 1) if window else 0,
            "done_seconds": round(done, 2), "reports_per_s": round(reports / done, 1),
            "pages_per_s": round(hits.pages() / window, 1) if window else 0, "twice": len(hits.twice()),
            "documents_by_worker": per_worker, "urls": sorted(hits.hits),
            "writer": {"documents": wstats.documents, "items": wstats.items, "seconds": round(wstats.seconds, 2),
                       "documents_per_s": round(wstats.documents / wstats.seconds, 1),
                       "entries_per_s": round(wstats.entries / wstats.seconds, 1)}}


# -- 2. raw fetch floor -------------------------------------------------------------------

async def _raw_fetch(urls: list[str], concurrency: int) -> tuple[int, float]:
    """GET every URL over keep-alive HTTP/1.1 connections, `concurrency` at a time."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    done = 0

    async def worker() -> None:
        nonlocal done
        conns: dict[tuple[str, int], tuple[asyncio.StreamReader, asyncio.StreamWriter]] = {}
        while not queue.empty():
            url = queue.get_nowait()
            parts = urlsplit(url)
            key = (parts.hostname, parts.port or 80)
            if key not in conns:
                conns[key] = await asyncio.open_connection(*key)
            reader, writer = conns[key]
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept-Encoding: identity\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            done += 1
        for _, w in conns.values():
            w.close()

    t0 = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, time.monotonic() - t0


def raw_floor(urls: list[str], concurrency: int, hits: HitLog) -> dict:
    """The raw client in its own process (as a worker is), against the same demo web."""
    hits.reset()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(urls, fh)
    out = subprocess.run([sys.executable, __file__, "--raw", fh.name, "--cap", str(concurrency)],
                         capture_output=True, text=True, check=True)
    done, seconds = json.loads(out.stdout.strip().splitlines()[-1])
    window = (hits.last or 0) - (hits.first or 0)
    return {"fetched": done, "seconds": round(window or seconds, 2),
            "pages_per_s": round(done / (window or seconds), 1)}


# -- 3. memory ----------------------------------------------------------------------------------

def bulk_site(n_reports: int) -> tuple[ThreadingHTTPServer, str, int]:
    """A synthetic generic-CMS site: 10 columns of list pages, 50 distinct small reports a page."""
    per_page, columns = 50, 10
    pages = max(1, n_reports // (per_page * columns))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            p = self.path.strip("/").split("/")
            if len(p) == 2 and p[0].startswith("col"):
                c, n = int(p[0][3:]), int(p[1].split("_")[1].split(".")[0])
                links = "".join(f'<li><a href="/r/{c}/{n}/{i}.html">某局{c}-{n}-{i} 2023年政府信息公开工作年度报告</a>'
                                f"<span>2024-01-15</span></li>" for i in range(per_page))
                nxt = f'<a href="/col{c}/index_{n + 1}.html">下一页</a>' if n + 1 < pages else ""
                body = f"<html><body><ul>{links}</ul>{nxt}</body></html>"
            elif len(p) == 4 and p[0] == "r":
                body = f"<html><body><h1>{'/'.join(p)}</h1><p>{'正文' * 300}</p></body></html>"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", pages * per_page * columns


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory(work: Path, n_reports: int, cap: int) -> dict:
    server, base, total = bulk_site(n_reports)
    run_dir = work / "bulk"
    run_dir.mkdir()
    registry = run_dir / "bulk.yaml"
    registry.write_text(yaml.safe_dump({"sites": [{
        "slug": "bulk", "name": "合成区人民政府", "code": "110101", "level": "district", "family": "generic",
        "allowed_domains": ["127.0.0.1"],
        "columns": [{"name": f"栏目{c}", "body_level": "department", "url": f"{base}/col{c}/index_0.html"}
                    for c in range(10)],
        "settings": {}, "source": "bench", "checked": "2026-11-26", "guessed": False}]}, allow_unicode=True))
    marks: dict[int, float] = {}
    with RedisServer(run_dir / "redis") as rs:
        keys, client = Keys(), connect(rs.url)
        fleet = LocalFleet(rs.url, registry, run_dir / "archive.db", run_dir,
                           settings=WIDE_SLOTS | {"CONCURRENT_REQUESTS": cap, "NIANBAO_FLEET_STREAM_MAX": 0,
                                                  "ROBOTSTXT_OBEY": False})
        p = fleet.worker("bulk")
        t0 = time.monotonic()
        try:
            while p.poll() is None:
                try:
                    docs = client.xlen(keys.stream)  # one doc entry and one item a report, plus list pages
                except Exception:
                    docs = 0
                rss = rss_mb(p.pid)
                for mark in (1000, 10000):
                    if mark not in marks and docs / 2 >= mark:
                        marks[mark] = rss
                time.sleep(0.2)
        finally:
            fleet.stop()
            server.shutdown()
        seconds = time.monotonic() - t0
        documents = json.loads((run_dir / "bulk.json").read_text())["documents"]
    grown = round(marks[10000] - marks[1000], 1) if len(marks) == 2 else None
    return {"documents": documents, "seconds": round(seconds, 1), "rss_mb_at_1000": round(marks.get(1000, 0), 1),
            "rss_mb_at_10000": round(marks.get(10000, 0), 1), "grew_mb": grown}


# -- 4. writer inserts ----------------------------------------------------------------------------

def writer_inserts(work: Path, n: int) -> dict:
    """Document records only (no extraction): SQLite's side of the writer."""
    run_dir = work / "inserts"
    run_dir.mkdir()
    with RedisServer(run_dir / "redis") as rs:
        keys, client = Keys(), connect(rs.url)
        pipe = client.pipeline(transaction=False)
        for i in range(n):
            row = {"url": f"http://bench.test/{i}.html", "source": "http", "site": "bench",
                   "fetched_at": "2026-11-26T02:00:00+00:00", "status": 200, "content_type": "text/html",
                   "sha256": f"{i:064x}", "size": 50_000, "warc_file": "x.warc.gz", "warc_offset": i * 1000,
                   "warc_length": 1000, "etag": None, "last_modified": None}
            pipe.xadd(keys.stream, {"kind": "doc", "run": "bench", "data": json.dumps(row)})
            if i % 1000 == 999:
                pipe.execute()
        pipe.execute()
        writer = Writer(run_dir / "archive.db", rs.url, consumer="bench", batch=256)
        stats = writer.run(until_done=True, max_seconds=600)
        writer.close()
    return {"documents": stats.documents, "seconds": round(stats.seconds, 2),
            "inserts_per_s": round(stats.documents / stats.seconds)}


# -- 5. writer fed extracted reports ---------------------------------------------------------

def demo_readings() -> list:
    """The demo corpus's readings as workers stream them: its reports' cells (checked), ~5,000 characters of text."""
    from crawler.demo.server import DemoWeb
    from crawler.extract.checks import check_report
    from crawler.extract.model import Report

    out = []
    for r in DemoWeb().corpus.reports:
        cells = {k: (None if v is None else float(v)) for k, v in r.gold.get("cells", {}).items()}
        if not cells:
            continue
        report = Report(template=r.gold["template"], year=r.gold["year"], agency=r.gold.get("agency"),
                        title=r.title, published=r.gold.get("published"), published_source="text", cells=cells,
                        raw={k: f"{int(v)}" for k, v in cells.items() if v is not None and v == int(v)},
                        method=dict.fromkeys(cells, "grid"),
                        text=("一、总体情况 本机关认真贯彻落实《中华人民共和国政府信息公开条例》。" * 160)[:5000])
        report.findings = check_report(report.cells, report.template)
        out.append(report)
    return out


def writer_reports(work: Path, n: int, batch: int) -> dict:
    """Document records and report items carrying their reading: the writer only stores."""
    from dataclasses import replace as dc_replace

    from crawler.fleet.sink import item_fields
    from crawler.spiders.items import ReportItem

    run_dir = work / "reports"
    run_dir.mkdir()
    readings = demo_readings()
    template = ReportItem(site="bench", url="", title="年度报告", list_date="2024-01-20", body_level="department",
                          column="政府信息公开年报", headers={"content-type": "text/html"},
                          fetched_at="2026-11-26T02:00:00+00:00")
    with RedisServer(run_dir / "redis") as rs:
        keys, client = Keys(), connect(rs.url)
        pipe = client.pipeline(transaction=False)
        for i in range(n):
            url, sha = f"http://bench.test/r/{i}.html", f"{i:064x}"
            row = {"url": url, "source": "http", "site": "bench", "fetched_at": template.fetched_at, "status": 200,
                   "content_type": "text/html", "sha256": sha, "size": 50_000, "warc_file": "x.warc.gz",
                   "warc_offset": i * 1000, "warc_length": 1000, "etag": None, "last_modified": None}
            pipe.xadd(keys.stream, {"kind": "doc", "run": "bench", "data": json.dumps(row)})
            item = dc_replace(template, url=url, archive={"sha256": sha})
            pipe.xadd(keys.stream, {"kind": "item", "run": "bench", **item_fields(item, readings[i % len(readings)])})
            if i % 200 == 199:
                pipe.execute()
        pipe.execute()
        writer = Writer(run_dir / "archive.db", rs.url, consumer="bench", batch=batch)
        cpu0 = time.process_time()
        stats = writer.run(until_done=True, max_seconds=600)
        cpu = time.process_time() - cpu0
        writer.close()
    # On a shared machine the wall clock counts other people's work too: the writer's own CPU seconds say
    # what one dedicated core would store.
    return {"reports": stats.items, "cpu_seconds": round(cpu, 2), "reports_per_cpu_s": round(stats.items / cpu, 1),
            "load": os.getloadavg()[0], "stored": sum(stats.outcomes[o] for o in ("new", "changed", "unchanged")),
            "documents": stats.documents, "seconds": round(stats.seconds, 2),
            "reports_per_s": round(stats.items / stats.seconds, 1), "batch": batch,
            "bytes_per_report": round((run_dir / "archive.db").stat().st_size / max(1, stats.items))}


class _Skip(Exception):
    """The overhead part was not asked for."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--delay", type=float, default=0.2, help="seconds the demo web waits before each answer")
    ap.add_argument("--cap", type=int, default=4, help="concurrent requests per worker")
    ap.add_argument("--bulk", type=int, default=10000, help="reports on the synthetic site (memory run)")
    ap.add_argument("--inserts", type=int, default=20000)
    ap.add_argument("--reports", type=int, default=5000, help="extracted reports fed to the writer (part 5)")
    ap.add_argument("--batch", type=int, default=256, help="stream entries per writer transaction (part 5)")
    ap.add_argument("--workers", default="1,2,4,8", help="fleet sizes of the scaling run")
    ap.add_argument("--parts", default="scaling,overhead,memory,inserts,reports")
    ap.add_argument("--raw", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.raw:
        urls = json.loads(Path(args.raw).read_text())
        print(json.dumps(asyncio.run(_raw_fetch(urls, args.cap))))
        return

    from crawler.demo.server import DemoWeb

    parts = set(args.parts.split(","))
    hits = HitLog().install()
    web = DemoWeb().start()
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-fleet-"))
    results: dict = {"delay": args.delay, "cap": args.cap, "cores": os.cpu_count(), "scaling": []}
    try:
        for n in [int(w) for w in args.workers.split(",")] if "scaling" in parts else []:
            r = crawl(web, hits, work, n, delay=args.delay, settings=WIDE_SLOTS | {"CONCURRENT_REQUESTS": args.cap})
            r.pop("urls")
            results["scaling"].append(r)
            base = results["scaling"][0]["reports_per_s"]
            bound = " (more workers than the machine's cores: CPU-bound)" if n > (os.cpu_count() or 1) else ""
            print(f"{n} worker(s): {r['reports']} reports fetched and read in {r['done_seconds']}s (workers started to "
                  f"exited) = {r['reports_per_s']}/s ({r['reports_per_s'] / base:.2f}x){bound}; fetched in "
                  f"{r['seconds']}s ({r['fetch_reports_per_s']}/s), {r['pages']} URLs, twice {r['twice']}, "
                  f"by worker {r['documents_by_worker']}; writer {r['writer']['documents_per_s']} docs/s "
                  f"({r['writer']['documents']} docs, {r['writer']['items']} reports in {r['writer']['seconds']}s)",
                  flush=True)
        if "overhead" not in parts:
            raise _Skip
        off = crawl(web, hits, work, 1, delay=0.0, settings={"CONCURRENT_REQUESTS": args.cap,
                                                             "NIANBAO_FLEET_POLITENESS": False})
        gets = [u.split(" ", 1)[1] for u in off.pop("urls") if u.startswith("GET ")]
        raw = raw_floor(gets, args.cap, hits)
        results["overhead"] = {"worker": {k: off[k] for k in ("pages", "seconds", "pages_per_s")}, "raw": raw,
                               "ratio": round(off["pages_per_s"] / raw["pages_per_s"], 2)}
        print(f"politeness off, no delay, {args.cap} concurrent: worker {off['pages_per_s']} pages/s, raw asyncio "
              f"floor {raw['pages_per_s']} pages/s ({raw['fetched']} GETs): ratio {results['overhead']['ratio']}",
              flush=True)
    except _Skip:
        pass
    finally:
        web.stop()
        hits.uninstall()
    if "memory" in parts:
        results["memory"] = memory(work, args.bulk, args.cap)
        m = results["memory"]
        print(f"memory: {m['documents']} documents in {m['seconds']}s; RSS {m['rss_mb_at_1000']} MB at 1,000, "
              f"{m['rss_mb_at_10000']} MB at 10,000 (grew {m['grew_mb']} MB)", flush=True)
    if "inserts" in parts:
        results["writer_inserts"] = writer_inserts(work, args.inserts)
        w = results["writer_inserts"]
        print(f"writer, document records only: {w['documents']} in {w['seconds']}s = {w['inserts_per_s']}/s", flush=True)
    if "reports" in parts:
        results["writer_reports"] = w = writer_reports(work, args.reports, args.batch)
        print(f"writer fed extracted reports: {w['reports']} reports ({w['stored']} stored, {w['documents']} documents) "
              f"in {w['seconds']}s = {w['reports_per_s']} reports/s (batch {w['batch']}; {w['reports_per_cpu_s']} "
              f"reports per CPU-second of the writer, load average {w['load']:.1f}); "
              f"archive.db {w['bytes_per_report']} bytes/report", flush=True)
    out = work / "results.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
