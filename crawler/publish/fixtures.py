"""A small archive.db built in code, for the Datasette tests, screenshots and trying things out.

Five sites, a dozen reports across 2019–2023 and both templates, one report
that does not add up, one whose title carries `<script>alert(1)</script>`,
each with an archived original in WARC, written through crawler.record.store and
crawler.archive.documents like a real crawl.

Run `python -m crawler.publish.fixtures fixture.db` to make one.
"""

from __future__ import annotations

import datetime as dt
import html
import sys
from dataclasses import dataclass, field
from pathlib import Path

from crawler import schema
from crawler.archive.documents import DocumentStore
from crawler.derive.crossreport import rebuild_cross_findings
from crawler.derive.views import install_views
from crawler.extract.checks import check_report
from crawler.extract.model import Report
from crawler.record.store import store_report, upsert_sites, write_transaction

TODAY = dt.date(2026, 6, 1)  # the clock for late/missing reports, pinned


@dataclass(frozen=True)
class FixtureSite:
    slug: str
    name: str
    code: str
    level: str
    family: str = "generic"


SITES = (
    FixtureSite("mengjin", "洛阳市孟津区人民政府", "410308", "district", "dateid"),
    FixtureSite("laocheng", "洛阳市老城区人民政府", "410302", "district", "trs"),
    FixtureSite("dongcheng", "北京市东城区人民政府", "110101", "district", "gkmlpt"),
    FixtureSite("luoyang", "洛阳市人民政府", "410300", "city", "hanweb"),
    FixtureSite("henan", "河南省人民政府", "410000", "province", "jhtml"),
)


@dataclass
class FixtureReport:
    site: str
    agency: str
    year: int
    body_level: str
    new: int  # 本年新收
    granted: int
    denied: dict[str, int] = field(default_factory=dict)  # denied_* row → count
    review: tuple[int, int] = (0, 0)  # 行政复议 (total, corrected)
    lawsuit: tuple[int, int] = (0, 0)  # 行政诉讼·直接起诉 (total, corrected)
    fees: float | None = None
    text: str = ""
    title: str | None = None
    broken: bool = False  # make rules 2 and 4 fail


REPORTS = (
    FixtureReport("mengjin", "洛阳市孟津区人民政府", 2019, "government", 20, 12, {"denied_process_info": 2},
                  text="本年度依申请公开工作平稳。"),
    FixtureReport("mengjin", "洛阳市孟津区人民政府", 2020, "government", 28, 15, {"denied_process_info": 3},
                  review=(1, 0), text="全年办理依申请公开事项。"),
    FixtureReport("mengjin", "洛阳市孟津区人民政府", 2021, "government", 35, 20, {"denied_state_secret": 1},
                  review=(2, 1), fees=0.0, text="加强政务公开标准化规范化建设。"),
    FixtureReport("mengjin", "洛阳市孟津区人民政府", 2022, "government", 41, 22, {"denied_third_party": 2},
                  review=(1, 0), lawsuit=(1, 0), fees=0.0, text="发生行政复议一件，维持原决定。"),
    FixtureReport("mengjin", "洛阳市孟津区人民政府", 2023, "government", 52, 30, {"denied_state_secret": 2},
                  review=(3, 1), lawsuit=(2, 1), fees=0.0, text="本年度行政复议三件，纠正一件。"),
    FixtureReport("mengjin", "洛阳市孟津区公安局", 2023, "department", 18, 5, {"denied_state_secret": 7},
                  review=(2, 2), fees=0.0, text="涉及国家秘密的申请依法不予公开。"),
    FixtureReport("laocheng", "洛阳市老城区保密局", 2023, "department", 9, 2, {"denied_state_secret": 3},
                  fees=0.0, text="保密审查后答复申请人。"),
    FixtureReport("dongcheng", "北京市东城区财政局", 2023, "department", 40, 20, {"denied_state_secret": 12},
                  review=(4, 1), lawsuit=(2, 0), fees=1.25, text="财政预算信息主动公开，行政复议四件。"),
    FixtureReport("dongcheng", "北京市东城区人民政府", 2023, "government", 120, 80, {"denied_law_forbids": 4},
                  review=(6, 2), lawsuit=(3, 1), fees=0.0, text="区政府门户网站集中发布。", broken=True),
    FixtureReport("dongcheng", "北京市东城区人民政府", 2022, "government", 100, 70, {"denied_law_forbids": 3},
                  review=(5, 1), fees=0.0, text="区政府门户网站集中发布。"),
    FixtureReport("luoyang", "洛阳市人民政府", 2023, "government", 300, 200, {"denied_security_stability": 5},
                  review=(10, 3), lawsuit=(4, 1), fees=0.5, text="市政府办公室统筹推进。"),
    FixtureReport("henan", "河南省人民政府", 2023, "government", 900, 600, {"denied_internal_affairs": 9},
                  review=(20, 4), lawsuit=(8, 2), fees=2.0,
                  title="<script>alert(1)</script>河南省人民政府2023年政府信息公开工作年度报告",
                  text="<script>alert(1)</script>全省政务公开工作要点。"),
)


def report_cells(r: FixtureReport, template: str) -> dict[str, float]:
    """A table that adds up (all applicants are 自然人), unless `broken`."""
    cells: dict[str, float] = {}

    def put(row: str, count: float) -> None:
        cells[f"requests.{row}.natural_person"] = count
        for col in schema.APPLICANT_COLUMNS[1:]:
            cells[f"requests.{row}.{col}"] = 0
        cells[f"requests.{row}.total"] = count

    put("new_received", r.new)
    put("carried_over", 1)
    put("granted", r.granted)
    put("partly_granted", 1)
    for row, count in r.denied.items():
        put(row, count)
    put("unavailable_not_held", 2)
    handled = r.granted + 1 + sum(r.denied.values()) + 2
    put("results_total", handled)
    put("carried_forward", r.new + 1 - handled)
    for row, (total, corrected) in (("review", r.review), ("lawsuit_direct", r.lawsuit)):
        upheld = total - corrected
        for col, count in zip(schema.APPEAL_COLUMNS, (upheld, corrected, 0, 0, total), strict=True):
            cells[f"appeals.{row}.{col}"] = count
    if template == "2021" and r.fees is not None:
        cells["proactive.fees.amount_wan"] = r.fees
    cells["proactive.regulations." + ("issued" if template == "2021" else "made")] = 2
    if r.broken:
        cells["requests.granted.total"] = r.granted + 5  # rule 2 (and 3)
        cells["appeals.review.total"] = r.review[0] + 1  # rule 4
    return cells


def build_fixture_db(db_path: str | Path) -> Path:
    """Write the fixture archive (db + WARC directory beside it); returns the db path."""
    db_path = Path(db_path)
    docs = DocumentStore(db_path, fsync=False)
    try:
        db = docs.db
        upsert_sites(db, SITES, registry="fixtures")
        for i, r in enumerate(REPORTS, start=1):
            template = schema.template_for_year(r.year) or "2021"
            title = r.title or f"{r.agency}{r.year}年政府信息公开工作年度报告"
            url = f"http://{r.site}.example.gov.cn/xxgk/ndbg/{r.year}/t{i:04d}.html"
            body = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
                    f"<p>{r.text}</p><p>政府信息公开工作年度报告正文。</p></body></html>")
            if r.title is None:
                body = f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>" \
                       f"<h1>{html.escape(title)}</h1><p>{html.escape(r.text)}</p></body></html>"
            payload, ctype = body.encode("utf-8"), "text/html; charset=utf-8"
            if r.site == "luoyang":  # one PDF: served as a download, its text shown on the page
                url, payload, ctype = url.replace(".html", ".pdf"), b"%PDF-1.4\n% fixture\n", "application/pdf"
            doc = docs.record_file(url=url, payload=payload, content_type=ctype,
                                   fetched_at=f"{r.year + 1}-03-01T00:00:00+00:00")
            cells = report_cells(r, template)
            report = Report(template=template, year=r.year, agency=r.agency, title=title,
                            published=f"{r.year + 1}-01-20", published_source="text", cells=cells,
                            findings=check_report(cells, template),
                            text=f"{title}\n{r.text}\n政府信息公开工作年度报告正文。")
            with write_transaction(db):
                store_report(db, site=r.site, url=url, report=report, document_id=doc["id"],
                             document_sha256=doc["sha256"], fetched_at=doc["fetched_at"],
                             body_level=r.body_level, column_name="政府信息公开年报")
        rebuild_cross_findings(db, today=TODAY)
        install_views(db)
        db.conn.execute("pragma wal_checkpoint(truncate)")
    finally:
        docs.close()
        docs.db.conn.close()  # an immutable reader sees only the main file, not an open WAL
    return db_path


if __name__ == "__main__":
    print(build_fixture_db(sys.argv[1] if len(sys.argv) > 1 else "fixture.db"))
