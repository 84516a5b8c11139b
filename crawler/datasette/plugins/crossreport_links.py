"""Loads the cross-report links (上年报告, 上年原件) from crawler/datasette/crossreport.py."""

from crawler.datasette.crossreport import render_cell  # noqa: F401
