"""Settings profiles (crawler/settings/) and the one `-s NAME=VALUE` parser."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.crawl.runner import project_settings
from crawler.settings.overrides import as_set_args, parse_overrides


def test_profiles_layer_on_the_production_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("SCRAPY_SETTINGS_MODULE", raising=False)
    polite = project_settings(tmp_path / "a.db")
    demo = project_settings(tmp_path / "a.db", module="crawler.settings.demo")
    tests = project_settings(tmp_path / "a.db", module="crawler.settings.tests")
    fleet = project_settings(tmp_path / "a.db", module="crawler.settings.fleet_demo")
    assert polite.getfloat("DOWNLOAD_DELAY") == 2.0 and polite.getbool("AUTOTHROTTLE_ENABLED")
    assert demo.getfloat("DOWNLOAD_DELAY") == 0 and not demo.getbool("AUTOTHROTTLE_ENABLED")
    assert demo.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 4 and demo.getint("RETRY_TIMES") == 1
    assert polite.getbool("NIANBAO_WARC_FSYNC") and not tests.getbool("NIANBAO_WARC_FSYNC")
    assert fleet.getint("NIANBAO_FLEET_LEASE") == 8
    # what every profile keeps from the production one
    for s in (demo, tests, fleet):
        assert s.getdict("DOWNLOADER_MIDDLEWARES") == polite.getdict("DOWNLOADER_MIDDLEWARES")
        assert s["NIANBAO_DB"] == str(tmp_path / "a.db")


def test_the_environment_chooses_a_profile_and_overrides_win(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings.demo")
    s = project_settings(tmp_path / "a.db", {"CONCURRENT_REQUESTS_PER_DOMAIN": "7"})
    assert s.getfloat("DOWNLOAD_DELAY") == 0 and s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 7


def test_overrides_parse_strings_and_json_and_round_trip():
    parsed = parse_overrides(["RETRY_TIMES=0", "LOG_LEVEL=ERROR", 'ITEM_PIPELINES={"a.B": 1}', "X=a=b"])
    assert parsed == {"RETRY_TIMES": "0", "LOG_LEVEL": "ERROR", "ITEM_PIPELINES": {"a.B": 1}, "X": "a=b"}
    args = as_set_args({"NIANBAO_WARC_FSYNC": False, "ITEM_PIPELINES": {"a.B": 1}})
    assert args == ["-s", "NIANBAO_WARC_FSYNC=False", "-s", 'ITEM_PIPELINES={"a.B": 1}']
    assert parse_overrides(args[1::2]) == {"NIANBAO_WARC_FSYNC": "False", "ITEM_PIPELINES": {"a.B": 1}}
    with pytest.raises(ValueError, match="expected NAME=VALUE"):
        parse_overrides(["NOVALUE"])
    with pytest.raises(ValueError, match="ITEM_PIPELINES"):
        parse_overrides(["ITEM_PIPELINES={bad"])


def test_a_profile_that_cannot_be_imported_is_one_line_and_opens_no_run(tmp_path):
    from click.testing import CliRunner

    from crawler.cli import main

    registry = tmp_path / "one.yaml"
    registry.write_text(
        'sites:\n  - {slug: t1, name: 测试, code: "410308", level: district, family: dateid,\n'
        '     allowed_domains: ["127.0.0.1"], columns: [{name: 年报, body_level: government,\n'
        '     url: "http://127.0.0.1:9/list.html"}], settings: {}, source: test, checked: 2026-12-03}\n',
        encoding="utf-8")
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(main, ["crawl", "--db", str(db), "--sites", str(registry), "--national", "-",
                                       "--settings-module", "crawler.settings.nope"])
    assert result.exit_code == 1, result.output
    assert "settings profile crawler.settings.nope: cannot be imported" in result.output
    runs = sqlite3.connect(db).execute("select count(*) from crawl_runs").fetchone()[0] if db.exists() else 0
    assert runs == 0
