"""Datasette's own words in Chinese, applied to its templates as they load (plugins/nianbao_zh.py).

Datasette 0.65 has no translations. Copying its templates to translate them
would fork them; instead each template's source passes through `translate()`
on load: exact English phrases (with enough markup around them to be
unambiguous) become Chinese, and the values Datasette computes in Python
(`human_description_en`, filter names, show/hide) pass through the `zh`
filter. A phrase that a new Datasette no longer prints is simply not found.
"""

from __future__ import annotations

import re

# (English as printed in the template source, Chinese).
TEMPLATE_PHRASES: tuple[tuple[str, str], ...] = (
    # table.html, both for the <title> and the row count above the table
    (' row{% if filtered_table_rows_count == 1 %}{% else %}s{% endif %}', ' 行'),
    ('{% if human_description_en %} {{ human_description_en }}{% endif %}',
     '{% if human_description_en %} {{ human_description_en|zh }}{% endif %}'),
    ('{% if human_description_en %}{{ human_description_en }}{% endif %}',
     '{% if human_description_en %}{{ human_description_en|zh }}{% endif %}'),
    ('{% if is_view %} (view){% endif %}', ''),
    ('>Table actions<', '>表格操作<'),
    ('<label for="_search">Search:</label>', '<label for="_search">搜索：</label>'),
    ('<option value="">- remove filter -</option>', '<option value="">- 去掉这个条件 -</option>'),
    ('<option value="">- column -</option>', '<option value="">- 选择列 -</option>'),
    ('>{{ display }}</option>', '>{{ display|zh }}</option>'),
    ('<option value="">Sort...</option>', '<option value="">排序……</option>'),
    ('>Sort by {{ column.name }}</option>', '>按 {{ column.name }} 排序</option>'),
    ('> descending</label>', '> 从大到小</label>'),
    ('<input type="submit" value="Apply">', '<input type="submit" value="筛选">'),
    (' extra where clause{% if extra_wheres_for_ui|length != 1 %}s{% endif %}', ' 个附加条件'),
    ('>remove</a>]', '>去掉</a>]'),
    ('<span class="underlined">View and edit SQL</span>', '<span class="underlined">查看并修改 SQL</span>'),
    ('<p class="export-links">This data as ', '<p class="export-links">本页数据：'),
    # the output formats by name (json, excel: crawler/publish/plugins/nianbao_excel.py, atom)
    ('<a href="{{ url }}">{{ name }}</a>{{ ", " if not loop.last }}',
     '<a href="{{ url }}">{{ name|zh }}</a>{{ "，" if not loop.last }}'),
    ('(<a href="#export">advanced</a>)', '（<a href="#export">更多导出方式</a>）'),
    ('These facets timed out: ', '以下分面超时：'),
    ('>Next page</a>', '>下一页</a>'),
    ('<h3>Advanced export</h3>', '<h3>更多导出方式</h3>'),
    ('<p>JSON shape:', '<p>JSON 格式：'),
    ('>default</a>,', '>默认</a>，'),
    ('>array</a>,', '>数组</a>，'),
    ('>newline-delimited</a>', '>逐行</a>'),
    ('>object</a>', '>对象</a>'),
    ('CSV options:', 'CSV 选项：'),
    ('> download file</label>', '> 下载为文件</label>'),
    ('> expand labels</label>', '> 展开标签</label>'),
    ('> stream all rows</label>', '> 导出全部行</label>'),
    ('<input type="submit" value="Export CSV">', '<input type="submit" value="导出 CSV">'),
    ('<p class="zero-results">0 records</p>', '{% include "_nianbao_zero.html" %}'),
    # query.html
    ('This query cannot be executed because the database is immutable.', '数据库只读，这个查询不能执行。'),
    ('<h3>Custom SQL query{% if display_rows %} returning {% if truncated %}more than {% endif %}'
     '{{ "{:,}".format(display_rows|length) }} row{% if display_rows|length == 1 %}{% else %}s{% endif %}{% endif %}',
     '<h3>{% if canned_query %}查询结果{% else %}自定义 SQL 查询{% endif %}{% if display_rows %}：'
     '{% if truncated %}超过 {% else %}共 {% endif %}{{ "{:,}".format(display_rows|length) }} 行{% endif %}'),
    ('>{{ show_hide_text }}</a>', '>{{ show_hide_text|zh }} SQL</a>'),
    ('<h3>Query parameters</h3>', '<h3>查询条件</h3>'),
    ('<input type="text" id="qp{{ loop.index }}" name="{{ name }}" value="{{ value }}">',
     '{% include "_nianbao_param.html" %}'),
    ('>Format SQL</button>', '>整理 SQL 格式</button>'),
    ('<input type="submit" value="Run SQL"', '<input type="submit" value="{% if canned_query %}查询{% else %}运行 SQL{% endif %}"'),
    ('class="canned-query-edit-sql">Edit SQL</a>', 'class="canned-query-edit-sql">修改 SQL</a>'),
    ('<p class="zero-results">0 results</p>', '<p class="zero-results">没有结果</p>'),
    # row.html
    ('<h2>Links from other tables</h2>', '<h2>其他表中指向这一行的记录</h2>'),
    # _description_source_license.html and _footer.html
    ('Data license:', '数据许可：'),
    ('Data source: ', '数据来源：'),
    ('About: ', '关于：'),
    ('Powered by <a', '由 <a'),
    ('>Datasette</a>\n', '>Datasette</a> 提供\n'),
    ("{% if query_ms %}&middot; Queries took {{ query_ms|round(3) }}ms{% endif %}",
     "{% if query_ms %}&middot; 查询用时 {{ query_ms|round(1) }} 毫秒{% endif %}"),
    # _crumbs.html: 'home' and the database's file name
    ('>{{ item.label }}</a>', '>{{ item.label|zh }}</a>'),
    # base.html
    ('>Menu</title>', '>菜单</title>'),
    ('>Log out</button>', '>退出登录</button>'),
    # _facet_results.html: a facet's type (date, array)
    ('{% if facet_info.type != "column" %} ({{ facet_info.type }}){% endif %}',
     '{% if facet_info.type != "column" %}（{{ facet_info.type|zh }}）{% endif %}'),
    # datasette-dashboards' pages
    ('<a href="{{ urls.instance() }}">home</a>', '<a href="{{ urls.instance() }}">首页</a>'),
    (""">dashboards</a>""", ">图表</a>"),
    ("<h1>Dashboards</h1>", "<h1>图表</h1>"),
    # error.html
    ('{% else %}Error {{ status }}{% endif %}', '{% else %}出错了（{{ status }}）{% endif %}'),
)

# Words Datasette computes in Python: filter names, crumbs, show/hide, facet types.
WORDS = {
    "excel": "Excel 表格",
    "atom": "订阅（Atom）",
    "home": "首页",
    "archive": "年报档案",
    "hide": "隐藏",
    "show": "显示",
    "contains": "包含",
    "does not contain": "不包含",
    "ends with": "结尾是",
    "starts with": "开头是",
    "like": "匹配（like）",
    "not like": "不匹配（not like）",
    "glob": "匹配（glob）",
    "in": "属于（逗号分隔）",
    "not in": "不属于（逗号分隔）",
    "array contains": "数组包含",
    "array does not contain": "数组不包含",
    "date": "日期",
    "is empty": "为空",
    "is not empty": "不为空",
    "is blank": "为空白",
    "is not blank": "不为空白",
    "is null": "为 NULL",
    "is not null": "不为 NULL",
    "array": "数组",
}

# human_description_en: 'where 年度 = 2023 and 省 contains "河南" sorted by 年度 descending'
_DESCRIPTION = (
    (re.compile(r" ?sorted by (.+?) descending$"), r"，按 \1 从大到小排序"),
    (re.compile(r" ?sorted by (.+)$"), r"，按 \1 从小到大排序"),
    (re.compile(r"^where "), "条件："),
    (re.compile(r" and "), "，且 "),
    (re.compile(r'(\S+) contains "([^"]*)"'), r"\1 包含“\2”"),
    (re.compile(r'(\S+) does not contain "([^"]*)"'), r"\1 不包含“\2”"),
    (re.compile(r'(\S+) starts with "([^"]*)"'), r"\1 开头是“\2”"),
    (re.compile(r'(\S+) ends with "([^"]*)"'), r"\1 结尾是“\2”"),
    (re.compile(r"(\S+) is not null"), r"\1 不为 NULL"),
    (re.compile(r"(\S+) is null"), r"\1 为 NULL"),
    (re.compile(r"(\S+) is not blank"), r"\1 不为空白"),
    (re.compile(r"(\S+) is blank"), r"\1 为空白"),
    (re.compile(r'search matches "([^"]*)"'), r"搜索“\1”"),
)


def translate(source: str) -> str:
    """A Datasette template's source with its English phrases in Chinese."""
    for english, chinese in TEMPLATE_PHRASES:
        source = source.replace(english, chinese)
    return source


def zh(value: object) -> str:
    """A word or description Datasette computed, in Chinese (unknown text is returned as it is)."""
    text = "" if value is None else str(value)
    if text in WORDS:
        return WORDS[text]
    if text.startswith(("where ", "sorted by ")) or " sorted by " in text:
        for pattern, repl in _DESCRIPTION:
            text = pattern.sub(repl, text)
        return text.lstrip("，")
    return text
