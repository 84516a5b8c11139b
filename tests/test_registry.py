"""crawler.sites.registry.load_registry: placeholders, validation, errors that name file, entry and reason."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from crawler.exceptions import RegistryError
from crawler.sites.registry import Column, Site, domain_allowed, load_registry

GOOD = """
sites:
  - slug: mengjin
    name: 洛阳市孟津区人民政府
    code: "410308"
    level: district
    family: dateid
    allowed_domains: ["{host}"]
    columns:
      - name: 区政府年报
        body_level: government
        url: "{base}/list/4031.html"
      - name: 部门年报
        body_level: department
        url: "{base}/list/4032.html"
    settings: {encoding: gbk}
    source: demo
    checked: 2026-11-26
    guessed: false
  - slug: houma
    name: 侯马市人民政府
    code: "141081"
    level: county
    family: trs
    allowed_domains: [www.houma.gov.cn]
    columns:
      - url: http://www.houma.gov.cn/zfxxgk/xxgkzl/xxgknb/
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path) -> Path:
    return write(tmp_path, GOOD)


def test_load(good):
    sites = load_registry(good, bases={"mengjin": "http://127.0.0.11:41234/"})
    assert sites[0] == Site(
        slug="mengjin",
        name="洛阳市孟津区人民政府",
        code="410308",
        level="district",
        family="dateid",
        columns=[
            Column("区政府年报", "http://127.0.0.11:41234/list/4031.html", "government"),
            Column("部门年报", "http://127.0.0.11:41234/list/4032.html", "department"),
        ],
        allowed_domains=["127.0.0.11"],
        settings={"encoding": "gbk"},
        source="demo",
        checked="2026-11-26",
        guessed=False,
        registry=str(good),
    )


def test_defaults(good):
    houma = load_registry(good, bases={"mengjin": "http://127.0.0.11:1"})[1]
    assert houma.columns == [Column("column 0", "http://www.houma.gov.cn/zfxxgk/xxgkzl/xxgknb/", "government")]
    assert (houma.settings, houma.source, houma.checked, houma.guessed) == ({}, None, None, False)
    assert houma.start_urls == ["http://www.houma.gov.cn/zfxxgk/xxgkzl/xxgknb/"]
    assert (houma.province_code, houma.city_code) == ("140000", "141000")


def test_placeholder_without_base(good):
    with pytest.raises(RegistryError) as e:
        load_registry(good)
    assert str(e.value) == (
        f"{good}: entry 0 (mengjin): uses {{base}}/{{host}} but no base URL was given for this slug"
    )


ENTRY = """
sites:
  - slug: {slug}
    name: 测试区人民政府
    code: {code}
    level: {level}
    family: {family}
    allowed_domains: {domains}
    columns:
      - name: 年报
        body_level: {body_level}
        url: {url}
"""
OK = dict(slug="ceshi", code='"410308"', level="district", family="trs", domains="[www.example.gov.cn]",
          body_level="government", url="http://www.example.gov.cn/xxgk/zfxxgknb/")


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"code": '"41030"'}, "code must be a 6-digit 行政区划代码 (got '41030')"),
        ({"code": "4103080"}, "code must be a 6-digit 行政区划代码 (got 4103080)"),
        ({"family": "wordpress"}, "unknown family 'wordpress' (one of trs, hanweb, gkmlpt, dateid, jhtml, generic)"),
        ({"level": "town"}, "unknown level 'town' (one of province, city, district, county)"),
        ({"body_level": "village"}, "column 0 has unknown body_level 'village' (one of government, department, town, zone)"),
        ({"domains": "[other.gov.cn]"},
         "allowed_domains ['other.gov.cn'] do not cover column URL http://www.example.gov.cn/xxgk/zfxxgknb/"),
        ({"domains": "[]"}, "missing allowed_domains"),
        ({"url": "/xxgk/zfxxgknb/"}, "column 0 url is not an absolute http(s) URL: /xxgk/zfxxgknb/"),
        ({"slug": "Ce Shi"}, "slug must be lower-case ascii letters, digits, - or _ (got 'Ce Shi')"),
    ],
)
def test_invalid_entry(tmp_path, change, reason):
    path = write(tmp_path, ENTRY.format(**{**OK, **change}))
    with pytest.raises(RegistryError) as e:
        load_registry(path)
    slug = change.get("slug", "ceshi")
    assert str(e.value) == f"{path}: entry 0 ({slug}): {reason}"


def test_subdomain_is_covered(tmp_path):
    path = write(tmp_path, ENTRY.format(**{**OK, "domains": "[example.gov.cn]"}))
    assert load_registry(path)[0].allowed_domains == ["example.gov.cn"]


def test_duplicate_slug(tmp_path):
    text = ENTRY.format(**OK) + "\n".join(ENTRY.format(**OK).splitlines()[2:])
    path = write(tmp_path, text)
    with pytest.raises(RegistryError, match=r"entry 1 \(ceshi\): duplicate slug"):
        load_registry(path)


def test_missing_field(tmp_path):
    path = write(tmp_path, ENTRY.format(**OK).replace("    name: 测试区人民政府\n", ""))
    with pytest.raises(RegistryError, match=r"entry 0 \(ceshi\): missing name"):
        load_registry(path)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("sites: {}\n", "expected a mapping with a 'sites' list"),
        ("- a\n- b\n", "expected a mapping with a 'sites' list"),
        ("sites: [\n", "not valid YAML"),
        ("sites:\n  - just a string\n", "entry 0: not a mapping"),
    ],
)
def test_malformed_file(tmp_path, text, reason):
    path = write(tmp_path, text)
    with pytest.raises(RegistryError, match=reason) as e:
        load_registry(path)
    assert str(e.value).startswith(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(RegistryError, match="cannot read the registry"):
        load_registry(tmp_path / "nope.yaml")


def test_domain_allowed():
    assert domain_allowed("www.houma.gov.cn", ["houma.gov.cn"])
    assert domain_allowed("WWW.houma.gov.cn", ["www.houma.gov.cn"])
    assert not domain_allowed("evilhouma.gov.cn", ["houma.gov.cn"])


# --- crawler.sites.check and `nianbao sites` -------------------------------------------------

FILES = Path(__file__).resolve().parent / "files"


def _fake_fetcher(answers: dict[str, tuple[int, bytes]]):
    """A fetcher that answers from memory: url -> (status, body); anything else is a connection error."""

    def fetch(url: str):
        if url not in answers:
            raise ConnectionRefusedError("connection refused")
        status, body = answers[url]
        return status, {"Content-Type": "text/html"}, body, url

    return fetch


def _site(family: str, url: str, guessed: bool, slug: str = "s") -> Site:
    from urllib.parse import urlsplit

    return Site(slug=slug, name="测试", code="410308", level="district", family=family,
                columns=[Column("年报", url, "government")], allowed_domains=[urlsplit(url).hostname],
                guessed=guessed)


def test_check_sites_outcomes():
    from crawler.sites.check import check_sites

    ok = "http://www.hunnan.gov.cn/zwgk/zfxxgknb/index.html"
    gone = "http://www.mengjin.gov.cn/zfxxgk/zfxxgknb/"
    waf = "http://www.example.gov.cn/col/col1/index.html"
    jsl = "http://www.example2.gov.cn/zfxxgknb/"
    empty = "http://www.example3.gov.cn/zfxxgknb/"
    down = "http://www.example4.gov.cn/zfxxgknb/"
    fetch = _fake_fetcher({
        ok: (200, (FILES / "trs_real_list.html").read_bytes()),
        gone: (404, b"not found"),
        waf: (412, b"<html><script>$_ts=window['$_ts'];</script></html>"),
        jsl: (200, b"<script>document.cookie='__jsl_clearance=1';location.href=location.pathname</script>"),
        empty: (200, b"<html><body><a href='/'>home</a></body></html>"),
    })
    sites = [_site("trs", ok, False, "a"), _site("dateid", gone, True, "b"), _site("hanweb", waf, False, "c"),
             _site("generic", jsl, False, "d"), _site("generic", empty, False, "e"), _site("trs", down, False, "f")]
    results = check_sites(sites, fetcher=fetch, delay=0)
    got = [(r.slug, r.columns[0].outcome, r.columns[0].detail) for r in results]
    assert got == [
        ("a", "ok", "3 report link(s), 3 further list request(s)"),
        ("b", "gone", "HTTP 404: this column URL was guessed, not seen published; find the real column and fix the entry"),
        ("c", "blocked", "blocked by a WAF: HTTP 412 (瑞数-style JS challenge)"),
        ("d", "blocked", "blocked by a WAF: 加速乐 (Jiasule) JS challenge"),
        ("e", "no-reports", "HTTP 200, 46 bytes, no report link and no paging understood"),
        ("f", "error", "ConnectionRefusedError: connection refused"),
    ]
    assert [r.ok for r in results] == [True, False, False, False, False, False]
    assert results[0].columns[0].report_links == 3


def test_check_sites_without_fetch():
    from crawler.sites.check import check_sites

    def never(url):
        raise AssertionError("fetched")

    (result,) = check_sites([_site("trs", "http://www.houma.gov.cn/x/", True)], fetch=False, fetcher=never)
    assert result.ok and result.columns[0].outcome == "not-fetched"


def test_cli_sites_list_and_check(good, tmp_path):
    from click.testing import CliRunner

    from crawler.cli.sites import sites

    path = write(tmp_path, ENTRY.format(**OK))
    runner = CliRunner()
    result = runner.invoke(sites, ["list", "--registry", str(path), "--national", "-"])
    assert result.exit_code == 0, result.output
    assert result.output == ("ceshi\t410308\tdistrict\ttrs\t1 column(s)\tverified\t-\t测试区人民政府\n"
                             "1 site(s): 1 verified, 0 discovered, 0 guessed\n")
    result = runner.invoke(sites, ["check", "--no-fetch", "--registry", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "ceshi\ttrs\t410308\tdistrict\tseen\t测试区人民政府",
        "  not-fetched\tgovernment\thttp://www.example.gov.cn/xxgk/zfxxgknb/",
        "1 site(s) valid (not fetched)",
    ]
    result = runner.invoke(sites, ["check", "--no-fetch", "--registry", str(path), "--site", "nope"])
    assert result.exit_code == 1 and "no site with slug nope" in result.output


def test_cli_sites_check_bad_registry(tmp_path):
    from click.testing import CliRunner

    from crawler.cli.main import main

    path = write(tmp_path, ENTRY.format(**{**OK, "family": "wordpress"}))
    result = CliRunner().invoke(main, ["sites", "check", "--no-fetch", "--registry", str(path)])
    assert result.exit_code == 1
    assert "unknown family 'wordpress'" in result.output
