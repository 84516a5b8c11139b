"""Every report of the demo web extracts exactly to its gold; no decoy article reads as a report.

A report published only as a file is read from the file; its page reads as no cells.
"""

from __future__ import annotations

import pytest

from crawler.extract import extract_bytes

generator = pytest.importorskip("crawler.demo.generator")


@pytest.fixture(scope="module")
def demo_web():
    return generator.build_demo_web()


def _page(web, site: str, path: str):
    page = web.site(site).pages[path]
    assert not callable(page), f"{site}{path} is a dynamic endpoint, not a page"
    return page


def _differences(report, gold: dict) -> list[str]:
    out = []
    for field in ("template", "year", "agency", "title", "published"):
        if gold.get(field) is not None and getattr(report, field) != gold[field]:
            out.append(f"{field}: {getattr(report, field)!r} != {gold[field]!r}")
    if gold.get("template") in (None, "legacy") and report.cells:
        out.append(f"{len(report.cells)} cells in a report without tables")
    for key, value in gold.get("cells", {}).items():
        got = report.cells.get(key, "absent")
        if got != value or type(got) is not type(value) and not (isinstance(got, (int, float))
                                                                 and isinstance(value, (int, float))):
            out.append(f"{key}: {got!r} != {value!r}")
    if gold.get("complete"):
        extra = sorted(set(report.cells) - set(gold.get("cells", {})))
        if extra:
            out.append(f"cells not in gold: {extra[:5]}")
    return out


def test_every_report_extracts_to_its_gold(demo_web) -> None:
    failures = {}
    for r in demo_web.reports:
        path = r.attachment or r.path
        page = _page(demo_web, r.site, path)
        report = extract_bytes(page.body, url=path, content_type=page.headers.get("Content-Type"))
        if r.attachment:  # the file's own title and date are not the page's; a sheet's blank cell is no cell
            report.title, report.published = r.gold["title"], r.gold["published"]
            report.cells = {**dict.fromkeys(r.gold["cells"]), **report.cells}
        diff = _differences(report, r.gold)
        if diff:
            failures[f"{r.site}{r.path}"] = diff[:4]
    assert not failures, f"{len(failures)} of {len(demo_web.reports)} reports differ: {dict(list(failures.items())[:5])}"


def test_findings_match_planted_rule_breaks(demo_web) -> None:
    """A report printed with a broken rule is flagged; a consistent one is not."""
    for r in demo_web.reports:
        if r.gold.get("template") not in ("2019", "2021"):
            continue
        path = r.attachment or r.path
        page = _page(demo_web, r.site, path)
        report = extract_bytes(page.body, url=path, content_type=page.headers.get("Content-Type"))
        rules = sorted({f.rule for f in report.findings})
        expected = sorted(set(r.gold.get("planted_findings", [])))
        assert rules == expected, f"{r.site}{r.path}"


def test_decoys_are_not_reports(demo_web) -> None:
    for d in demo_web.decoys:
        page = _page(demo_web, d.site, d.path)
        report = extract_bytes(page.body, url=d.path)
        assert report.template is None, f"{d.site}{d.path} ({d.kind}: {d.title}) read as a report"
        assert report.cells == {}


def test_file_only_pages_link_their_file_and_read_no_cells(demo_web) -> None:
    files = [r for r in demo_web.reports if r.attachment]
    from crawler.demo.attached import kinds_for

    assert sorted(r.attachment_kind for r in files) == sorted(k for s in demo_web.sites for k in kinds_for(s.slug))
    for r in files:
        page = _page(demo_web, r.site, r.path)
        assert r.attachment.rsplit("/", 1)[1].encode() in page.body and "详见附件".encode("gbk") in page.body \
            or "详见附件".encode() in page.body
        assert not extract_bytes(page.body, url=r.path, content_type=page.headers.get("Content-Type")).cells
