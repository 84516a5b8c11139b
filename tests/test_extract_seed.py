"""The seed report (a 2023 report in the 2021 template, every cell printed 0) reads whole and exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler import schema
from crawler.extract import extract_path


@pytest.fixture(scope="module")
def seed_report(seed_path: Path):
    return extract_path(seed_path)


@pytest.fixture(scope="module")
def seed_gold(seed_path: Path) -> dict:
    return json.loads(seed_path.with_name(seed_path.name.replace(".txt", ".gold.json")).read_text())


def test_template_and_year(seed_report) -> None:
    assert seed_report.template == "2021"
    assert seed_report.year == 2023


def test_agency_and_title(seed_report) -> None:
    assert seed_report.agency == "孟津区先进制造业开发区"
    assert seed_report.title == "孟津区先进制造业开发区 2023 年政府信息公开工作年度报告"


def test_all_200_cells_exact(seed_report, seed_gold) -> None:
    keys = schema.template_keys("2021")
    assert len(keys) == 200
    assert set(seed_gold["cells"]) == set(keys)
    for key in keys:
        got = seed_report.cells.get(key, "absent")
        assert got == seed_gold["cells"][key] == 0, key
        assert type(got) in (int, float), key


def test_fees_is_a_count_of_wan(seed_report) -> None:
    assert seed_report.raw["proactive.fees.amount_wan"] == "0"


def test_misspelt_row_still_read(seed_report) -> None:
    """The seed prints 行政制法案件 for 行政执法案卷."""
    assert seed_report.raw["requests.denied_enforcement_file.total"] == "0"
    assert seed_report.method["requests.denied_enforcement_file.total"] == "text"


def test_appeals_read_from_one_row(seed_report) -> None:
    assert all(seed_report.cells[f"appeals.{r.key}.{c}"] == 0 for r in schema.APPEALS for c in r.columns)


def test_consistent(seed_report) -> None:
    assert seed_report.findings == []
