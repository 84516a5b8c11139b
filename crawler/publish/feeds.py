"""Alerts: Atom feeds a reporter subscribes to, one canned query each (rendered by datasette-atom).

Each query returns datasette-atom's columns (atom_id, atom_title, atom_updated,
atom_content_html) and takes two parameters, blank = any:
地区 (a province, city, district or body, as printed) and 类型 (a body level
such as 部门, or a kind of finding: a rule number 1–4 or a cross-report
problem such as 未发布). Subscribe to `/<db>/<query>.atom?地区=孟津区`.

Ids are stable across crawls (a finding is the same entry the next night), and
updated is the time the crawl saw it (UTC), so a reader lists only what is new.
datasette-atom cannot write a feed with no entries: an empty feed carries one
entry saying so.
"""

from __future__ import annotations

from crawler.derive.sqltext import as_integer
from crawler.derive.views import cross_kinds
from crawler.publish.body_questions import body_match


def _utc(expr: str) -> str:
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {expr})"


def _region(alias: str = "f") -> str:
    """The report is in that province, city or district, or by a body with that name in any year
    (the match the body questions use, crawler/publish/body_questions.py)."""
    return (f"(:地区 = '' or {alias}.province = :地区 or {alias}.city = :地区 or {alias}.district = :地区 "
            f"or {alias}.id in (select r.id from reports r join bodies b on b.id = r.body_id "
            f"where {body_match('地区')}))")


def _report_link(alias: str = "f") -> str:
    """The report's own page (/-/report/<id>, whatever the archive's file is called)."""
    return f"'<a href=\"/-/report/' || {alias}.id || '\">报告 ' || {alias}.id || '</a>'"


def _source_link(alias: str = "f") -> str:
    """The government page, as a link (atom_link is not used: a feed entry may have no page)."""
    return (f"coalesce('<p>原网址：<a href=\"' || {alias}.url || '\">' || {alias}.url || '</a></p>', '')")


def _with_placeholder(name: str, sql: str) -> str:
    """The feed's rows, or one entry 'no entries yet' (datasette-atom needs at least one row)."""
    return (f"with entries as ({sql})\n"
            "select * from entries\n"
            f"union all select 'nianbao:{name}:empty', '暂无条目（条件：' || :地区 || ' ' || :类型 || '）', "
            "'2000-01-01T00:00:00Z', '<p>这个订阅目前没有条目；有新情况时会出现在这里。</p>'\n"
            "where not exists (select 1 from entries)\n"
            "order by atom_updated desc limit 200")


def _version_time(report: str = "r") -> str:
    return (f"coalesce((select v.fetched_at from report_versions v where v.report_id = {report}.id "
            f"and v.version = {report}.version), {report}.first_seen)")


NEW_REPORTS = f"""select 'nianbao:report:' || f.id as atom_id,
  coalesce(f.agency, f.site_name) || ' ' || f.year || '年报告' as atom_title,
  {_utc('r.first_seen')} as atom_updated,
  '<p>' || coalesce(f.title, '') || '</p><p>' || coalesce(f.province, '') || coalesce(f.city, '') ||
  coalesce(f.district, '') || ' · ' || f.body_level_label || ' · 发布日期 ' || coalesce(f.published, '未注明') ||
  '</p><p>' || {_report_link()} || '</p>' || {_source_link()} as atom_content_html
from report_facts f join reports r on r.id = f.id
where {_region()} and (:类型 = '' or f.body_level_label = :类型)"""


def _new_findings() -> str:
    kinds = " ".join(f"when '{k}' then '{v}'" for k, v in cross_kinds().items())
    kind = f"(case c.kind {kinds} else c.kind end)" if kinds else "c.kind"
    rules = f"""select 'nianbao:finding:' || x.report_id || ':' || x.rule || ':' || coalesce(x.key, '') as atom_id,
  coalesce(f.agency, f.site_name) || ' ' || f.year || '年报告：违反规则' || x.rule as atom_title,
  {_utc(_version_time())} as atom_updated,
  '<p>' || coalesce(x.detail, '') || '</p><p>应为 ' || coalesce(x.expected, '') || '，实为 ' ||
  coalesce(x.actual, '') || '</p><p>' || {_report_link()} || '</p>' || {_source_link()} as atom_content_html
from findings x join report_facts f on f.id = x.report_id join reports r on r.id = x.report_id
where {_region()} and (:类型 = '' or x.rule = :类型)"""
    cross = f"""select 'nianbao:cross:' || c.kind || ':' || coalesce(c.body_id, '') || ':' || coalesce(c.year, '') ||
  ':' || coalesce(c.report_id, '') || ':' || coalesce(c.detail, '') as atom_id,
  coalesce(b.display_name, b.name, '') || ' ' || coalesce(c.year, '') || '年：' || {kind} as atom_title,
  {_utc(f"coalesce({_version_time()}, (select max(finished) from crawl_runs), '2000-01-01')")} as atom_updated,
  '<p>' || coalesce(c.detail, '') || '</p>' ||
  coalesce('<p>' || {_report_link()} || '</p>', '') || {_source_link()} as atom_content_html
from cross_findings c left join bodies b on b.id = c.body_id left join sites s on s.slug = b.site
left join report_facts f on f.id = c.report_id left join reports r on r.id = c.report_id
where (:地区 = '' or f.province = :地区 or f.city = :地区 or f.district = :地区 or {body_match('地区')})
  and (:类型 = '' or {kind} = :类型 or c.kind = :类型)"""
    return f"{rules}\nunion all\n{cross}"


SILENT_EDITS = f"""select 'nianbao:edit:' || ch.report_id || ':' || ch.new_version as atom_id,
  coalesce(f.agency, f.site_name) || ' ' || f.year || '年报告被改动：' || count(*) || ' 个数字' as atom_title,
  {_utc('max(ch.changed_at)')} as atom_updated,
  '<p>第 ' || ch.old_version || ' 版 → 第 ' || ch.new_version || ' 版</p><ul>' ||
  group_concat('<li>' || coalesce(l.label, ch.key) || '：' || coalesce({as_integer('ch.old_value')}, '空') || ' → ' ||
  coalesce({as_integer('ch.new_value')}, '空') || '</li>', '') || '</ul><p>' || {_report_link()} || '</p>' || {_source_link()} as atom_content_html
from cell_changes ch join report_facts f on f.id = ch.report_id
left join cell_labels l on l.key = ch.key
where {_region()} and (:类型 = '' or f.body_level_label = :类型)
group by ch.report_id, ch.new_version"""

GONE = f"""select 'nianbao:gone:' || f.id || ':' || r.gone_since as atom_id,
  coalesce(f.agency, f.site_name) || ' ' || f.year || '年报告已从网站撤下' as atom_title,
  {_utc('r.gone_since')} as atom_updated,
  '<p>' || coalesce(f.title, '') || '</p><p>原网址 ' || f.url || ' 自 ' || r.gone_since ||
  ' 起无法访问；本站存档仍在。</p><p>' || {_report_link()} || '</p>' || {_source_link()} as atom_content_html
from reports r join report_facts f on f.id = r.id
where r.gone_since is not null and {_region()} and (:类型 = '' or f.body_level_label = :类型)"""

_REGION_HELP = "地区填省、市、区县或机关名（如 孟津区），留空为全部；"
_LEVEL_HELP = "类型填主体层级（政府、部门、乡镇街道、开发区），留空为全部。"


def feed_queries() -> dict[str, dict]:
    """name → canned query: the four feeds, each with 地区 and 类型."""
    feeds = {
        "订阅新报告": ("新报告", "新收录的报告。", NEW_REPORTS, _LEVEL_HELP),
        "订阅新发现": ("新发现的问题", "新发现的不一致（违反规则 1–4）与跨报告问题。",
                   _new_findings(), "类型填规则编号（1–4）或问题类型（如 " +
                   "、".join(list(cross_kinds().values())[:3]) + "），留空为全部。"),
        "订阅悄悄修改": ("报告被悄悄修改", "报告重新抓取时数字变了（同一网址，原件内容改动）。", SILENT_EDITS,
                     _LEVEL_HELP),
        "订阅撤下的报告": ("报告从网站撤下", "网站上再也打不开的报告（本站存档仍在）。", GONE, _LEVEL_HELP),
    }
    out = {}
    for name, (title, what, sql, kind_help) in feeds.items():
        out[name] = {
            "title": f"订阅：{title}",
            "description": f"{what}点「atom」得到订阅地址，放进任何 RSS/Atom 阅读器。{_REGION_HELP}{kind_help}",
            "sql": _with_placeholder(name, sql),
            "params": ["地区", "类型"],
        }
    return out
