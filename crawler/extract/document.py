"""The intermediate form every reader works on: lines of cells, plus what the page says about itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

MAX_LINES = 30_000  # a report is a few hundred lines; a page beyond this is read up to here


@dataclass
class Line:
    """One table row (``grid=True``: cells exactly as the table holds them) or one line of text."""

    cells: list[str]
    grid: bool = False


@dataclass
class Document:
    """A decoded document: its lines in reading order and metadata found outside the body."""

    lines: list[Line] = field(default_factory=list)
    title: str | None = None  # from meta tags (ArticleTitle, og:title): the page says so itself
    heading: str | None = None  # from the chrome (h1, .article_title, <title>): used when the body names none
    agency: str | None = None
    published: str | None = None
    published_source: str | None = None
    url: str | None = None
    recognized: bool = False  # some text was read by OCR: a speck may sit in a number
    # OCR boxes that could belong elsewhere (a number between two rows, a speck read as a digit): what is
    # in doubt and how many options each has (option 0: as read); relayout(choice) gives the lines for
    # one option per doubt, and the tables' arithmetic decides (crawler/extract/settle.py).
    doubts: list[tuple[str, int]] = field(default_factory=list)
    relayout: Callable[[Sequence[int]], list[Line]] | None = field(default=None, repr=False)
    # Builds `lines` on first need (a page's chrome is only walked when the body lacks something).
    pending: Callable[[], list[Line]] | None = field(default=None, repr=False)
    # The plain text without building lines (enough to find a date or a source in the chrome).
    plain: Callable[[], str] | None = field(default=None, repr=False)

    def ready(self) -> Document:
        """This document with its lines built."""
        if self.pending is not None:
            self.lines, self.pending = self.pending(), None
        return self

    def text(self) -> str:
        """The body as plain text, one line per line, cells joined by a tab."""
        if self.pending is not None and self.plain is not None:
            return self.plain()
        return "\n".join("\t".join(c for c in line.cells) for line in self.ready().lines)
