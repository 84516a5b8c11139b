"""The four consistency rules on hand-made cells (docs/schema.md)."""

from crawler import schema
from crawler.extract.checks import check_report


def zero_report(template: str) -> dict:
    return {k: 0 for k in schema.template_keys(template)}


def test_template_sizes():
    assert len(schema.template_keys("2021")) == 200
    assert len(schema.template_keys("2019")) == 198
    assert schema.template_keys("legacy") == []


def test_all_zero_report_breaks_nothing():
    assert check_report(zero_report("2021"), "2021") == []
    assert check_report(zero_report("2019"), "2019") == []


def test_rule1_and_rule3_on_one_column():
    cells = zero_report("2021")
    cells["requests.new_received.natural_person"] = 5
    cells["requests.new_received.total"] = 5
    cells["requests.granted.natural_person"] = 4
    cells["requests.granted.total"] = 4
    cells["requests.results_total.natural_person"] = 4
    cells["requests.results_total.total"] = 4
    cells["requests.carried_forward.natural_person"] = 1
    cells["requests.carried_forward.total"] = 1
    assert check_report(cells, "2021") == []
    cells["requests.carried_forward.total"] = 0
    rules = sorted(f.rule for f in check_report(cells, "2021"))
    assert rules == ["1", "2"]
    broken = [f for f in check_report(cells, "2021") if f.rule == "1"][0]
    assert broken.key == "requests.*.total"
    assert (broken.expected, broken.actual) == (5.0, 4.0)


def test_rule3_counts_2019_other_row():
    cells = zero_report("2019")
    cells["requests.other.total"] = 2
    cells["requests.other.natural_person"] = 2
    findings = check_report(cells, "2019")
    assert {f.rule for f in findings} == {"3"}
    assert any(f.key == "requests.results_total.total" and f.expected == 2 for f in findings)


def test_rule4_appeals():
    cells = {"appeals.review.upheld": 1, "appeals.review.corrected": 1, "appeals.review.total": 3}
    (f,) = check_report(cells, "2021")
    assert f.rule == "4" and f.expected == 2 and f.actual == 3


def test_blank_counts_as_zero_and_excerpts_are_not_accused():
    assert check_report({"proactive.regulations.issued": 0}, "2021") == []
    cells = {"appeals.review.upheld": None, "appeals.review.total": None}
    assert check_report(cells, "2021") == []
    assert check_report({"requests.new_received.total": 3}, "legacy") == []


def test_schema_doc_is_current():
    """docs/schema.md is generated from crawler/schema.py: regenerate it when the schema changes."""
    from pathlib import Path

    from crawler.schema_doc import render_schema_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
    assert doc.read_text(encoding="utf-8") == render_schema_markdown(), "run: python -m crawler.schema_doc > docs/schema.md"
