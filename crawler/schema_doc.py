"""docs/schema.md, written from crawler/schema.py and crawler/extract/checks.py so the two never disagree.

`python -m crawler.schema_doc > docs/schema.md`; a test fails when the file is stale.
"""

from __future__ import annotations

from crawler import schema
from crawler.extract.checks import RULES

INTRO = """# The report and its canonical cell names

Every 政府信息公开工作年度报告 since report year 2019 prints three tables in a format set
by the State Council's open-government office: the `2019` template (国办公开办函〔2019〕60号,
report years 2019–2020) and the `2021` template (国办公开办函〔2021〕30号, report years
2021 on). Reports for 2018 and earlier are `legacy`: free text, metadata kept, no cells.

A cell is named `part.row.column`, e.g. `requests.denied_state_secret.total`. Every
table of archive.db, every extractor output (`nianbao extract`) and every test uses these
names. A blank cell, or one printed `/`, `—`, `-`, `无`, is recorded as null (and counts as
0 in the checks); a cell the document does not give is absent, never 0. The text of every
cell as printed is kept beside its value.

This page is generated from `crawler/schema.py` (`python -m crawler.schema_doc`).
"""


def _table(part: str, template: str) -> list[str]:
    rows = schema.template_rows(template)[part]
    lines = ["| row key | printed label | group | columns |", "|---|---|---|---|"]
    for r in rows:
        cols = ", ".join(f"`{c}` {schema.column_label(part, c)}" for c in r.columns)
        lines.append(f"| `{r.key}` | {r.label} | {r.group} | {cols} |")
    return lines


def render_schema_markdown() -> str:
    """The whole page."""
    out = [INTRO]
    for part, title in schema.PART_LABELS.items():
        out.append(f"## {title} → `{part}`\n")
        if part == "appeals":
            out += _table(part, "2021") + ["", "The same in both templates.", ""]
            continue
        for template in ("2021", "2019"):
            out.append(f"### {template} template\n")
            out += _table(part, template) + [""]
    out.append("## Cell counts\n")
    out.append(f"* 2021 template: {len(schema.template_keys('2021'))} cells")
    out.append(f"* 2019 template: {len(schema.template_keys('2019'))} cells\n")
    out.append("## Consistency rules (勾稽关系)\n")
    out += [f"{k}. {v}" for k, v in RULES.items()]
    out.append("\nA report breaking one is either misprinted at the source or misread; both are worth "
               "showing (`findings`, Datasette 不一致的报告). Questions across reports (carry-over, text "
               "against table, late and missing reports) are in docs/crossreport.md.")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render_schema_markdown(), end="")
