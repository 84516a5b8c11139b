"""Loads the cross-report links (上年报告, 上年原件) from crawler/publish/crossreport.py."""

from crawler.publish.crossreport import render_cell  # noqa: F401
