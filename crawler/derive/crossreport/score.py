"""Cross-report findings against a gold list (the demo web's ``DemoCorpus.cross_gold``).

A finding and a gold entry match on (kind, site, body, years, key); the
body is compared by its canonical name, so a gold entry naming 孟津区教育局
matches a finding on a report printed as 孟津县教育局.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from crawler.derive.bodies import normalize_name
from crawler.derive.crossreport.finding import KINDS

Key = tuple[str, str, str, tuple[int, ...], str | None]


@dataclass
class KindScore:
    """Precision and recall of one kind."""

    kind: str
    found: set[Key] = field(default_factory=set)
    gold: set[Key] = field(default_factory=set)

    @property
    def right(self) -> int:
        return len(self.found & self.gold)

    @property
    def precision(self) -> float:
        return self.right / len(self.found) if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / len(self.gold) if self.gold else 1.0


def finding_keys(db: sqlite_utils.Database) -> set[Key]:
    """The archive's cross findings as comparable keys."""
    out = set()
    for f in db.query("select f.kind, f.year, f.key, b.site, b.name from cross_findings f "
                      "join bodies b on b.id = f.body_id"):
        years = (f["year"] - 1, f["year"]) if f["kind"] == "carry_over" else (f["year"],)
        key = f["key"] if f["kind"] in ("carry_over", "text_vs_table") else None
        out.add((f["kind"], f["site"], f["name"], years, key))
    return out


def gold_keys(cross_gold: list[dict]) -> set[Key]:
    return {(g["kind"], g["site"], normalize_name(g["body"], g.get("level")), tuple(g["years"]), g.get("key"))
            for g in cross_gold}


def score(db: sqlite_utils.Database, cross_gold: list[dict]) -> dict[str, KindScore]:
    """Per kind: the findings, the gold, and so precision and recall."""
    found, gold = finding_keys(db), gold_keys(cross_gold)
    return {kind: KindScore(kind, {k for k in found if k[0] == kind}, {k for k in gold if k[0] == kind})
            for kind in KINDS}


def findings_on_clean_bodies(db: sqlite_utils.Database, cross_gold: list[dict]) -> int:
    """Findings on bodies with nothing planted (must be 0)."""
    planted = {(k[1], k[2]) for k in gold_keys(cross_gold)}
    return sum(1 for k in finding_keys(db) if (k[1], k[2]) not in planted)


def table(scores: dict[str, KindScore]) -> str:
    """A plain-text table: kind, Chinese name, found, gold, right, precision, recall."""
    lines = [f"{'kind':<14} {'名称':<10} {'found':>5} {'gold':>5} {'right':>5} {'precision':>9} {'recall':>6}"]
    for kind, s in scores.items():
        lines.append(f"{kind:<14} {KINDS[kind]:<10} {len(s.found):>5} {len(s.gold):>5} {s.right:>5} "
                     f"{s.precision:>9.3f} {s.recall:>6.3f}")
    return "\n".join(lines)
