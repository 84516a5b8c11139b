"""The embedded demo web: server lifecycle, per-site origins, each family's paging, gold and determinism."""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import threading
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from crawler import schema
from crawler.demo.generator import build_demo_web
from crawler.demo.model import DemoCorpus, Page
from crawler.demo.registry import registry_yaml
from crawler.demo.server import DemoWeb, resolve
from crawler.extract.checks import check_report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> DemoCorpus:
    return build_demo_web(seed_dir=shared_dir / "seeds")


@pytest.fixture(scope="module")
def web(corpus: DemoCorpus):
    with DemoWeb(corpus) as w:
        yield w


def fetch(url: str, data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def is_report_title(title: str) -> bool:
    """The title rule: 政府信息公开 and (年度报告 or 年报)."""
    t = re.sub(r"\s+", "", title)
    return "政府信息公开" in t and ("年度报告" in t or "年报" in t)


# --- server -------------------------------------------------------------------


def test_start_stop_many_times(corpus):
    threads = threading.active_count()
    for _ in range(3):
        web = DemoWeb(corpus).start()
        base = web.bases["mengjin"]
        assert fetch(base + "/robots.txt")[0] == 200
        web.stop()
        host, port = urlsplit(base).hostname, urlsplit(base).port
        with pytest.raises(OSError), socket.create_connection((host, port), timeout=1):
            pass
    web.stop()  # idempotent
    assert threading.active_count() <= threads


def test_two_demo_webs_at_once(corpus):
    with DemoWeb(corpus) as a, DemoWeb(corpus) as b:
        assert a.bases["kaihua"] != b.bases["kaihua"]
        assert fetch(b.bases["kaihua"] + "/robots.txt")[0] == 200


def test_main_writes_the_placeholder_registry(tmp_path, capsys):
    from crawler.demo.__main__ import main

    assert main(["--registry", str(tmp_path / "demo.yaml")]) == 0
    assert (tmp_path / "demo.yaml").read_text(encoding="utf-8") == (ROOT / "sites" / "demo.yaml").read_text(encoding="utf-8")


def test_each_site_on_its_own_host(web, corpus):
    hosts = [urlsplit(b).hostname for b in web.bases.values()]
    assert hosts == [f"127.0.0.{11 + i}" for i in range(len(corpus.sites))]
    assert len(corpus.sites) >= 6
    for site in corpus.sites:
        assert fetch(web.bases[site.slug] + site.columns[0].path)[0] == 200
    mengjin_report = corpus.reports_of("mengjin")[0].path
    assert fetch(web.bases["mengjin"] + mengjin_report)[0] == 200
    assert fetch(web.bases["xigong"] + mengjin_report)[0] == 404


def test_unknown_path_is_404_and_static_post_is_405(web):
    assert fetch(web.bases["yiyang"] + "/no/such/page.html")[0] == 404
    assert fetch(web.bases["yiyang"] + "/robots.txt", data=b"x=1")[0] == 405


def test_robots(web):
    assert b"Disallow: /search/" in fetch(web.bases["xigong"] + "/robots.txt")[2]
    assert b"Disallow" not in fetch(web.bases["mengjin"] + "/robots.txt")[2]


def test_registry_in_sync_and_live(web, corpus, tmp_path):
    assert (ROOT / "sites" / "demo.yaml").read_text(encoding="utf-8") == registry_yaml(corpus), \
        "sites/demo.yaml is stale: python -m crawler.demo --registry sites/demo.yaml"
    text = web.write_registry(tmp_path / "demo.yaml").read_text(encoding="utf-8")
    assert "{base}" not in text and "{host}" not in text
    assert web.bases["dabu"] + "/gkmlpt/api/all/" in text


# --- families -------------------------------------------------------------------


def test_trs_pages_are_gbk_with_meta_charset(web, corpus):
    report = corpus.reports_of("xigong")[0]
    status, headers, body = fetch(web.bases["xigong"] + report.path)
    assert status == 200 and "charset" not in headers["Content-Type"]
    assert b'charset=gb2312">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gbk")
    assert report.title in text and 'class="TRS_Editor"' in text
    listing = fetch(web.bases["xigong"] + "/zwgk/zfxxgknb/bmnb/index.html")[2].decode("gbk")
    assert re.search(r'createPageHTML\((\d+), 0, "index", "html"\)', listing)


def test_hanweb_dataproxy_pages_in_overlapping_groups(web, corpus):
    base = web.bases["kaihua"]
    site = corpus.site("kaihua")
    col = next(c for c in site.columns if c.body_level == "department")
    page = fetch(base + col.path)[2].decode()
    total = int(re.search(r"totalRecord:(\d+)", page).group(1))
    per = int(re.search(r"perPage:(\d+)", page).group(1))
    params = re.search(r"var param_\d+=\{(.*?)\};", page).group(1)
    form = dict(re.findall(r'(\w+):"?([^,"]*)"?', params))
    assert total > 3 * per, "the department column must need a second group"
    first = re.findall(r'<li><a href="([^"]+)"', page.split("<datastore>")[1].split("</datastore>")[0])
    assert len(first) == 3 * per
    nextgroup = re.search(r"startrecord=(\d+)&endrecord=(\d+)", page)
    start, end = int(nextgroup.group(1)), int(nextgroup.group(2))
    assert start == 3 * per  # overlaps the first group by one record
    body = "&".join(f"{k}={v}" for k, v in form.items()).encode()
    seen = list(first)
    while start <= total:
        xml = fetch(f"{base}/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage={per}",
                    data=body)[2].decode()
        assert int(re.search(r"<totalrecord>(\d+)</totalrecord>", xml).group(1)) == total
        assert int(re.search(r"<totalpage>(\d+)</totalpage>", xml).group(1)) == -(-total // per)
        got = re.findall(r'<li><a href="([^"]+)"', xml)
        assert got[0] == seen[-1]  # one record of overlap
        seen += got[1:]
        start, end = end, end + 3 * per
    expected = {r.path for r in corpus.reports_of("kaihua") if r.column == col.name}
    expected |= {d.path for d in corpus.decoys if d.site == "kaihua" and d.path in seen}
    assert len(seen) == len(set(seen)) == total
    assert expected <= set(seen)
    assert fetch(base + "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=5")[0] == 405


def test_gkmlpt_api_pages(web, corpus):
    base = web.bases["dabu"]
    index = fetch(base + "/gkmlpt/index")[2].decode()
    sid = re.search(r"SID:'(\d+)'", index).group(1)
    tree = json.loads(re.search(r"TREE:(\[.*?\]), API_ALL", index).group(1))
    cats = [c["id"] for c in tree[0]["children"]]
    assert len(cats) == len(corpus.site("dabu").columns)
    all_ids = []
    for cat in cats:
        posts, page = [], 1
        while True:
            data = json.loads(fetch(f"{base}/gkmlpt/api/all/{cat}?page={page}&sid={sid}")[2])
            if not data["articles"]:
                break
            posts += data["articles"]
            page += 1
        assert page - 1 >= 2, "every category spans two pages"
        assert len(posts) == data["classify"]["post_count"]
        all_ids += [p["id"] for p in posts]
        for p in posts[:2]:
            assert p["url"].startswith(base + "/gkmlpt/content/") and p["created_at"] > 1_500_000_000
            detail = fetch(p["url"])[2].decode()
            config = re.search(r"DETAIL:(\{.*\})\};</script>", detail).group(1)
            assert json.loads(config)["title"] == p["title"]
            assert 'class="article-content"' in detail
    assert len(all_ids) == len(set(all_ids))
    assert fetch(f"{base}/gkmlpt/api/all/999?page=1&sid={sid}")[0] == 404
    parent = json.loads(fetch(f"{base}/gkmlpt/api/all/{tree[0]['id']}?page=1&sid={sid}")[2])
    assert parent["classify"]["post_count"] == len(all_ids)


def _search_api_listing(base: str, text: str) -> tuple[set[str], int]:
    """(document paths, page count) of a column whose later pages only the search API serves (POST, JSON)."""
    form = dict(re.findall(r"(\w+): '([^']*)'", text))
    form = {k: form[k] for k in ("channelid", "sortfield", "classsql", "classcol", "classnum", "classsort",
                                 "cache", "prepage")}
    paths: set[str] = set()
    page, count = 1, 1
    while page <= count:
        status, headers, body = fetch(base + "/fjdzapp/search", urlencode({**form, "page": page}).encode())
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        reply = json.loads(body)
        count = reply["pageCount"]
        paths |= {d["docpuburl"] for d in reply["data"]}
        page += 1
    assert count == -(-int(re.search(r"recordCount: '(\d+)'", text).group(1)) // int(form["prepage"]))
    return paths, count


def _list_links(family: str, text: str) -> tuple[list[str], list[str]]:
    """(article links, other list pages) of one served list page, per family layout."""
    hrefs = re.findall(r'href="([^"]+)"', text)
    if family == "trs":
        m = re.search(r'createPageHTML\((\d+), (\d+), "index", "html"\)', text)
        if m:
            pages = [f"index_{i}.html" if i else "index.html" for i in range(int(m.group(1)))]
        else:  # the six-argument form: the current page from 1, page n is index_n.html
            m = re.search(r"createPageHTML\('page_div', (\d+), (\d+), 'index', 'html', \d+\)", text)
            count = int(m.group(1)) if m else 1  # no pager: a column only the search API pages
            pages = [f"index_{i + 1}.html" if i else "index.html" for i in range(count)]
        return [h for h in hrefs if re.search(r"/t\d{8}_\d+\.html$", h)], pages
    article = {"dateid": r"^/\d{4}/\d{2}-\d{2}/\d+\.html$", "jhtml": r"^/D42Y\d*/\d+\.jhtml$",
               "generic": r"^/html/\d+/\d+\.html$"}[family]
    pages = {"dateid": r"^/list/", "jhtml": r"index(_\d+)?\.jhtml$", "generic": r"index(_\d+)*\.html(\?page=\d+)?$"}[family]
    return [h for h in hrefs if re.search(article, h)], [h for h in hrefs if re.search(pages, h)]


@pytest.mark.parametrize("slug", ["mengjin", "xigong", "jinshui", "yiyang"])
def test_list_columns_span_pages_and_list_everything(web, corpus, slug):
    site = corpus.site(slug)
    encoding = "gbk" if site.family == "trs" else "utf-8"
    listed: set[str] = set()
    for col in site.columns:
        start = web.bases[slug] + col.path
        todo, done = [start], set()
        while todo:
            url = todo.pop()
            if url in done:
                continue
            done.add(url)
            status, _, body = fetch(url)
            assert status == 200, url
            arts, pages = _list_links(site.family, body.decode(encoding))
            listed |= {urlsplit(urljoin(url, a)).path for a in arts}
            todo += [urljoin(url, p) for p in pages]
            if site.family == "trs" and "/fjdzapp/search" in body.decode(encoding):
                paths, api_pages = _search_api_listing(web.bases[slug], body.decode(encoding))
                listed |= paths
                done |= {f"{url}#api{n}" for n in range(2, api_pages + 1)}
        assert len(done) >= 2, f"{slug} {col.name} has one page"
    assert listed == {r.path for r in corpus.reports_of(slug)} | set(corpus.decoys_of(slug))


# --- gold -------------------------------------------------------------------------


def test_report_counts(corpus):
    assert 150 <= len(corpus.reports) <= 250
    assert {r.year for r in corpus.reports} == set(range(2018, 2026))
    assert Counter(r.template for r in corpus.reports).keys() == {"2019", "2021", "legacy"}
    assert {r.body_level for r in corpus.reports} == {"government", "department", "town", "zone"}
    for r in corpus.reports:
        assert r.template == schema.template_for_year(r.year)
        assert r.published[:4] == str(r.year + 1) and r.published[5:7] in ("01", "02", "03")


def test_gold_has_every_cell_of_its_template(corpus):
    for r in corpus.reports:
        g = r.gold
        assert g["complete"] is True and g["template"] == r.template and g["year"] == r.year
        if r.template == "legacy":
            assert g["cells"] == {}
            continue
        assert list(g["cells"]) == schema.template_keys(r.template), r.path
        for key, v in g["cells"].items():
            assert v is None or isinstance(v, int | float), (r.path, key, v)
            if v is not None and key not in schema.DECIMAL_CELLS:
                assert isinstance(v, int) and (v >= 0 or key.endswith(".change"))


def test_gold_obeys_the_rules_except_planted(corpus):
    planted = Counter()
    for r in corpus.reports:
        broken = {f.rule for f in check_report(r.gold["cells"], r.template)}
        assert broken == set(r.gold.get("planted_findings", [])), r.path
        planted.update(broken)
    assert set(planted) == {"1", "2", "3", "4"}


def test_titles_separate_reports_from_decoys(corpus):
    assert len(corpus.decoys) >= 2 * len(corpus.sites)
    assert all(is_report_title(r.title) for r in corpus.reports)
    assert not any(is_report_title(d.title) for d in corpus.decoys)
    report_paths = {(r.site, r.path) for r in corpus.reports}
    assert not report_paths & {(d.site, d.path) for d in corpus.decoys}


def test_seed_report_is_served_with_its_gold(web, corpus, shared_dir):
    gold_file = next((shared_dir / "seeds").glob("*.gold.json"))
    seed = [r for r in corpus.reports if r.gold.get("source") == gold_file.name.replace(".gold.json", ".txt")]
    assert len(seed) == 1 and seed[0].site == "mengjin" and seed[0].body_level == "zone"
    assert seed[0].gold == json.loads(gold_file.read_text(encoding="utf-8"))
    page = fetch(web.bases["mengjin"] + seed[0].path)[2].decode()
    assert page.count("<table") >= 6 and "行政制法案件" in page


def test_seed_left_out_without_seed_dir(tmp_path):
    corpus = build_demo_web(seed_dir=tmp_path)
    assert not [r for r in corpus.reports if r.gold.get("source", "").endswith(".txt")]


def test_build_is_deterministic(corpus, shared_dir):
    again = build_demo_web(seed_dir=shared_dir / "seeds")
    assert [r.__dict__ for r in again.reports] == [r.__dict__ for r in corpus.reports]
    assert again.decoys == corpus.decoys
    for a, b in zip(again.sites, corpus.sites, strict=True):
        assert sorted(a.pages) == sorted(b.pages)
        assert all(a.pages[p] == b.pages[p] for p in a.pages if isinstance(a.pages[p], Page))


# --- the printed tables say what the gold says --------------------------------------


def _grid(table) -> list[list[str]]:
    """Rows of cell texts with rowspan/colspan expanded."""
    out: list[list[str]] = []
    carry: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.xpath("./tbody/tr|./tr")):
        row: list[str] = []
        cells = iter(tr.xpath("./td|./th"))
        c = 0
        while True:
            if (r, c) in carry:
                row.append(carry.pop((r, c)))
                c += 1
                continue
            td = next(cells, None)
            if td is None:
                break
            text = "".join(td.itertext()).strip()
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for dc in range(cs):
                row.append(text)
                for dr in range(1, rs):
                    carry[(r + dr, c + dc)] = text
            c += cs
        out.append(row)
    return out


def _value(text: str) -> int | float | None:
    t = unicodedata.normalize("NFKC", text).replace(",", "").replace("万元", "").replace("件", "").strip()
    if t in ("", "/"):
        return None
    return float(t) if "." in t else int(t)


def _read_tables(doc, template: str) -> dict[str, int | float | None]:
    tables = [_grid(t) for t in doc.xpath("//table[not(@class='xxgk-meta')]")]
    cells: dict[str, int | float | None] = {}
    proactive = next(g for g in tables if any(r and r[0] == "第二十条第（一）项" for r in g))
    labels = {r[0]: r[1:] for r in proactive}
    for row in schema.template_rows(template)["proactive"]:
        for col, text in zip(row.columns, labels[row.label], strict=False):
            cells[f"proactive.{row.key}.{col}"] = _value(text)
    requests = next(g for g in tables if g and "申请人情况" in g[0])
    for row, values in zip(schema.template_rows(template)["requests"], requests[3:], strict=True):
        for col, text in zip(schema.REQUEST_COLUMNS, values[-7:], strict=True):
            cells[f"requests.{row.key}.{col}"] = _value(text)
    appeals = next(g for g in tables if g and g[0][0] == "行政复议")
    keys = [f"appeals.{g.key}.{c}" for g in schema.APPEALS for c in schema.APPEAL_COLUMNS]
    cells.update({k: _value(t) for k, t in zip(keys, appeals[-1], strict=True)})
    return cells


def test_printed_tables_read_back_as_gold(web, corpus):
    checked = 0
    for r in corpus.reports:
        if r.template == "legacy" or r.gold["source"].endswith(".txt") or r.attachment:
            continue  # file-only reports print no table on their page (test_extract_demo reads their files)
        body = corpus.site(r.site).pages[r.path].body
        doc = lxml_html.fromstring(body.decode("gbk" if r.site == "xigong" else "utf-8"))
        assert _read_tables(doc, r.template) == r.gold["cells"], r.path
        checked += 1
    assert checked > 150


def test_saved_fixtures_are_current(corpus):
    """tests/files/*_demo_* are what the demo web serves now (else: run tests/files/make_fixtures.py)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "tests" / "files" / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    index = {s.slug: i for i, s in enumerate(corpus.sites)}
    for name, slug, path, data, _ in module.fixtures(corpus):
        base = f"http://127.0.0.{11 + index[slug]}:{module.PORT}"
        page = resolve(corpus.site(slug), "POST" if data else "GET", path, data or b"", base)
        assert (ROOT / "tests" / "files" / name).read_bytes() == page.body, f"{name} is stale"


def test_file_only_reports_are_served_with_their_content_type(web, corpus):
    files = [r for r in corpus.reports if r.attachment]
    assert {r.attachment_kind for r in files} <= {"pdf", "docx", "doc", "xlsx", "scan"} and files
    for r in files:
        with urllib.request.urlopen(web.url(r.site, r.attachment), timeout=10) as resp:
            ctype, data = resp.headers["Content-Type"], resp.read()
        assert ctype == corpus.site(r.site).pages[r.attachment].headers["Content-Type"]
        assert ctype.startswith("application/") and len(data) > 1000


def test_a_taken_demo_port_is_a_clear_error(corpus: DemoCorpus, web: DemoWeb):
    """A second demo on the same port says which address is taken and how to choose another."""
    from crawler.exceptions import NianbaoError

    port = int(urlsplit(next(iter(web.bases.values()))).port)
    with pytest.raises(NianbaoError, match=rf"cannot listen on 127\.0\.0\.\d+:{port} .*--web-port"):
        DemoWeb(corpus, port=port).start()
