"""The national registry (sites/national.csv) and how it joins the YAML entries (crawler.sites.units)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.sites import sites
from crawler.exceptions import RegistryError
from crawler.sites.national import load_national
from crawler.sites.national_build import build_national, build_national_file
from crawler.sites.registry import Evidence, load_registry
from crawler.sites.units import foreign_hosts, load_units, merge_entries, summarize

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "sites" / "national.csv"
SHARED = ROOT.parent / "shared" / "registry"
REAL = ROOT / "sites" / "real.yaml"

needs_shared = pytest.mark.skipif(not (SHARED / "portals.csv").exists(), reason="../shared/registry not present")


@pytest.fixture(scope="module")
def national():
    return load_national(NATIONAL)


# --- the committed file ----------------------------------------------------------------------

def test_counts(national):
    levels = {}
    for u in national.values():
        levels.setdefault(u.level, [0, 0])
        levels[u.level][0] += 1
        levels[u.level][1] += bool(u.portal)
    assert len(national) == 3208
    assert levels == {"province": [32, 32], "city": [333, 333], "district": [977, 975], "county": [1866, 1866]}
    county_with_portal = sum(1 for u in national.values() if u.county_level and u.portal)
    assert county_with_portal == 2841 >= 2800
    assert sum(1 for u in national.values() if u.xxgk_entry) == 1222


def test_provenance_kept(national):
    mengjin = national["410308"]
    assert (mengjin.name, mengjin.level, mengjin.province, mengjin.city) == ("孟津区", "district", "河南省", "洛阳市")
    assert (mengjin.portal, mengjin.portal_url, mengjin.source, mengjin.agree) == (
        "www.mengjin.gov.cn", "https://www.mengjin.gov.cn/", "qianxian+anyi", "same")
    assert mengjin.qianxian_url == "http://www.mengjin.gov.cn/html/1//2/154/index.html"
    assert mengjin.anyi_url == "https://www.mengjin.gov.cn/"
    assert mengjin.xxgk_entry == "http://www.mengjin.gov.cn/zwgk/zfxxgkml"
    assert mengjin.xxgk_note.startswith("disclosure fallback: 政府信息公开目录")
    # a policy column is kept, but is not an entry page
    dongcheng = national["110101"]
    assert dongcheng.xxgk_kind == "policy_column" and dongcheng.xxgk_entry == ""
    assert (dongcheng.city_code, dongcheng.province_code) == ("", "110000")  # under a municipality directly
    assert national["419001"].city_code == ""  # 济源: directly under 河南省
    assert national["659001"].city == "新疆生产建设兵团"


def test_disagreeing_candidates_kept(national):
    lunan = national["130202"]
    assert (lunan.portal, lunan.source, lunan.agree) == (
        "www.lunan.gov.cn", "anyi(differs:lunan.tangshan.gov.cn)", "differ")
    assert lunan.candidate_hosts == ["lunan.tangshan.gov.cn"]
    hunchun = national["222404"]  # the second list pointed at the prefecture's portal
    assert (hunchun.portal, hunchun.source, hunchun.candidate_hosts) == (
        "www.hunchun.gov.cn", "qianxian(anyi_suspect)", ["www.yanbian.gov.cn"])
    xiantao = national["429004"]  # the first list gave a bare IP
    assert xiantao.candidate_hosts == ["58.49.42.70"]
    assert sum(1 for u in national.values() if u.candidates) == 103
    assert all(not u.candidates for u in national.values() if u.agree == "same" and u.source == "qianxian+anyi")
    xisha = national["460321"]
    assert (xisha.portal, xisha.source, xisha.portal_url) == ("", "none", "")


@needs_shared
def test_rebuild_gives_the_committed_bytes(tmp_path):
    """`nianbao sites build-national` from ../shared/registry reproduces sites/national.csv exactly."""
    out = tmp_path / "national.csv"
    result = CliRunner().invoke(sites, ["build-national", "--shared", str(SHARED), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == NATIONAL.read_bytes()
    assert result.output.splitlines()[0] == (
        f"{out}: 3208 units (2841 of 2843 county-level with a portal), 103 with candidate hosts, "
        "1222 with a 政府信息公开 entry page")
    assert "黑龙江省/大兴安岭地区/加格达奇区: no code, no unit of that path or name; left out" in result.output


def _shared_copy(tmp_path: Path, portals: str, both: str, xxgk: str) -> Path:
    for name, text in (("portals.csv", portals), ("portals_both.csv", both), ("xxgk_entries.csv", xxgk)):
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return tmp_path


def test_build_small(tmp_path):
    shared = _shared_copy(
        tmp_path,
        """
        code,name,domain,source
        410000,河南省,www.henan.gov.cn,qianxian+anyi
        410300,洛阳市,www.ly.gov.cn,qianxian+anyi
        410308,孟津区,www.mengjin.gov.cn,qianxian+anyi
        410323,新安县,www.xinan.gov.cn,anyi(differs:xinan.ly.gov.cn)
        """,
        """
        code,name,level,anyi_path,qianxian_url,anyi_url,agree
        410000,河南省,province,河南省,http://www.henan.gov.cn,https://www.henan.gov.cn/,same
        410300,洛阳市,prefecture,河南省/洛阳市,http://www.ly.gov.cn,https://www.ly.gov.cn/,same
        410308,孟津区,county,河南省/洛阳市/孟津区,http://www.mengjin.gov.cn,https://www.mengjin.gov.cn/,same
        410323,新安县,county,河南省/洛阳市/新安县,http://xinan.ly.gov.cn/x,http://www.xinan.gov.cn/,differ
        """,
        """
        code,path,kind,url,note
        ,河南省/洛阳市/新安县,xxgk_entry,http://www.xinan.gov.cn/zwgk,by path
        410308,河南省/洛阳市/孟津区,policy_column,http://www.mengjin.gov.cn/zc,policy
        """,
    )
    build = build_national(shared)
    units = {u.code: u for u in build.units}
    assert [(u.code, u.level, u.city_code) for u in build.units] == [
        ("410000", "province", ""), ("410300", "city", "410300"), ("410308", "district", "410300"),
        ("410323", "county", "410300")]
    assert units["410323"].candidates == "xinan.ly.gov.cn"
    assert units["410323"].portal_url == "http://www.xinan.gov.cn/"
    assert units["410323"].xxgk_entry == "http://www.xinan.gov.cn/zwgk"  # matched by its path
    assert build.unmatched_xxgk == []
    out = tmp_path / "out.csv"
    build_national_file(shared, out)
    assert load_national(out)["410323"] == units["410323"]


def test_build_names_a_missing_file(tmp_path):
    with pytest.raises(RegistryError, match=r"portals.csv: cannot read"):
        build_national(tmp_path)


def test_load_rejects_a_foreign_csv(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("code,name\n410308,孟津区\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"x.csv: not a national registry \(missing column\(s\) level"):
        load_national(path)


# --- joined with the entries -------------------------------------------------------------------

DISCOVERED = """
sites:
  - slug: mengjin
    name: 洛阳市孟津区人民政府
    code: "410308"
    level: district
    family: dateid
    allowed_domains: [www.mengjin.gov.cn]
    columns:
      - name: 区政府年报
        url: http://www.mengjin.gov.cn/zwgk/zfxxgknb/qzf/
    evidence:
      - url: http://www.mengjin.gov.cn/zwgk/zfxxgknb/qzf/
        link_text: 区政府
        page: http://www.mengjin.gov.cn/zwgk/zfxxgkml
    discovered: 2026-12-03
  - slug: xinan
    name: 新安县人民政府
    code: "410323"
    level: county
    family: generic
    allowed_domains: [www.xinan.gov.cn]
    columns:
      - url: http://www.xinan.gov.cn/zwgk/nb/
    discovered: 2026-12-03
    guessed: true
"""


def test_discovered_entries_load_beside_curated(tmp_path):
    path = tmp_path / "discovered.yaml"
    path.write_text(DISCOVERED, encoding="utf-8")
    (mengjin, xinan) = load_registry(path)
    assert mengjin.trust == "discovered" and mengjin.discovered == "2026-12-03"
    assert mengjin.evidence == [Evidence("http://www.mengjin.gov.cn/zwgk/zfxxgknb/qzf/", "区政府",
                                         "http://www.mengjin.gov.cn/zwgk/zfxxgkml")]
    assert xinan.trust == "guessed"  # a guess stays a guess, whoever wrote it
    reg = load_units([REAL, path], NATIONAL)
    by_slug = {s.slug: s for s in reg.entries}
    # the curated mengjin is guessed: the discovered one replaces it; the curated xinan (guessed) stays
    assert by_slug["mengjin"].registry == str(path)
    assert by_slug["xinan"].registry == str(REAL)
    assert sorted((s.slug, s.registry == str(path)) for s in reg.shadowed) == [("mengjin", False), ("xinan", True)]
    assert reg.unit("410308").trust == "discovered"


def test_merge_prefers_stronger_trust_then_the_earlier_file():
    real = load_registry(REAL)
    hunnan = next(s for s in real if s.slug == "hunnan")
    guess = next(s for s in real if s.slug == "mengjin")
    kept, shadowed = merge_entries([[hunnan, guess], [hunnan]])
    assert kept == [hunnan, guess] and shadowed == [hunnan]


def test_entries_override_national_rows(national):
    reg = load_units([REAL], NATIONAL)
    hunnan = reg.unit("210112")
    assert hunnan.national == national["210112"]  # the portal and its provenance stay attached
    assert [e.slug for e in hunnan.entries] == ["hunnan"]
    assert (hunnan.name, hunnan.trust, hunnan.crawled) == ("沈阳市浑南区人民政府", "verified", True)
    plain = reg.unit("410322") or reg.unit("410381")
    assert plain is None  # merged codes are not in the list
    known = reg.unit("110101")
    assert (known.name, known.trust, known.crawled, known.portal) == ("东城区", "portal-only", False, "www.bjdch.gov.cn")
    assert reg.unit("460321").trust == "no-portal"
    assert reg.unit("220171").national is None and reg.unit("220171").trust == "verified"  # a zone, entry only
    assert len(reg.units) == 3208 + 3
    assert len(reg.known_only()) == 3211 - len({e.code for e in reg.entries})


def test_summary_values():
    reg = load_units([REAL], NATIONAL)
    s = summarize(reg)
    assert s.county_level == (2843, 2841)
    assert s.levels["province"] == (32, 32) and s.levels["city"] == (333, 333)
    assert dict(s.portal_sources) == {"both lists agree": 3101, "lists differ, anyi kept": 94,
                                      "lists differ, qianxian kept": 9, "one list only": 2, "no portal": 2}
    assert dict(s.entry_trust) == {"verified": 48, "guessed": 24}
    assert dict(s.trust) == {"verified": 47, "guessed": 24, "portal-only": 3138, "no-portal": 2}
    henan = next(p for p in s.provinces if p.code == "410000")
    # 175 national rows and two zones known only through their entries (郑州高新区, 新乡经开区)
    assert (henan.name, henan.units, henan.county_level, henan.with_portal) == ("河南省", 177, 157, 177)
    assert (henan.trust["verified"], henan.trust["guessed"], henan.trust["portal-only"]) == (2, 21, 154)
    assert len(s.provinces) == 31  # 新疆生产建设兵团 counts under 新疆 (65)
    assert [u.code for u in s.outside_national] == ["220171", "410172", "410772"]
    assert s.foreign == []


def test_foreign_host_is_flagged(tmp_path):
    path = tmp_path / "wrong.yaml"
    path.write_text(textwrap.dedent("""
        sites:
          - slug: yiyang-ly
            name: 宜阳县人民政府
            code: "410327"
            level: county
            family: dateid
            allowed_domains: [www.yiyang.gov.cn]
            columns:
              - url: http://www.yiyang.gov.cn/zfxxgk/zfxxgknb/
          - slug: luyuan
            name: 绿园区
            code: "220106"
            level: district
            family: trs
            allowed_domains: [zwgk.changchun.gov.cn]
            columns:
              - url: http://zwgk.changchun.gov.cn/ly/lyqrmzfbgs/zfxxgknb/
    """), encoding="utf-8")
    reg = load_units([path], NATIONAL)
    # 益阳市's host under 宜阳县 is flagged; the city's shared platform for 绿园区 is not
    assert [(s.slug, portal) for s, portal in foreign_hosts(reg)] == [("yiyang-ly", "www.yyzfw.gov.cn")]


def test_cli_summary_lines():
    result = CliRunner().invoke(sites, ["list", "--summary", "--registry", str(REAL), "--national", str(NATIONAL)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "county-level     2843         2841  (district + county)" in lines
    assert "city              333          333" in lines
    assert "province           32           32" in lines
    assert "units by trust: verified 47, discovered 0, guessed 24, portal-only 3138, no-portal 2" in lines
    assert "entries by trust: verified 48, discovered 0, guessed 24" in lines
    assert "410000\t河南省\t177\t157\t177\t2\t0\t21\t154\t0" in lines


def test_cli_list_shows_trust_and_evidence():
    result = CliRunner().invoke(sites, ["list", "--registry", str(REAL), "--national", str(NATIONAL)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ("tongliang\t500151\tdistrict\ttrs\t3 column(s)\tverified\t"
            "https://cqstl.gov.cn/zwgk_171/zfxxgknb/tlq/qzfxx/202403/t20240325_13074802.html\t重庆市铜梁区人民政府") in lines
    assert "mengjin\t410308\tdistrict\tdateid\t1 column(s)\tguessed\t-\t洛阳市孟津区人民政府" in lines
    assert lines[-2:] == ["72 site(s): 48 verified, 0 discovered, 24 guessed",
                          f"3211 unit(s) known ({NATIONAL} and the entries), 3140 without columns (not crawled)"]


def test_cli_units_for_a_province():
    result = CliRunner().invoke(sites, ["list", "--units", "--province", "4103", "--registry", str(REAL),
                                        "--national", str(NATIONAL)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "410300\tcity\tportal-only\twww.ly.gov.cn\tqianxian+anyi\t-\thttps://www.ly.gov.cn/zwgk/\t河南省洛阳市"
    assert "410308\tdistrict\tguessed\twww.mengjin.gov.cn\tqianxian+anyi\t-\thttp://www.mengjin.gov.cn/zwgk/zfxxgkml\t河南省洛阳市孟津区" in lines
    assert "  mengjin\tdateid\t1 column(s)\tguessed\t-" in lines
    assert lines[-1] == "15 unit(s), 14 with columns"  # 洛阳市 and its 14 districts and counties


def test_every_verified_real_entry_has_evidence():
    real = load_registry(REAL)
    assert [s.slug for s in real if s.trust == "verified" and not s.evidence] == []
    assert all(e.url.startswith("http") for s in real for e in s.evidence)


def test_crawl_refuses_a_unit_without_columns(tmp_path):
    from crawler.cli.main import main

    result = CliRunner().invoke(main, ["crawl", "--db", str(tmp_path / "a.db"), "--sites", str(REAL),
                                       "--site", "110101"])
    assert result.exit_code == 1
    assert "110101 东城区 is known (portal www.bjdch.gov.cn) but has no columns yet" in result.output
    assert not (tmp_path / "a.db").exists()
