"""Discovery (crawler/sites/discover): the demo portals' columns found exactly, each portal shape, the
distractors left, the family right, robots.txt and the request budget obeyed, a re-run resumed."""

from __future__ import annotations

import json
import statistics
import urllib.parse
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crawler.demo.generator import build_demo_web
from crawler.demo.portals import DISTRACTOR_PATHS
from crawler.demo.server import DemoWeb
from crawler.sites.check import check_sites, urllib_fetch
from crawler.sites.discover import PoliteFetcher, discover_site
from crawler.sites.discover.entry import DiscoveryState, Portal, entry_for, load_portals
from crawler.sites.discover.family import family_of_page
from crawler.sites.discover.links import anchors, page_links, script_menu_links
from crawler.sites.discover.run import discover_portals
from crawler.sites.discover.text import (
    body_level,
    is_annual_column,
    is_distractor,
    is_report_link,
    is_xxgk_entry,
)
from crawler.sites.registry import load_registry

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def web(shared_dir: Path):
    with DemoWeb(build_demo_web(seed_dir=shared_dir / "seeds")) as w:
        yield w


@pytest.fixture(scope="module")
def found(web):
    """Every demo portal discovered once (no pause between requests: loopback)."""
    return {s.slug: discover_site(web.portals[s.slug], PoliteFetcher(delay=0.0)) for s in web.corpus.sites}


def known_columns(web) -> set[tuple[str, str, str]]:
    """(site, column URL, body level) of every column the demo web serves reports in."""
    return {(s.slug, web.bases[s.slug] + c.path, c.body_level) for s in web.corpus.sites for c in s.columns}


# --- the demo portals, all shapes at once ------------------------------------------------------------


def test_precision_and_recall_are_one(web, found):
    got = {(slug, c.url, c.body_level) for slug, d in found.items() for c in d.columns}
    expected = known_columns(web)
    true_positives = len(got & expected)
    precision, recall = true_positives / len(got), true_positives / len(expected)
    assert (precision, recall) == (1.0, 1.0), (got - expected, expected - got)
    assert len(expected) == 22


def test_family_right_for_every_site(web, found):
    assert {slug: d.family for slug, d in found.items()} == {s.slug: s.family for s in web.corpus.sites}


def test_no_distractor_taken(web, found):
    for d in found.values():
        for c in d.columns:
            first_dir = urllib.parse.urlsplit(c.url).path.strip("/").split("/")
            assert not set(first_dir) & set(DISTRACTOR_PATHS), c.url
            assert not is_distractor(c.name) and not is_distractor(c.text)
    served = [p for s in web.corpus.sites for p in s.pages if any(f"/{d}/" in p for d in DISTRACTOR_PATHS)]
    assert len(served) >= 12  # the distractors are there to be taken, and were not


def test_every_site_complete_within_budget(found):
    requests = [d.requests for d in found.values()]
    assert all(d.complete for d in found.values())
    assert max(requests) <= 30
    assert statistics.median(requests) <= 10


def test_evidence_names_the_page_and_link(web, found):
    for d in found.values():
        for c in d.columns:
            assert c.page.startswith("http://") and c.text
            assert c.reports >= 1


def test_government_column_first(found):
    for d in found.values():
        assert d.columns[0].body_level == "government"


# --- one test per portal shape ----------------------------------------------------------------------------


def test_js_menu_shape(web, found):
    """孟津区: no <a> on the homepage leads to 政务公开; the menu is a JS variable written out by a script."""
    home = urllib.request.urlopen(web.portals["mengjin"], timeout=10).read().decode()
    base = web.portals["mengjin"]
    assert base + "zwgk/index.html" not in {a.url for a in anchors(home, base)}
    assert [m.url for m in script_menu_links(home, base) if m.text == "政务公开"] == [base + "zwgk/index.html"]
    assert {c.page for c in found["mengjin"].columns} == {base + "zwgk/zfxxgkml/index.html"}
    assert found["mengjin"].entry == base + "zwgk/zfxxgkml/index.html"


def test_tree_shape_three_levels_down(web, found):
    """西工区: 政务公开 › 法定主动公开内容 › 政府信息公开年报 › 区政府 / 部门 / 街道 年报 (GBK pages)."""
    base = web.bases["xigong"]
    d = found["xigong"]
    assert {c.page for c in d.columns} == {base + "/zwgk/zfxxgknb/index.html"}
    assert [c.name for c in d.columns] == ["区政府年报", "部门年报", "街道年报"]
    assert base + "/zwgk/fdzdgknr/index.html" in PoliteFetcherLog.pages(web.portals["xigong"])


def test_separate_host_shape(web, found):
    """开化县: the portal is its own host; the columns sit on the 信息公开 platform's host."""
    portal = urllib.parse.urlsplit(web.portals["kaihua"]).netloc
    platform = urllib.parse.urlsplit(web.bases["kaihua"]).netloc
    assert portal != platform
    assert {urllib.parse.urlsplit(c.url).netloc for c in found["kaihua"].columns} == {platform}
    assert found["kaihua"].hosts == [platform.split(":")[0]]


def test_gkmlpt_shape_reads_the_tree(web, found):
    """大埔县: the columns are TREE categories, each checked through the API; 统计公报/预决算 categories left."""
    d = found["dabu"]
    assert [urllib.parse.urlsplit(c.url).path for c in d.columns] == [f"/gkmlpt/api/all/{n}" for n in (2597, 2598, 2599)]
    assert all(c.page == web.bases["dabu"] + "/gkmlpt/index" for c in d.columns)
    assert d.columns[1].text == "政府信息公开年报 › 部门政府信息公开年报"


def test_split_government_and_town_columns(web, found):
    """金水区: the government's 年度报告 in the platform tree, streets' under 街道信息公开."""
    base = web.bases["jinshui"]
    pages = {c.body_level: c.page for c in found["jinshui"].columns}
    assert pages == {"government": base + "/", "department": base + "/bmxxgk/index.jhtml",
                     "town": base + "/jdxxgk/index.jhtml"}


def test_one_column_per_department(web, found):
    """宜阳县: 部门年报 is a tree node; each department's column is found below it."""
    base = web.bases["yiyang"]
    departments = [c for c in found["yiyang"].columns if c.body_level == "department"]
    assert [(c.name, c.url) for c in departments] == [
        ("宜阳县农业农村局", base + "/xxgk/ndbg/bm/01/index.html"),
        ("宜阳县人力资源和社会保障局", base + "/xxgk/ndbg/bm/02/index.html")]
    assert base + "/xxgk/ndbg/bm/index.html" not in {c.url for c in found["yiyang"].columns}


class PoliteFetcherLog:
    """The URLs a fresh discovery asks for."""

    @staticmethod
    def pages(portal: str) -> list[str]:
        asked: list[str] = []
        plain = urllib_fetch(10)

        def fetch(url: str):
            asked.append(url)
            return plain(url)

        discover_site(portal, PoliteFetcher(fetch, delay=0.0))
        return asked


# --- the rules on link texts -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["政府信息公开年报", "区政府年报", "部门年度报告", "镇（街道）信息公开年报",
                                  "乡镇（街道）信息公开年报", "产业集聚区年报", "政府信息公开工作年度报告", "年度报告",
                                  "区直部门信息公开年报", "开发区信息公开年报"])
def test_annual_columns(text):
    assert is_annual_column(text)


@pytest.mark.parametrize("text", ["国民经济和社会发展统计公报", "财政预决算", "政府工作报告", "法治政府建设年度报告",
                                  "企业年度报告公示", "2023年政府信息公开工作年度报告", "政府信息公开指南",
                                  "国民经济和社会发展统计", "统计年报", "审计工作报告", "政府信息公开年报编制通知",
                                  "慈善组织年度报告"])
def test_distractors_are_not_columns(text):
    assert not is_annual_column(text)


def test_xxgk_entries():
    assert all(is_xxgk_entry(t) for t in ("政府信息公开", "信息公开", "法定主动公开内容", "政务公开", "街道信息公开"))
    assert not any(is_xxgk_entry(t) for t in ("政府信息公开年报", "统计公报", "互动交流"))


@pytest.mark.parametrize("text,level", [
    ("区政府信息公开年报", "government"), ("政府信息公开年报", "government"), ("部门年报", "department"),
    ("区直部门信息公开年报", "department"), ("镇（街道）信息公开年报", "town"), ("街道年度报告", "town"),
    ("开发区信息公开年报", "zone"), ("产业集聚区年报", "zone"), ("宜阳县农业农村局", "department"),
    ("乡村振兴局", "department"), ("王城路街道办事处", "town"), ("镇政府信息公开年报", "town")])
def test_body_level(text, level):
    assert body_level(text) == level


# --- the family from real page shapes (tests/files/*_real_*) ---------------------------------------------


@pytest.mark.parametrize("name,url,family", [
    ("trs_real_list.html", "https://www.hunnan.gov.cn/zwgk/zfxxgknb/index.html", "trs"),
    ("trs_real_countpage.html", "https://www.qiaokou.gov.cn/xxgk/zfxxgknb/index.shtml", "trs"),
    ("hanweb_real_column.html", "https://www.nbjb.gov.cn/col/col1229214366/index.html", "hanweb"),
    ("gkmlpt_real_index.html", "https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/index", "gkmlpt"),
    ("jhtml_real_list.html", "http://public.jinshui.gov.cn/D42Y/index.jhtml", "jhtml"),
    ("dateid_real_list.html", "http://www.mengjin.gov.cn/zwgk/ndbg/index.html", "dateid"),
    ("generic_real_list.html", "http://www.dengzhou.gov.cn/zl/zfxxgk/zfxxgknb/index.html", "generic"),
])
def test_family_of_real_pages(name, url, family):
    text = (FILES / name).read_bytes().decode("utf-8", "replace")
    reports = [link.url for link in page_links(text, url) if is_report_link(link.text)]
    assert family_of_page(url, text, reports)[0] == family


# --- politeness and resuming ------------------------------------------------------------------------------


def _site_fetch(pages: dict[str, tuple[int, str]]):
    asked: list[str] = []

    def fetch(url: str):
        asked.append(url)
        status, text = pages.get(url, (404, "not found"))
        return status, {"Content-Type": "text/html; charset=utf-8"}, text.encode(), url

    return fetch, asked


def test_robots_txt_is_obeyed():
    pages = {
        "http://x.gov.cn/robots.txt": (200, "User-agent: *\nDisallow: /zwgk/\n"),
        "http://x.gov.cn/": (200, '<a href="/zwgk/index.html">政府信息公开</a>'),
        "http://x.gov.cn/zwgk/index.html": (200, '<a href="/zwgk/nb/index.html">政府信息公开年报</a>'),
    }
    fetch, asked = _site_fetch(pages)
    d = discover_site("http://x.gov.cn/", PoliteFetcher(fetch, delay=0.0))
    assert asked == ["http://x.gov.cn/robots.txt", "http://x.gov.cn/"]
    assert d.refused == ["http://x.gov.cn/zwgk/index.html"] and d.columns == []


def test_request_budget_ends_the_walk(web):
    d = discover_site(web.portals["xigong"], PoliteFetcher(delay=0.0, max_requests=4))
    assert (d.requests, d.complete, d.columns) == (4, False, [])


def test_a_rerun_continues_where_it_stopped(web, tmp_path):
    asked: list[str] = []
    plain = urllib_fetch(10)

    def fetch(url: str):
        asked.append(url)
        return plain(url)

    site = web.corpus.site("yiyang")
    portal = Portal(site.code, site.name, web.portals["yiyang"], "yiyang")
    state = DiscoveryState(tmp_path / "state")
    (first,) = discover_portals([portal], state=state, fetch=fetch, delay=0.0, max_requests=5)
    assert first.entry is None or len(first.entry["columns"]) < 5
    assert len(asked) == 5
    (second,) = discover_portals([portal], state=state, fetch=fetch, delay=0.0, max_requests=30)
    assert len(second.entry["columns"]) == 5
    assert len(asked) == len(set(asked))  # nothing asked twice: the first run's answers were kept
    (third,) = discover_portals([portal], state=state, fetch=fetch, delay=0.0)
    assert third.resumed and third.entry == second.entry
    assert len(asked) == len(set(asked))


def test_a_broken_portal_is_recorded_and_the_next_one_discovered(web, tmp_path):
    """A server that breaks HTTP (IncompleteRead) is an error of that portal, named with its URL; the run goes on."""
    import http.client

    plain = urllib_fetch(10)

    def fetch(url: str):
        if url.startswith("http://broken.gov.cn/"):
            raise http.client.IncompleteRead(b"<html>")
        return plain(url)

    site = web.corpus.site("yiyang")
    portals = [Portal("999999", "坏网站", "http://broken.gov.cn/", "broken"),
               Portal(site.code, site.name, web.portals["yiyang"], "yiyang")]
    broken, good = discover_portals(portals, state=DiscoveryState(tmp_path / "state"), fetch=fetch, delay=0.0)
    assert broken.entry is None and broken.discovery.errors["http://broken.gov.cn/"].startswith("IncompleteRead")
    assert len(good.entry["columns"]) == 5


# --- the command and the registry entry -------------------------------------------------------------------


def test_cli_writes_a_registry_entry_with_evidence(web, tmp_path):
    from crawler.cli.main import main

    portals = web.write_portals(tmp_path / "portals.yaml")
    out = tmp_path / "discovered.yaml"
    result = CliRunner().invoke(main, ["sites", "discover", "--portals", str(portals), "--code", "410327",
                                       "--code", "kaihua", "--out", str(out), "--state", str(tmp_path / "s"),
                                       "--delay", "0"])
    assert result.exit_code == 0, result.output
    assert "2 site(s): 2 with columns (9 columns)" in result.output
    assert [line.split("\t")[0] for line in result.output.splitlines() if line.startswith("[")] == [
        "[1/2] kaihua", "[2/2] yiyang"]  # a national run says how far it is
    saved = json.loads((tmp_path / "s" / "yiyang.json").read_text(encoding="utf-8"))
    assert saved["complete"] and saved["pages"] == {}  # a finished site keeps its entry, not its pages
    sites = {s.slug: s for s in load_registry(out)}
    assert (sites["yiyang"].family, sites["kaihua"].family) == ("generic", "hanweb")
    assert sites["kaihua"].portal == web.portals["kaihua"] and sites["kaihua"].discovered
    assert sites["yiyang"].trust == "discovered"
    ev = sites["yiyang"].evidence[1]
    assert (ev.url, ev.link_text, ev.page) == (web.bases["yiyang"] + "/xxgk/ndbg/bm/01/index.html", "宜阳县农业农村局",
                                               web.bases["yiyang"] + "/xxgk/ndbg/bm/index.html")
    assert [e.url for e in sites["kaihua"].evidence] == [c.url for c in sites["kaihua"].columns]
    assert all(e.recognised_by for s in sites.values() for e in s.evidence)  # each column says how it was known
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [e["code"] for e in raw["sites"]] == ["330824", "410327"]


def test_portal_list_csv(tmp_path):
    f = tmp_path / "portals.csv"
    f.write_text("code,name,domain,source\n410308,孟津区,www.mengjin.gov.cn,qianxian+anyi\n410000,河南省,,none\n",
                 encoding="utf-8")
    (p,) = load_portals(f)
    assert (p.url, p.the_slug, p.the_level, p.source) == ("http://www.mengjin.gov.cn/", "410308", "district",
                                                          "qianxian+anyi")


def test_check_rediscovers_a_moved_column(web, tmp_path):
    registry = tmp_path / "r.yaml"
    base = web.bases["mengjin"]
    registry.write_text(yaml.safe_dump({"sites": [{
        "slug": "mengjin", "name": "洛阳市孟津区人民政府", "code": "410308", "level": "district", "family": "dateid",
        "allowed_domains": ["127.0.0.11"], "portal": web.portals["mengjin"],
        "columns": [{"name": "区政府信息公开年报", "body_level": "government", "url": base + "/list/9031.html"},
                    {"name": "区直部门信息公开年报", "body_level": "department", "url": base + "/list/4032.html"}],
    }]}, allow_unicode=True), encoding="utf-8")
    (result,) = check_sites(load_registry(registry), delay=0.0)
    assert [c.outcome for c in result.columns] == ["gone", "ok"]
    assert result.moves[0].startswith(f"区政府信息公开年报: moved {base}/list/9031.html -> {base}/list/4031.html")
    assert sorted(m.split(" (")[0] for m in result.moves[1:]) == [
        "new column 开发区信息公开年报", "new column 镇（街道）信息公开年报"]


def test_year_folders_make_the_parent_a_column():
    """TRS 年报 › 2023年 / 2022年: the parent is the column (the spider walks year folders), its family trs."""
    report = '<li><a href="./202401/t20240125_{}.shtml">{}2023年政府信息公开工作年度报告</a></li>'
    pages = {
        "http://y.gov.cn/": (200, '<a href="/xxgk/index.shtml">政府信息公开</a><a href="/tjgb/">统计公报</a>'),
        "http://y.gov.cn/xxgk/index.shtml": (200, '<a href="/xxgk/zfxxgknb/index.shtml">政府信息公开年报</a>'),
        "http://y.gov.cn/xxgk/zfxxgknb/index.shtml": (200, '<a href="./2023/index.shtml">2023年</a>'
                                                          '<a href="./2022/index.shtml">2022年</a>'),
        "http://y.gov.cn/xxgk/zfxxgknb/2023/index.shtml": (
            200, "<ul>" + report.format(2349704, "硚口区") + report.format(2349705, "硚口区教育局") + "</ul>"
                 '<script>createPageHTML(2, 0, "index", "shtml");</script>'),
    }
    fetch, asked = _site_fetch(pages)
    d = discover_site("http://y.gov.cn/", PoliteFetcher(fetch, delay=0.0))
    assert [(c.url, c.family, c.reports) for c in d.columns] == [
        ("http://y.gov.cn/xxgk/zfxxgknb/index.shtml", "trs", 2)]
    assert "http://y.gov.cn/tjgb/" not in asked and "http://y.gov.cn/xxgk/zfxxgknb/2022/index.shtml" not in asked


def test_real_portal_noise():
    """A homepage as real ones are: an image link to 信息公开 on the zwgk host, the province's 信息公开 in the
    footer (another site: not followed), a 年报 column whose list text is cut short but whose title is whole."""
    pages = {
        "http://www.z.gov.cn/": (200, '<a href="/">首页</a><a href="http://zwgk.z.gov.cn/">'
                                      '<img src="x.png" alt="政府信息公开"></a>'
                                      '<div class="footer"><a href="http://www.henan.gov.cn/zwgk/">河南省政府信息公开</a>'
                                      "</div>"),
        "http://zwgk.z.gov.cn/": (200, '<a href="/ndbg/index.html" title="政府信息公开工作年度报告">年度报…</a>'
                                       '<a href="/yjs/index.html">部门预决算</a>'),
        "http://zwgk.z.gov.cn/ndbg/index.html": (200, '<a href="/art/1.html" title="z县2023年政府信息公开工作年度报告">'
                                                      "z县2023年政府信息公开…</a>"),
    }
    fetch, asked = _site_fetch(pages)
    d = discover_site("http://www.z.gov.cn/", PoliteFetcher(fetch, delay=0.0))
    assert [(c.url, c.name, c.body_level) for c in d.columns] == [
        ("http://zwgk.z.gov.cn/ndbg/index.html", "政府信息公开工作年度报告", "government")]
    assert d.entry == "http://zwgk.z.gov.cn/"
    assert not [u for u in asked if "henan" in u or "yjs" in u]


def test_many_department_columns_sampled_within_budget():
    """部门年报 › 40 departments: three are fetched, the rest taken because those three are columns."""
    names = [f"第{i}局" for i in range(1, 41)]
    node = "".join(f'<a href="/nb/bm/{i:02d}/index.html">z县{n}</a>' for i, n in enumerate(names, 1))
    pages = {
        "http://www.z.gov.cn/": (200, '<a href="/nb/index.html">政府信息公开年报</a>'),
        "http://www.z.gov.cn/nb/index.html": (200, '<a href="/nb/bm/index.html">部门年报</a>'),
        "http://www.z.gov.cn/nb/bm/index.html": (200, node),
    }
    for i, n in enumerate(names, 1):
        pages[f"http://www.z.gov.cn/nb/bm/{i:02d}/index.html"] = (
            200, f'<a href="/art/{i}.html">z县{n}2023年政府信息公开工作年度报告</a>')
    fetch, asked = _site_fetch(pages)
    d = discover_site("http://www.z.gov.cn/", PoliteFetcher(fetch, delay=0.0))
    assert len(asked) == 7 and d.complete  # robots, portal, 年报, 部门年报, three departments
    assert [c.url for c in d.columns] == [f"http://www.z.gov.cn/nb/bm/{i:02d}/index.html" for i in range(1, 41)]
    assert {c.body_level for c in d.columns} == {"department"}
    assert [c.reports for c in d.columns[:4]] == [1, 1, 1, 0] and d.columns[3].sign.startswith("like its 3")
    evidence = entry_for(Portal("999999", "z县", "http://www.z.gov.cn/"), d)["evidence"]
    assert "not fetched" in evidence[3]["recognised_by"] and "not fetched" not in evidence[0]["recognised_by"]


def test_a_report_page_is_not_a_column():
    """A homepage 政府信息公开年报 link straight to the newest report: its 上一篇 link does not make it a column."""
    pages = {
        "http://www.w.gov.cn/": (200, '<a href="/2024/01-20/1001.html">政府信息公开年报</a>'
                                      '<a href="/zwgk/nb/index.html">政府信息公开年报</a>'),
        "http://www.w.gov.cn/2024/01-20/1001.html": (200, '上一篇：<a href="/2023/01-20/901.html">'
                                                          "w县2022年政府信息公开工作年度报告</a>"),
        "http://www.w.gov.cn/zwgk/nb/index.html": (200, '<a href="/2024/01-20/1001.html">'
                                                        "w县2023年政府信息公开工作年度报告</a>"),
    }
    fetch, _ = _site_fetch(pages)
    d = discover_site("http://www.w.gov.cn/", PoliteFetcher(fetch, delay=0.0))
    assert [(c.url, c.family) for c in d.columns] == [("http://www.w.gov.cn/zwgk/nb/index.html", "dateid")]


def test_select_by_code_province_or_all():
    from crawler.sites.discover.entry import select_portals

    units = [Portal("410308", "孟津区", "http://a/"), Portal("410105", "金水区", "http://b/"),
             Portal("330824", "开化县", "http://c/")]
    assert [p.code for p in select_portals(units, codes=("410105",))] == ["410105"]
    assert [p.code for p in select_portals(units, provinces=("41",))] == ["410308", "410105"]
    assert len(select_portals(units, everything=True)) == 3


def test_cli_one_portal_url(web, tmp_path):
    from crawler.cli.main import main

    out = tmp_path / "one.yaml"
    result = CliRunner().invoke(main, ["sites", "discover", "--portal", web.portals["jinshui"], "--code", "410105",
                                       "--name", "郑州市金水区人民政府", "--out", str(out),
                                       "--state", str(tmp_path / "s"), "--delay", "0"])
    assert result.exit_code == 0, result.output
    (site,) = load_registry(out)
    assert (site.slug, site.family, site.level, [c.body_level for c in site.columns]) == (
        "410105", "jhtml", "district", ["government", "department", "town"])


def test_national_list_gives_portal_and_entry(tmp_path):
    """sites/national.csv rows: the portal URL and, when on the portal's own site, the 政府信息公开 entry."""
    head = "code,name,level,province_code,province,city_code,city,portal,portal_url,source,agree,candidates," \
           "qianxian_url,anyi_url,xxgk_kind,xxgk_url,xxgk_note\n"
    f = tmp_path / "national.csv"
    f.write_text(head + "410308,孟津区,district,410000,河南省,410300,洛阳市,www.m.gov.cn,http://www.m.gov.cn/,"
                 "qianxian+anyi,same,,,,xxgk_entry,http://www.m.gov.cn/zwgk/zfxxgkml,\n"
                 "410105,金水区,district,410000,河南省,410100,郑州市,www.j.gov.cn,http://www.j.gov.cn/,"
                 "qianxian+anyi,same,,,,xxgk_entry,http://other.example.com/,\n", encoding="utf-8")
    mj, js = load_portals(f)
    assert (mj.entry, js.entry) == ("http://www.m.gov.cn/zwgk/zfxxgkml", "")  # another site's host is not taken
    pages = {"http://www.m.gov.cn/": (200, "<p>首页</p>"),
             "http://www.m.gov.cn/zwgk/zfxxgkml": (200, '<a href="/nb/">政府信息公开年报</a>'),
             "http://www.m.gov.cn/nb/": (200, '<a href="/2024/01-20/1.html">孟津区2023年政府信息公开工作年度报告</a>')}
    fetch, _ = _site_fetch(pages)
    d = discover_site(mj.url, PoliteFetcher(fetch, delay=0.0), entry=mj.entry)
    assert [(c.url, c.page) for c in d.columns] == [("http://www.m.gov.cn/nb/", "http://www.m.gov.cn/zwgk/zfxxgkml")]
    assert d.entry == "http://www.m.gov.cn/zwgk/zfxxgkml"
