"""Save the demo web's pages, as served, for the spider tests: python tests/files/make_fixtures.py.

Starts the demo web with every site on one fixed port (so the URLs in the
README and inside the gkmlpt JSON stay the same from run to run), fetches
each family's list page(s), paging response and one report page, writes the
bytes untouched (GBK stays GBK) and rewrites README.md beside them.
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from crawler.demo.model import DemoCorpus  # noqa: E402
from crawler.demo.server import DemoWeb  # noqa: E402

PORT = 18011
HANWEB_FORM = ("col=1&appid=1&webid=3&path=/&columnid=1229792462&sourceContentType=1&unitid=4698"
               "&webname=开化县人民政府&permissiontype=0")


def _first_report(corpus: DemoCorpus, slug: str, level: str, template: str = "2021") -> str:
    site = corpus.site(slug)
    column = next(c.name for c in site.columns if c.body_level == level)
    report = next(r for r in corpus.reports_of(slug)
                  if r.column == column and r.template == template and not r.gold["source"].endswith(".txt"))
    return report.path


def fixtures(corpus: DemoCorpus) -> list[tuple[str, str, str, bytes | None, str]]:
    """(file name, slug, path, POST body or None, what it is)."""
    return [
        ("dateid_demo_list.html", "mengjin", "/list/4032.html", None, "孟津区 区直部门年报, list page 1"),
        ("dateid_demo_list_2.html", "mengjin", "/list/4032_2.html", None, "the same column, page 2"),
        ("dateid_demo_detail.html", "mengjin", _first_report(corpus, "mengjin", "department"), None,
         "a 2021-template department report"),
        ("trs_demo_list.html", "xigong", "/zwgk/zfxxgknb/bmnb/index.html", None,
         "西工区 部门年报, createPageHTML page 0 (GBK)"),
        ("trs_demo_list_1.html", "xigong", "/zwgk/zfxxgknb/bmnb/index_1.html", None, "page 1 (GBK)"),
        ("trs_demo_detail.html", "xigong", _first_report(corpus, "xigong", "department"), None,
         "a report, body in div.TRS_Editor (GBK)"),
        ("hanweb_demo_column.html", "kaihua", "/col/col1229792462/index.html", None,
         "开化县 部门年报 column: embedded datastore (records 1–15), param_4698, totalRecord"),
        ("hanweb_demo_group2.xml", "kaihua",
         "/module/web/jpage/dataproxy.jsp?startrecord=15&endrecord=30&perpage=5", HANWEB_FORM.encode(),
         f"POST, form: {HANWEB_FORM}"),
        ("hanweb_demo_detail.html", "kaihua", _first_report(corpus, "kaihua", "department"), None,
         "a report between ZJEG_RSS.content markers in #zoom"),
        ("gkmlpt_demo_index.html", "dabu", "/gkmlpt/index", None, "大埔县 gkmlpt index: window._CONFIG SID/TREE"),
        ("gkmlpt_demo_api_1.json", "dabu", "/gkmlpt/api/all/2598?page=1&sid=753", None, "部门年报 category, page 1"),
        ("gkmlpt_demo_api_2.json", "dabu", "/gkmlpt/api/all/2598?page=2&sid=753", None, "page 2"),
        ("gkmlpt_demo_detail.html", "dabu", _first_report(corpus, "dabu", "department"), None,
         "a report: _CONFIG.DETAIL.content and div.article-content"),
        ("jhtml_demo_list.html", "jinshui", "/D42Y01/index.jhtml", None, "金水区 部门年度报告, page 1"),
        ("jhtml_demo_list_2.html", "jinshui", "/D42Y01/index_2.jhtml", None, "page 2"),
        ("jhtml_demo_detail.html", "jinshui", _first_report(corpus, "jinshui", "department"), None,
         "a report, body in div#ivs_content"),
        ("generic_demo_list.html", "yiyang", "/xxgk/ndbg/bm/01/index.html", None,
         "宜阳县农业农村局 (one column per department), page 1"),
        ("generic_demo_list_2.html", "yiyang", "/xxgk/ndbg/bm/01/index.html?page=2", None, "page 2 (?page=N)"),
        ("generic_demo_detail.html", "yiyang", _first_report(corpus, "yiyang", "department", "2019"), None,
         "a 2019-template report, body in div.detail-body"),
    ]


#: Where the README's table of hand-written page shapes starts: a rewrite keeps it.
SHAPES_MARKER = "| `*_shape_*` file | shape |"


def main() -> None:
    lines = ["# Saved demo-web pages", "",
             "Bytes exactly as the demo web (crawler/demo) serves them, for the spider tests.",
             f"Regenerate with `.venv/bin/python tests/files/make_fixtures.py` (every demo site on port {PORT};",
             "site N listens on 127.0.0.(11+N)). The `*_real_*` files are not from the demo web. The `*_shape_*` "
             "files are written by hand in", "the shape of pages real sites serve (tests/test_page_shapes.py); "
             "their hosts are placeholders.", "",
             "| file | URL | what |", "|---|---|---|"]
    with DemoWeb(port=PORT) as web:
        for name, slug, path, data, what in fixtures(web.corpus):
            url = web.bases[slug] + path
            with urllib.request.urlopen(url, data=data, timeout=10) as r:
                (HERE / name).write_bytes(r.read())
            method = "POST " if data else ""
            lines.append(f"| `{name}` | {method}{url} | {what} |")
    written = len(lines) - 9
    readme = HERE / "README.md"
    _, marker, by_hand = readme.read_text(encoding="utf-8").partition(SHAPES_MARKER)  # kept as written
    readme.write_text("\n".join(lines) + "\n" + ("\n" + marker + by_hand if marker else ""), encoding="utf-8")
    print(f"wrote {written} fixtures to {HERE}")


if __name__ == "__main__":
    main()
