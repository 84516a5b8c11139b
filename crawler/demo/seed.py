"""The real seed report (../shared/seeds) turned into a page, read at run time, never copied.

Lines become <p>, '#' lines headings, and each block of tab-separated lines
a <table> with one <td> per tab field (blank fields stay empty cells). A
line of only dashes is the text rendering's rule under a header row, not
content, and is dropped. The gold is the seed's own .gold.json.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SEED_DIR = PROJECT_ROOT.parent / "shared" / "seeds"
_RULE = re.compile(r"^[\s\-—–]+$")


@dataclass
class SeedReport:
    title: str
    agency: str
    year: int
    template: str
    body_html: str
    gold: dict


def text_to_html(text: str) -> tuple[str, str]:
    """(title, article HTML) of a seed text: first heading is the title."""
    out: list[str] = []
    title = ""
    block: list[str] = []

    def flush() -> None:
        if block:
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(f.strip())}</td>" for f in line.split("\t")) + "</tr>"
                           for line in block)
            out.append(f'<table border="1" cellspacing="0" cellpadding="0"><tbody>{rows}</tbody></table>')
            block.clear()

    for line in text.splitlines():
        if "\t" in line:
            if not _RULE.match(line.replace("\t", "")):
                block.append(line)
            continue
        flush()
        stripped = line.strip()
        if not stripped:
            continue
        m = re.match(r"^(#{1,6})\s*(.*)$", stripped)
        if m:
            level, words = len(m.group(1)), m.group(2)
            if not title and level == 1:
                title = words
                continue
            out.append(f"<h{min(level + 1, 6)}>{html.escape(words)}</h{min(level + 1, 6)}>")
        else:
            out.append(f"<p>{html.escape(stripped)}</p>")
    flush()
    return title, "\n".join(out)


def load_seed(seed_dir: Path | None = None) -> SeedReport | None:
    """The first seed with a gold file, or None (with a warning) when the seeds are absent."""
    folder = seed_dir if seed_dir is not None else DEFAULT_SEED_DIR
    texts = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    for path in texts:
        gold_path = path.with_name(path.stem + ".gold.json")
        if not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        title, body = text_to_html(path.read_text(encoding="utf-8"))
        return SeedReport(title or gold.get("agency", ""), gold.get("agency", ""), int(gold["year"]),
                          gold["template"], body, gold)
    log.warning("no seed report in %s: the demo web serves generated reports only", folder)
    return None
