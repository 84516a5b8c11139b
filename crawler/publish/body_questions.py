"""Questions about one body (missing, two years side by side), asked of `bodies`, never of the printed name.

A body prints its name differently from year to year (孟津县人民政府 →
洛阳市孟津区人民政府, 孟津区平乐镇 / 孟津区平乐镇人民政府), so a question
that groups or filters on `reports.agency` accuses a body of not publishing
when it published under another name. Every query here goes through
`bodies` (built by crawler/derive/bodies.py with sites/aliases.yaml) and
`reports.body_id`.

A name typed by a reader is matched after the same normalisation the bodies
were built with (`nianbao_body_name`, registered on every Datasette
connection by plugins/nianbao_bodies.py), against the body's canonical name,
its latest printed name and every name it printed; a partial name finds
the body, and an ambiguous one lists the candidates.
"""

from __future__ import annotations

from crawler.derive.crossreport.data import TABULAR

BODY_NAME_FUNCTION = "nianbao_body_name"


def body_match(param: str = "机关", alias: str = "b") -> str:
    """SQL: body `alias` matches the typed name (whole or part, any year's spelling)."""
    typed = f"{BODY_NAME_FUNCTION}(:{param})"
    return (f"({alias}.name like '%' || {typed} || '%' or {alias}.display_name like '%' || :{param} || '%' "
            f"or {alias}.aliases like '%' || :{param} || '%' or {alias}.aliases like '%' || {typed} || '%')")


def other_names(alias: str = "b") -> str:
    """SQL: the names a body printed other than its latest one, with their years (孟津县人民政府（2018, 2019）)."""
    return (f"(select group_concat(n.key || '（' || replace(replace(replace(n.value, '[', ''), ']', ''), ',', '、') "
            f"|| '）', '；') from json_each({alias}.aliases) n where n.key != {alias}.display_name)")


def region_join(report_id_expr: str, alias: str = "p") -> str:
    """SQL: a report_facts row giving the region of a finding (its report, else the other report)."""
    return f"left join report_facts {alias} on {alias}.id = {report_id_expr}"


MISSING_REPORTS = f"""select f.year as 未见年度, coalesce(b.display_name, b.name) as 机关, {other_names()} as 曾用名,
  s.name as 网站, p.province as 省, p.city as 市, p.district as 区县, p.body_level_label as 主体层级,
  f.year - 1 as 上年度, f.other_report_id as 上年报告, b.last_year as 最近报告年度, b.reports as 报告份数,
  f.deadline as 截止日期, f.detail as 说明, b.id as 机关编号
from cross_findings f join bodies b on b.id = f.body_id
left join sites s on s.slug = b.site
{region_join('f.other_report_id')}
where f.kind = 'missing' and f.resolved_at is null and (:年度 = '' or f.year = cast(:年度 as integer))
order by f.year desc, p.province, p.city, p.district, b.display_name"""


def _chosen_body() -> str:
    """CTEs `cand` (bodies matching :机关) and `one` (the body meant: an exact name, else the only match)."""
    typed = f"{BODY_NAME_FUNCTION}(:机关)"
    return f"""cand as (select b.* from bodies b where :机关 != '' and {body_match()}),
exact as (select id from cand where name = {typed} or display_name = :机关
  or exists (select 1 from json_each(cand.aliases) n where n.key = :机关)),
one as (select id from exact where (select count(*) from exact) = 1
  union all select id from cand where (select count(*) from exact) = 0 and (select count(*) from cand) = 1)"""


def _year_report(year_param: str) -> str:
    """The body's report for a year: the fuller, then the newer reading (as the cross-report checks pick)."""
    tabular = ", ".join(f"'{t}'" for t in TABULAR)
    return (f"(select r.id from reports r where r.body_id = (select id from one) "
            f"and r.year = cast(:{year_param} as integer) "
            f"order by r.template in ({tabular}) desc, r.cells_count desc, r.id desc limit 1)")


def two_years(as_integer) -> str:
    """One body's two years cell by cell; candidate bodies instead when the name is ambiguous.

    It reads cell_values by its key (report, key id): the `cells` view named twice would be materialised whole.
    """
    return f"""with {_chosen_body()},
a as (select {_year_report('第一年度')} as id),
c as (select {_year_report('第二年度')} as id)
select * from (select (select display_name from bodies where id = (select id from one)) as 机关,
  l.part_label as 部分, l.label as 项目,
  {as_integer('ca.value')} as 第一年度数值, {as_integer('cb.value')} as 第二年度数值, {as_integer('cb.value - ca.value')} as 变化,
  (select id from a) as 第一年度报告, (select id from c) as 第二年度报告
from cell_labels l join cell_keys k on k.key = l.key
left join cell_values ca on ca.report_id = (select id from a) and ca.key_id = k.id
left join cell_values cb on cb.report_id = (select id from c) and cb.key_id = k.id
where exists (select 1 from one) and (ca.value is not null or cb.value is not null)
order by l.rowid)
union all
select * from (select cand.display_name, '候选机关', '与所填名称相符的机关不止一个，请填其中一个全称：' || cand.display_name
  || coalesce('（曾用名 ' || {other_names('cand')} || '）', '') || '，' || cand.first_year || '–' || cand.last_year
  || ' 年有报告', null, null, null, null, null
from cand where not exists (select 1 from one) order by cand.display_name)"""


def region_reports_clause(param: str = "地区") -> str:
    """SQL on 报告一览: the report is by a body matching :param (any year's name), or in that region."""
    return (f"(:{param} = '' or 省 = :{param} or 市 = :{param} or 区县 = :{param} or 报告编号 in ("
            f"select r.id from reports r join bodies b on b.id = r.body_id where {body_match(param)}))")
