"""Datasette in Chinese: its templates translated as they load, and choices for the questions' parameters.

* `prepare_jinja2_environment`: every template passes through
  `crawler.publish.zh.translate` (no copied templates), and the `zh`
  filter translates what Datasette computes (sorted by, contains, home).
* `extra_template_vars`: `nianbao_choices`, parameter name → the values a
  reader picks from (年度 from the archive, 主体层级, 规则 by name), used by
  templates/_nianbao_param.html and the home page's question forms.
"""

from __future__ import annotations

from datasette import hookimpl
from jinja2 import BaseLoader

from crawler.derive import labels
from crawler.derive.rules import RULE_NAMES
from crawler.publish.zh import translate, zh

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


async def _years(datasette) -> list[str]:
    """The years archived, asked on each page: the archive is written while served (an index answers it)."""
    from crawler.publish.plugins.nianbao_links import _archive_db

    try:
        db = _archive_db(datasette)
        rows = (await db.execute("select distinct year from report_facts order by year desc")).rows
    except Exception:  # no archive (or an empty one): no list, the field stays free text
        return []
    return [str(r[0]) for r in rows if r[0] is not None]


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


# table.js builds the column menu (排序, 分面, 隐藏) from English strings once the page has loaded,
# and writes "Type: TEXT" into it on each click: translate both where they appear.
COLUMN_MENU = """document.addEventListener('DOMContentLoaded', function () {
var words = {'dropdown-sort-asc': '从小到大排序', 'dropdown-sort-desc': '从大到小排序',
  'dropdown-facet': '按这一列分面', 'dropdown-hide-column': '隐藏这一列',
  'dropdown-show-all-columns': '显示全部列', 'dropdown-not-blank': '只看这一列不为空的行'};
var types = {'TEXT': '文本', 'INTEGER': '整数', 'REAL': '数字', 'FLOAT': '数字', 'NUMERIC': '数字', 'BLOB': '二进制'};
document.querySelectorAll('.dropdown-menu a').forEach(function (a) {
  Object.keys(words).forEach(function (k) { if (a.classList.contains(k)) { a.textContent = words[k]; } });
});
document.querySelectorAll('.dropdown-column-type').forEach(function (p) {
  new MutationObserver(function () {
    var m = /^Type: (\\w*)( NOT NULL)?$/.exec(p.innerText);
    if (m) { p.innerText = '类型：' + (types[m[1]] || m[1]) + (m[2] ? '，不为空' : ''); }
  }).observe(p, {childList: true, characterData: true, subtree: true});
});
document.querySelectorAll('a[aria-label="Remove this filter"]').forEach(function (a) {
  a.setAttribute('aria-label', '去掉这个条件');
});
});
"""


@hookimpl
def extra_body_script(view_name):
    if view_name == "table":
        return COLUMN_MENU
    return None
