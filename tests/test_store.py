"""Reports, cells, versions and cell changes in archive.db."""

from __future__ import annotations

from crawler.extract.checks import check_report
from crawler.extract.model import Report
from crawler.record.cellstore import TEMPLATE_KEY_IDS
from crawler.record.store import open_db, store_report, write_transaction


def a_report(new_received: int) -> Report:
    cells = {"requests.new_received.total": new_received, "requests.new_received.natural_person": new_received,
             "requests.granted.total": None}
    r = Report(template="2021", year=2023, agency="孟津区城关镇", title="孟津区城关镇2023年政府信息公开工作年度报告",
               cells=cells, raw={"requests.new_received.total": f"{new_received}件"},
               method={k: "grid" for k in cells}, text="一、总体情况")
    r.findings = check_report(r.cells, r.template)
    return r


def put(db, report: Report, sha: str, when: str):
    with db.atomic():
        return store_report(db, site="mengjin", url="http://127.0.0.11/2024/01-25/1.html", report=report,
                            document_id=None, document_sha256=sha, fetched_at=when, body_level="town")


def test_new_unchanged_changed(tmp_path):
    db = open_db(tmp_path / "archive.db")
    first = put(db, a_report(3), "aaa", "2024-01-25T00:00:00+00:00")
    assert (first.status, first.version) == ("new", 1)
    same = put(db, a_report(3), "aaa", "2024-01-26T00:00:00+00:00")
    assert (same.status, same.version, same.id) == ("unchanged", 1, first.id)
    changed = put(db, a_report(5), "bbb", "2024-02-01T00:00:00+00:00")
    assert (changed.status, changed.version) == ("changed", 2)
    assert db["reports"].count == 1
    assert db["report_versions"].count == 2
    changes = {r["key"]: (r["old_value"], r["new_value"]) for r in db["cell_changes"].rows}
    assert changes == {"requests.new_received.total": (3, 5), "requests.new_received.natural_person": (3, 5)}
    cells = {r["key"]: r["value"] for r in db["cells"].rows_where("report_id = ?", [first.id])}
    assert cells["requests.new_received.total"] == 5 and cells["requests.granted.total"] is None
    raw = next(db["cells"].rows_where("report_id = ? and key = ?", [first.id, "requests.new_received.total"]))["raw"]
    assert raw == "5件"
    row = db["reports"].get(first.id)
    assert row["first_seen"].startswith("2024-01-25") and row["last_seen"].startswith("2024-02-01")
    assert row["cells_count"] == 2


def test_cells_stored_compactly_read_back_alike(tmp_path):
    """A printed number is implied by its value; other raw texts, a missing raw and odd keys come back as stored."""
    db = open_db(tmp_path / "a.db")
    report = Report(template="2021", year=2023,
                    cells={"requests.new_received.total": 12.0, "requests.granted.total": 3.0,
                           "proactive.fees.amount_wan": 1.5, "requests.carried_over.total": None,
                           "custom.row.col": 7.0, "proactive.fees.count": 2.5},
                    raw={"requests.new_received.total": "12", "requests.granted.total": "3件",
                         "proactive.fees.amount_wan": "1.5", "requests.carried_over.total": "-"},
                    method={"requests.new_received.total": "grid", "requests.granted.total": "prose"})
    with write_transaction(db):
        rid = store_report(db, site="s", url="http://x/1", report=report, document_id=None, document_sha256="a",
                           fetched_at="2024-01-01T00:00:00+00:00").id
    got = {r["key"]: (r["value"], r["raw"], r["method"], r["part"]) for r in db["cells"].rows_where("report_id = ?", [rid])}
    assert got == {"requests.new_received.total": (12.0, "12", "grid", "requests"),
                   "requests.granted.total": (3.0, "3件", "prose", "requests"),
                   "proactive.fees.amount_wan": (1.5, "1.5", None, "proactive"),
                   "requests.carried_over.total": (None, "-", None, "requests"),
                   "custom.row.col": (7.0, None, None, "custom"),
                   "proactive.fees.count": (2.5, None, None, "proactive")}
    stored = dict(db.execute("select key_id, raw from cell_values where report_id = ?", [rid]).fetchall())
    assert stored[TEMPLATE_KEY_IDS["requests.new_received.total"]] is None  # implied by the value
    assert db["report_versions"].get((rid, 1))["cells_json"] is None  # the current version's cells: the cells table


def test_needs_review_is_stored_and_cleared_with_the_reading(tmp_path):
    """A glued run left missing is recorded on the report; the next clean reading clears it."""
    db = open_db(tmp_path / "archive.db")
    report = a_report(3)
    report.needs_review = "requests.granted：数字连写“1230003”，有多种拆分都符合勾稽关系，7个单元格未读"
    first = put(db, report, "aaa", "2024-01-25T00:00:00+00:00")
    assert db["reports"].get(first.id)["needs_review"].startswith("requests.granted")
    put(db, a_report(3), "bbb", "2024-01-26T00:00:00+00:00")
    assert db["reports"].get(first.id)["needs_review"] is None


def test_an_archive_with_the_old_cells_table_is_converted_alike(tmp_path):
    """Cells written before they were compact read back the same through the `cells` view after open_db."""
    import sqlite3

    path = tmp_path / "old.db"
    old = [(1, "requests.new_received.total", "requests", "new_received", "total", 12.0, "12", "grid"),
           (1, "requests.granted.total", "requests", "granted", "total", 3.0, "3件", "prose"),
           (1, "proactive.fees.amount_wan", "proactive", "fees", "amount_wan", 1.5, None, None),
           (1, "requests.carried_over.total", "requests", "carried_over", "total", None, "-", "grid"),
           (1, "custom.row.col", "custom", "row", "col", 7.0, None, "split")]
    conn = sqlite3.connect(path)
    conn.execute("create table cells (report_id integer, key text, part text, row text, col text, "
                 "value real, raw text, method text)")
    conn.executemany("insert into cells values (?, ?, ?, ?, ?, ?, ?, ?)", old)
    conn.commit()
    conn.close()
    db = open_db(path)
    got = sorted(tuple(r) for r in db.execute(
        "select report_id, key, part, row, col, value, raw, method from cells").fetchall())
    assert got == sorted(old)
    assert "cells" in db.view_names() and "cells" not in db.table_names()
