"""Datasette for cross-report findings: canned queries in Chinese, the raw tables' labels, links.

Kept out of metadata.py so the cross-report layer can change on its own;
``build_metadata`` merges ``cross_queries()`` and ``cross_tables()``. Every
finding row carries 报告编号 / 存档原件 (linked by the nianbao_links plugin)
and, where a second report is involved, 上年报告 / 上年原件 (linked by
``render_cell`` below, loaded from plugins/crossreport_links.py).
"""

from __future__ import annotations

import markupsafe
from datasette import hookimpl

from crawler.derive.crossreport.timeline import FIGURES
from crawler.derive.labels import BODY_LEVELS
from crawler.derive.sqltext import as_integer
from crawler.publish.body_questions import body_match
from crawler.schema import REQUEST_COLUMN_LABELS

OTHER_REPORT_COLUMNS = {"上年报告"}
OTHER_ORIGINAL_COLUMNS = {"上年原件"}

_BODY = f"(:机关 = '' or {body_match()})"
_REGION = "p.province as 省, p.city as 市, p.district as 区县"
_LEVEL = "(case b.level " + " ".join(f"when '{k}' then '{v}'" for k, v in BODY_LEVELS.items()) + " else b.level end)"
_YEAR = "(:年度 = '' or f.year = cast(:年度 as integer))"
_FROM = ("from cross_findings f join bodies b on b.id = f.body_id "
         "left join reports r on r.id = f.report_id left join reports o on o.id = f.other_report_id "
         "left join report_facts p on p.id = coalesce(f.report_id, f.other_report_id)")



def _label(key: str = "f.key") -> str:
    return f"coalesce((select label from cell_labels l where l.key = {key}), {key})"


def _applicant_column() -> str:
    """requests.carried_over.<col> → 自然人 / 商业企业 / … / 总计."""
    whens = " ".join(f"when 'requests.carried_over.{c}' then '{label}'" for c, label in REQUEST_COLUMN_LABELS.items())
    return f"(case f.key {whens} else f.key end)"


CARRY_OVER = f"""select b.display_name as 机关, b.site as 网站, {_REGION}, (f.year - 1) || '→' || f.year as 年度,
  {_applicant_column()} as 申请人列, {as_integer('f.other_value')} as 上年结转下年度, {as_integer('f.value')} as 本年上年结转,
  {as_integer('f.value - f.other_value')} as 差额, f.other_report_id as 上年报告, f.other_document_id as 上年原件,
  f.report_id as 报告编号, f.document_id as 存档原件, f.detail as 说明
{_FROM}
where f.kind = 'carry_over' and {_BODY} and {_YEAR}
order by f.year desc, b.display_name, f.key"""

TEXT_VS_TABLE = f"""select b.display_name as 机关, b.site as 网站, {_REGION}, f.year as 年度, {_label()} as 单元格,
  {as_integer('f.value')} as 正文数字, {as_integer('f.other_value')} as 表格数字, f.sentence as 原句,
  f.report_id as 报告编号, f.document_id as 存档原件, r.url as 来源网址
{_FROM}
where f.kind = 'text_vs_table' and {_BODY} and {_YEAR}
order by f.year desc, b.display_name"""

LATE = f"""select b.display_name as 机关, b.site as 网站, {_REGION}, {_LEVEL} as 主体层级, f.year as 年度,
  f.deadline as 截止日期, f.published as 发布日期, f.published_source as 日期来源, f.days_late as 逾期天数,
  f.report_id as 报告编号, f.document_id as 存档原件, r.url as 来源网址
{_FROM}
where f.kind = 'late' and {_BODY} and {_YEAR}
order by f.days_late desc"""

MISSING = f"""select b.display_name as 机关, b.site as 网站, {_REGION}, {_LEVEL} as 主体层级, f.year as 未见年度,
  f.deadline as 截止日期,
  case when f.resolved_at is null then '仍未见' else '已于 ' || f.resolved_at || ' 抓取到' end as 状态,
  f.detail as 说明, f.other_report_id as 上年报告, f.other_document_id as 上年原件,
  f.report_id as 报告编号, f.document_id as 存档原件
{_FROM}
where f.kind = 'missing' and {_BODY} and (:年度 = '' or f.year = cast(:年度 as integer))
order by f.resolved_at is not null, f.year desc, b.display_name"""


def _figure(keys: tuple[str, ...]) -> str:
    parts = [f"(select value from cells c where c.report_id = r.id and c.key = '{k}')" for k in keys]
    return as_integer(" + ".join(parts)) if len(parts) > 1 else as_integer(parts[0])


TIMELINE = f"""select b.display_name as 机关, b.site as 网站, r.year as 年度, r.published as 发布日期,
  {', '.join(f'{_figure(keys)} as {name}' for name, keys in FIGURES)},
  (select group_concat(distinct k.kind) from cross_findings k where k.body_id = b.id and k.year = r.year) as 问题,
  r.id as 报告编号, r.document_id as 存档原件, r.url as 来源网址
from reports r join bodies b on b.id = r.body_id
where {_BODY}
order by b.id, r.year"""


def cross_queries() -> dict[str, dict]:
    """name → Datasette canned query."""
    ask = "机关填名称的一部分（如 孟津区、教育局），年度如 2023；留空为全部。"
    return {
        "与上年不衔接": {
            "title": "与上年不衔接（上年结转下年度 ≠ 本年上年结转）",
            "description": "同一机关相邻两年：上一年报告的「结转下年度继续办理」应等于这一年的「上年结转」，逐列比较。"
                           "每行给出两份报告及其存档原件。" + ask,
            "sql": CARRY_OVER, "params": ["机关", "年度"],
        },
        "正文与表格不一致": {
            "title": "正文与表格不一致",
            "description": "报告正文里写明的数字（如「全年共新收申请12件」）与表格对应单元格不同；只读含义明确的句子。" + ask,
            "sql": TEXT_VS_TABLE, "params": ["机关", "年度"],
        },
        "逾期发布": {
            "title": "逾期发布的年报",
            "description": "条例第四十九条：部门、乡镇街道、开发区应于次年1月31日前、政府应于3月31日前公布（2018年及以前为3月31日）。"
                           "发布日期取自网页；网页未注明时以本站首次抓取日期为准。" + ask,
            "sql": LATE, "params": ["机关", "年度"],
        },
        "未发布": {
            "title": "未发布的年报",
            "description": "上一年发布了年报、这一年截止日期加宽限期后仍未见的机关；后来抓取到的标明抓取日期。" + ask,
            "sql": MISSING, "params": ["机关", "年度"],
        },
        "机关历年年报": {
            "title": "一个机关历年的年报（时间线）",
            "description": "机关填名称的一部分（改名、合并前的名称也可，如 孟津县）；每年一行：主要数字（件；收费为万元）"
                           "与当年的跨报告问题。",
            "sql": TIMELINE, "params": ["机关"],
        },
    }


def cross_tables() -> dict[str, dict]:
    """Metadata of the raw tables `bodies` and `cross_findings`."""
    return {
        "bodies": {
            "title": "发布机关", "label_column": "display_name",
            "description": "每个发布年报的机关一行（网站 + 行政区划代码 + 规范名称）；改名与合并见 sites/aliases.yaml。",
            "columns": {"id": "机关编号", "site": "网站代号", "code": "行政区划代码", "name": "规范名称（比对用）",
                        "display_name": "最近一份报告上的名称", "level": "主体层级", "aliases": "各年报告上印的名称",
                        "first_year": "最早年度", "last_year": "最近年度", "reports": "报告份数"},
            "facets": ["site", "level"],
        },
        "cross_findings": {
            "title": "跨报告问题（原始表）",
            "description": "每晚重算：与上年不衔接 carry_over、正文与表格不一致 text_vs_table、逾期发布 late、未发布 missing。",
            "columns": {"kind": "类型", "body_id": "机关编号", "report_id": "报告编号", "other_report_id": "另一份报告（上年）",
                        "year": "年度", "key": "单元格", "value": "本报告的数", "other_value": "另一处的数（上年或表格）",
                        "sentence": "正文原句", "deadline": "截止日期", "published": "发布日期",
                        "published_source": "发布日期来源", "days_late": "逾期天数", "document_id": "存档原件",
                        "other_document_id": "另一份报告的存档原件", "resolved_at": "补发后首次抓取日期",
                        "detail": "说明"},
            "facets": ["kind", "year"],
        },
    }


@hookimpl
def render_cell(value, column, database, datasette):
    """上年报告 → the report's row page; 上年原件 → /-/original/<id>."""
    if value in (None, "") or column not in OTHER_REPORT_COLUMNS | OTHER_ORIGINAL_COLUMNS:
        return None
    if column in OTHER_ORIGINAL_COLUMNS:
        href, text = datasette.urls.path(f"-/original/{int(value)}"), f"存档原件 #{int(value)}"
    else:
        href, text = datasette.urls.row(database, "reports", str(int(value))), str(int(value))
    return markupsafe.Markup('<a href="{}">{}</a>').format(href, text)
