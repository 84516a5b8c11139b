"""`nianbao body NAME_OR_ID`: one publishing body's years (key figures) and its cross-report findings."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import click

from crawler.derive.crossreport.finding import KINDS, fmt


def padded(text: str, width: int, right: bool = True) -> str:
    """Pad to a terminal width (a Chinese character takes two columns)."""
    pad = " " * max(0, width - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text))
    return pad + text if right else text + pad


@click.command()
@click.argument("name_or_id")
@click.option("--db", default="archive.db", show_default=True, type=click.Path(exists=True, path_type=Path))
def body(name_or_id: str, db: Path) -> None:
    """Print a body's timeline: years × key figures, then its cross-report findings.

    NAME_OR_ID is a body id (bodies.id) or a name as printed (孟津县教育局 finds 孟津区教育局).

    Example: nianbao body 孟津区人民政府 --db archive.db
    """
    from crawler.derive.bodies import find_body
    from crawler.derive.crossreport.timeline import FIGURES, body_findings, timeline
    from crawler.record.store import open_db

    database = open_db(db)
    found = find_body(database, name_or_id)
    if not found:
        raise click.ClickException(f"{db}: no body named {name_or_id}")
    if len(found) > 1:
        click.echo(f"{len(found)} bodies match {name_or_id}; give one id:")
        for b in found:
            click.echo(f"  {b['id']:>5}  {b['site'] or '-':<10} {b['display_name']}")
        raise SystemExit(1)
    b = found[0]
    aliases = json.loads(b["aliases"] or "{}")
    click.echo(f"{b['display_name']}  (body {b['id']}, site {b['site'] or '-'}, 行政区划代码 {b['code'] or '-'}, "
               f"level {b['level'] or '-'})")
    if len(aliases) > 1:
        click.echo("printed as: " + "; ".join(f"{name} ({', '.join(map(str, ys))})" for name, ys in aliases.items()))
    names = [name for name, _ in FIGURES]
    click.echo(padded("年度", 6, False) + padded("报告", 6) + "  " + padded("发布日期", 12, False) + "".join(padded(name, 10) for name in names))
    for r in timeline(database, b["id"]):
        figures = "".join(padded(fmt(r[name]) if r[name] is not None else "-", 10) for name in names)
        click.echo(padded(str(r["year"]), 6, False) + padded(str(r["id"]), 6) + "  " + padded(r["published"] or "-", 12, False)
                   + figures)
    findings = body_findings(database, b["id"])
    click.echo(f"findings: {len(findings)}")
    for f in findings:
        state = f" (resolved {f['resolved_at']})" if f["resolved_at"] else ""
        docs = ", ".join(f"/-/original/{d}" for d in (f["other_document_id"], f["document_id"]) if d)
        click.echo(f"  {f['year']} {KINDS.get(f['kind'], f['kind'])}{state}: {f['detail']}"
                   + (f"\n       「{f['sentence']}」" if f["sentence"] else "") + (f"  [{docs}]" if docs else ""))
