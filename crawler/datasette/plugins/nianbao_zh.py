"""Datasette in Chinese: its templates translated as they load, and choices for the questions' parameters.

* `prepare_jinja2_environment`: every template passes through
  `crawler.datasette.zh.translate` (no copied templates), and the `zh`
  filter translates what Datasette computes (sorted by, contains, home).
* `extra_template_vars`: `nianbao_choices`, parameter name → the values a
  reader picks from (年度 from the archive, 主体层级, 规则 by name), used by
  templates/_nianbao_param.html and the home page's question forms.
"""

from __future__ import annotations

from datasette import hookimpl
from jinja2 import BaseLoader

from crawler.datasette import labels
from crawler.datasette.rules import RULE_NAMES
from crawler.datasette.zh import translate, zh

YEAR_PARAMS = ("年度", "第一年度", "第二年度")


class TranslatingLoader(BaseLoader):
    """Wraps Datasette's loader: the same templates, their English phrases in Chinese."""

    def __init__(self, inner: BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        return translate(source), filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


@hookimpl
def prepare_jinja2_environment(env, datasette):
    if not isinstance(env.loader, TranslatingLoader):
        env.loader = TranslatingLoader(env.loader)
    env.filters["zh"] = zh


_YEARS: dict[int, list[str]] = {}  # per Datasette instance: the database is served immutable


async def _years(datasette) -> list[str]:
    from crawler.datasette.plugins.nianbao_links import _archive_db

    if id(datasette) not in _YEARS:
        try:
            db = _archive_db(datasette)
            rows = (await db.execute("select distinct year from report_facts order by year desc")).rows
            _YEARS[id(datasette)] = [str(r[0]) for r in rows if r[0] is not None]
        except Exception:  # no archive (or an empty one): no list, the field stays free text
            return []
    return _YEARS[id(datasette)]


@hookimpl
def extra_template_vars(view_name, datasette):
    if view_name == "row":  # a canned question is served by the table view, so "table" stays
        return None

    async def inner():
        years = await _years(datasette)
        choices = {name: years for name in YEAR_PARAMS} if years else {}
        choices["主体层级"] = list(labels.BODY_LEVELS.values())
        choices["规则"] = list(RULE_NAMES.values())
        return {"nianbao_choices": choices}

    return inner
