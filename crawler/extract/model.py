"""The extraction result that flows from the extractor to the checks and the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

CellValue = int | float | None


@dataclass
class Finding:
    """One broken consistency rule (or a cross-report question) of a report."""

    rule: str  # "1", "2", "3", "4" (docs/schema.md) or a named kind
    key: str  # the cell or column the rule was checked on, e.g. "requests.*.total"
    detail: str  # a sentence a journalist can read, with the numbers
    expected: float | None = None
    actual: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """What one document says: metadata, canonical cells, and where each came from."""

    template: str | None = None  # "2019", "2021", "legacy" or None (not a report)
    year: int | None = None
    agency: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date
    published_source: str | None = None  # where the date was read (meta, text, url)
    cells: dict[str, CellValue] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    method: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    text: str = ""
    # Why the reading needs a person's look (cells left missing for ambiguity, a rule broken by a reading
    # that was not sure), or None: a rule broken where every cell was read plainly is the source's own.
    needs_review: str | None = None

    @property
    def is_report(self) -> bool:
        return self.template is not None

    def to_json(self, with_text: bool = False) -> dict:
        """The JSON printed by ``nianbao extract`` (scored by tools/score.py)."""
        out = {
            "template": self.template,
            "year": self.year,
            "agency": self.agency,
            "title": self.title,
            "published": self.published,
            "published_source": self.published_source,
            "cells": self.cells,
            "raw": self.raw,
            "method": self.method,
            "findings": [f.to_dict() for f in self.findings],
            "needs_review": self.needs_review,
        }
        if with_text:
            out["text"] = self.text
        return out

    @classmethod
    def from_json(cls, data: dict) -> Report:
        """The Report `to_json(with_text=True)` printed (a fleet worker's reading, read back by the writer)."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "findings"}
        return cls(**fields, findings=[Finding(**f) for f in data.get("findings") or []])
