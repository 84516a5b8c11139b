"""Alerts as Atom feeds: new reports, new findings, silent edits and reports gone, by region and kind.

The fixture archive is read once, then a second crawl is simulated the way the
crawl stores it (store_report of a changed original, a page gone, views rebuilt)
and the feeds are read again from a fresh Datasette.
"""

from __future__ import annotations

import pytest

from crawler.publish.feeds import feed_queries
from crawler.publish.fixtures import REPORTS, build_fixture_db
from tests.helpers import read_feed, second_crawl


@pytest.fixture
def archive(tmp_path):
    return build_fixture_db(tmp_path / "archive.db")


def test_every_feed_is_a_query_with_region_and_kind():
    for q in feed_queries().values():
        assert q["params"] == ["地区", "类型"]
        assert "atom_id" in q["sql"] and "atom_updated" in q["sql"]


def test_new_reports_by_region_and_level(archive):
    everything = read_feed(archive, "订阅新报告")
    assert len(everything) == len(REPORTS)
    mengjin = read_feed(archive, "订阅新报告", 地区="孟津区")
    assert len(mengjin) == 6 and all("孟津区" in e["title"] for e in mengjin)
    report_id = everything[0]["id"].rsplit(":", 1)[1]
    assert f'<a href="/-/report/{report_id}">报告 {report_id}</a>' in everything[0]["content"]  # its own page
    by_body = read_feed(archive, "订阅新报告", 地区="东城区财政局")  # a body's name, as the body questions match it
    assert [e["title"] for e in by_body] == ["北京市东城区财政局 2023年报告"]
    departments = read_feed(archive, "订阅新报告", 类型="部门")
    assert len(departments) == 3


def test_second_crawl_brings_a_new_finding_an_edit_and_a_gone_report(archive):
    before = read_feed(archive, "订阅新发现", 地区="孟津区", 类型="2")
    assert [e["id"] for e in before] == ["nianbao:订阅新发现:empty"]  # no rule 2 broken in 孟津区 yet
    assert len(read_feed(archive, "订阅新发现", 地区="孟津区")) > 1  # cross-report problems are there
    assert read_feed(archive, "订阅悄悄修改")[0]["id"] == "nianbao:订阅悄悄修改:empty"
    second_crawl(archive)
    after = read_feed(archive, "订阅新发现", 地区="孟津区", 类型="2")
    assert [e["id"] for e in after] == ["nianbao:finding:1:2:requests.granted.total"]
    assert "洛阳市孟津区人民政府 2019年报告：违反规则2" in {e["title"] for e in after}
    edits = read_feed(archive, "订阅悄悄修改", 地区="孟津区")
    assert [e["id"] for e in edits] == ["nianbao:edit:1:2"]
    assert "予以公开" in edits[0]["content"] and "→" in edits[0]["content"]
    gone = read_feed(archive, "订阅撤下的报告")
    assert [e["id"] for e in gone] == ["nianbao:gone:2:2026-12-02T01:00:00+00:00"]
    assert read_feed(archive, "订阅撤下的报告", 地区="东城区")[0]["id"].endswith(":empty")
