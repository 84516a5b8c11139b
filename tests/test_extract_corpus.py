"""Every labelled cell, the template and the year of every real report in ../shared (corpus and seeds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extract import extract_bytes
from tests.conftest import SHARED

CORPUS_DIRS = ("seeds", "corpus/pages", "corpus/full")


def _gold_names() -> list[str]:
    names = []
    for d in CORPUS_DIRS:
        names += sorted(f"{d}/{p.name}" for p in (SHARED / d).glob("*.gold.json"))
    return names


def _document(gold_path: Path) -> Path:
    stem = gold_path.name[: -len(".gold.json")]
    return next(p for p in gold_path.parent.glob(stem + ".*") if not p.name.endswith(".gold.json"))


def _body(path: Path) -> bytes:
    """The document as the scorer feeds it: a page's leading 'URL: …' line and the blank after it removed."""
    raw = path.read_bytes()
    if raw.startswith(b"URL: "):
        return raw.split(b"\n", 2)[2] if raw.count(b"\n") >= 2 else b""
    return raw


@pytest.fixture(scope="module")
def extracted(shared_dir: Path):
    cache: dict[str, tuple[dict, object]] = {}

    def get(name: str):
        if name not in cache:
            gold_path = shared_dir / name
            doc = _document(gold_path)
            cache[name] = (json.loads(gold_path.read_text()), extract_bytes(_body(doc), filename=doc.name))
        return cache[name]

    return get


@pytest.mark.parametrize("name", _gold_names())
def test_template_and_year(extracted, name: str) -> None:
    gold, report = extracted(name)
    if gold.get("template") not in (None, "unknown"):
        assert report.template == gold["template"]
    if gold.get("year") not in (None, "unknown"):
        assert report.year == gold["year"]


@pytest.mark.parametrize("name", _gold_names())
def test_labelled_cells(extracted, name: str) -> None:
    gold, report = extracted(name)
    wrong = {}
    for key, value in gold["cells"].items():
        got = report.cells.get(key)
        if value is None:
            ok = got is None
        else:
            ok = got is not None and abs(float(got) - float(value)) < 1e-6
        if not ok:
            wrong[key] = (report.cells.get(key, "absent"), value)
    assert not wrong, f"{len(wrong)} cells differ (got, gold): {dict(list(wrong.items())[:8])}"


@pytest.mark.parametrize("name", _gold_names())
def test_every_cell_is_explained(extracted, name: str) -> None:
    """Each cell has its raw text and the method that read it."""
    _, report = extracted(name)
    assert set(report.raw) == set(report.cells) == set(report.method)
    assert set(report.method.values()) <= {"grid", "grid-order", "text", "text-order", "prose"}
