"""Every registry entry and every family spider (kingfisher-collect's test_spiders/checkall style).

Parametrized over each entry of sites/real.yaml and sites/demo.yaml (demo
placeholders filled with made-up loopback bases): the family is known, a
spider exists for it, the allowed domains cover the column URLs, and the
spider makes one start request per column carrying site, column and body
level. Each family module documents itself with the fixed terms.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.sites.registry import FAMILIES, domain_allowed, load_registry
from crawler.spiders.base import ReportSpider

ROOT = Path(__file__).resolve().parents[1]
REGISTRIES = [p for p in (ROOT / "sites" / "real.yaml", ROOT / "sites" / "demo.yaml") if p.exists()]
DOCSTRING_TERMS = ("CMS:", "Sample sites:", "Caveats:")


def _bases(path: Path) -> dict[str, str]:
    """Made-up loopback bases for every slug of a registry (demo files need them)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {e["slug"]: f"http://127.0.0.{11 + i}:41234" for i, e in enumerate(raw["sites"])}


def _entries():
    for path in REGISTRIES:
        for site in load_registry(path, bases=_bases(path)):
            yield pytest.param(site, id=f"{path.stem}:{site.slug}")


@pytest.fixture(scope="module")
def spider_loader() -> SpiderLoader:
    return SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["crawler.spiders"]}))


def test_real_registry_exists():
    assert (ROOT / "sites" / "real.yaml").exists()


def test_one_spider_per_family(spider_loader):
    """What `scrapy list` prints: exactly one spider per family."""
    assert sorted(spider_loader.list()) == sorted(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES)
def test_family_spider(spider_loader, family):
    cls = spider_loader.load(family)
    assert issubclass(cls, ReportSpider)
    assert cls.name == cls.family == family


@pytest.mark.parametrize("family", FAMILIES)
def test_docstring_terms(spider_loader, family):
    """Each family module's docstring is its how-to, with the fixed terms (kingfisher checkall)."""
    module = sys.modules[spider_loader.load(family).__module__]
    doc = inspect.getdoc(module) or ""
    missing = [term for term in DOCSTRING_TERMS if term not in doc]
    assert not missing, f"{module.__name__} docstring lacks {missing}"
    for term in DOCSTRING_TERMS:
        after = doc.split(term, 1)[1].strip()
        assert after and not after.startswith(DOCSTRING_TERMS), f"{module.__name__}: {term} is empty"


@pytest.mark.parametrize("site", list(_entries()))
def test_registry_entry(spider_loader, site):
    assert site.family in FAMILIES
    assert len(site.code) == 6 and site.code.isdigit()
    assert site.columns
    for column in site.columns:
        assert domain_allowed(urlsplit(column.url).hostname or "", site.allowed_domains), column.url
    cls = spider_loader.load(site.family)
    spider = cls(sites=[site])
    assert spider.allowed_domains == sorted(set(site.allowed_domains))
    requests = list(spider.start_requests())
    assert [r.url for r in requests] == [c.url for c in site.columns]
    assert [(r.meta["site"], r.meta["column"], r.meta["body_level"]) for r in requests] == [
        (site.slug, c.name, c.body_level) for c in site.columns
    ]


@pytest.mark.parametrize("site", [p for p in _entries() if p.id.startswith("real:")])
def test_real_entry_is_documented(site):
    """Real entries say where their facts come from, when they were checked, and whether they are guesses."""
    assert site.source and len(site.source) > 20
    assert site.checked
    assert isinstance(site.guessed, bool)
    assert all(not d.startswith("{") for d in site.allowed_domains)


def test_other_families_are_ignored(spider_loader):
    sites = load_registry(ROOT / "sites" / "real.yaml")
    spider = spider_loader.load("hanweb")(sites=sites)
    assert spider.sites and all(s.family == "hanweb" for s in spider.sites)


def test_site_argument_selects_one(spider_loader):
    spider = spider_loader.load("dateid")(registry=str(ROOT / "sites" / "real.yaml"), site="mengjin")
    assert [s.slug for s in spider.sites] == ["mengjin"]
    assert spider.allowed_domains == ["www.mengjin.gov.cn"]


def test_unknown_site_argument(spider_loader):
    from crawler.exceptions import RegistryError

    with pytest.raises(RegistryError, match="no trs site with slug 'mengjin'"):
        spider_loader.load("trs")(registry=str(ROOT / "sites" / "real.yaml"), site="mengjin")


def test_luoyang_first():
    """Every district and county of 洛阳市 (4103xx, after the 2021 merger) leads sites/real.yaml."""
    sites = load_registry(ROOT / "sites" / "real.yaml")
    luoyang = {"410302", "410303", "410304", "410305", "410307", "410308", "410311",
               "410323", "410324", "410325", "410326", "410327", "410328", "410329"}
    assert {s.code for s in sites[: len(luoyang)]} == luoyang
    assert "410306" not in {s.code for s in sites}  # 吉利区, merged into 孟津区
    assert "410322" not in {s.code for s in sites}  # 孟津县, now 孟津区


FIXTURE_PAGES = [
    ("trs", "http://www.hunnan.gov.cn/zwgk/zfxxgknb/index.html", "trs_real_list.html"),
    ("hanweb", "http://www.nbjb.gov.cn/col/col1229214366/index.html", "hanweb_real_column.html"),
    ("gkmlpt", "https://www.dabu.gov.cn/gkmlpt/api/all/2590?page=1&sid=765037", "gkmlpt_real_api_1.json"),
    ("dateid", "http://www.mengjin.gov.cn/zwgk/zfxxgknb/index.html", "dateid_real_list.html"),
    ("jhtml", "http://public.jinshui.gov.cn/D42Y/index.jhtml", "jhtml_real_list.html"),
    ("generic", "http://www.dengzhou.gov.cn/zl/zfxxgk/zfxxgknb/index.htm", "generic_real_list.html"),
]


@pytest.mark.parametrize("family, url, name", FIXTURE_PAGES)
def test_requests_survive_a_disk_queue(spider_loader, family, url, name):
    """JOBDIR and the fleet's shared queue serialize requests: every request must round-trip."""
    import pickle

    from scrapy.utils.request import request_from_dict

    from tests.saved_pages import one_site, response_for

    spider = spider_loader.load(family)(sites=[one_site(family, [url])])
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, name)))
    assert out
    for request in [start, *out]:
        again = request_from_dict(pickle.loads(pickle.dumps(request.to_dict(spider=spider))), spider=spider)
        assert (again.url, again.method, again.body, again.callback) == (
            request.url, request.method, request.body, request.callback)
        assert again.meta["site"] == "testsite"
