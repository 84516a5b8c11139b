"""Canned queries: the questions a journalist asks, with Chinese parameters (blank = any).

Each is read from the Chinese views of `setup.py`, so a journalist who opens
"查看 SQL" sees the same names as in the tables. Parameters are Chinese too
(Datasette takes `:地区` as the form field 地区).
"""

from __future__ import annotations

from crawler.derive import labels
from crawler.derive.sqltext import as_integer, quoted
from crawler.publish.body_questions import MISSING_REPORTS, region_reports_clause, two_years


def _any(column: str, param: str) -> str:
    """`column = :param`, or no condition when the form field is left blank."""
    return f"(:{param} = '' or {quoted(column)} = :{param})"


def _region_by_year() -> str:
    figures = ["收到申请", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "行政复议", "复议纠正",
               "行政诉讼", "诉讼纠正"]
    sums = ", ".join(f"sum({quoted(f)}) as {quoted(f)}" for f in figures)
    return (
        f"select 年度, count(*) as 报告数, {sums}, sum(不一致处数 > 0) as 不一致报告数\n"
        "from 报告一览\n"
        f"where {region_reports_clause('地区')}\n"
        f"  and {_any('主体层级', '主体层级')}\n"
        "group by 年度 order by 年度"
    )


def reasons_unpivot(where: str) -> str:
    """The eight refusal reasons as rows (理由, 件数, 报告数), summed in one pass over 报告一览."""
    sums = ", ".join(f"sum({quoted('不予公开·' + short)}) as s{i}, sum({quoted('不予公开·' + short)} > 0) as n{i}"
                     for i, (_, short) in enumerate(labels.DENIED_ROWS))
    rows = "\n  union all ".join(f"select '{short}' as 理由, s{i} as 件数, n{i} as 报告数 from t"
                                 for i, (_, short) in enumerate(labels.DENIED_ROWS))
    return f"with t as materialized (select {sums} from 报告一览 {where})\nselect * from (\n  {rows}\n)"


def _reasons_ranked() -> str:
    where = f"where {_any('年度', '年度')} and {_any('主体层级', '主体层级')}"
    return reasons_unpivot(where) + " order by 件数 desc"


def _agencies_by_reason() -> str:
    """One branch per reason; the constant guard skips the others, each branch sorts on its own index."""
    branches = []
    for _, short in labels.DENIED_ROWS:
        col = quoted(f"不予公开·{short}")
        branches.append(
            f"select * from (select '{short}' as 理由, {col} as 件数, 报告编号, 机关, 省, 市, 区县, 主体层级, 年度, "
            f"收到申请, 来源网址, 存档原件 from 报告一览\n"
            f"  where '{short}' like '%' || :理由 || '%' and {col} > 0 and {_any('年度', '年度')} "
            f"and {_any('主体层级', '主体层级')}\n  order by {col} desc limit 100)"
        )
    return "select * from (\n" + "\nunion all\n".join(branches) + "\n) order by 件数 desc limit 100"


CORRECTION_RATE = """select 机关, 省, 市, 区县, 主体层级, 年度, 行政复议, 复议纠正, "复议纠正率（%）",
  行政诉讼, 诉讼纠正, "诉讼纠正率（%）", 报告编号, 来源网址
from 报告一览
where (:年度 = '' or 年度 = :年度) and (:主体层级 = '' or 主体层级 = :主体层级)
  and (行政复议 > 0 or 行政诉讼 > 0)
order by "复议纠正率（%）" desc, 行政复议 desc
limit 200"""

RULE_BREAKERS = """select 规则, 规则内容, 报告编号, 标题, 机关, 省, 市, 区县, 年度, 单元格, 说明, 应为, 实为, 差额,
  来源网址, 存档原件
from 不一致的报告
where (:规则 = '' or 规则 = :规则) and (:年度 = '' or 年度 = :年度)
order by 规则, abs(差额) desc
limit 1000"""

RULE_COUNTS = """select r.name as 规则, r.description as 规则内容,
  count(x.id) as 不一致处数, count(distinct x.report_id) as 报告数
from rules r left join findings x on x.rule = r.rule
group by r.rule order by r.rule"""

TWO_YEARS = two_years(as_integer)
__all__ = ["MISSING_REPORTS", "TWO_YEARS", "canned_queries", "reasons_unpivot"]

def _search() -> str:
    """Reports holding every term (crawler.publish.search), newest first, with the matching sentence.

    The newest 100 are chosen first, then their sentences cut: the text of
    every match is never read.
    """
    from crawler.publish.search import search_sql

    return f"""select f.id as 报告编号, f.title as 标题, f.agency as 机关, f.province as 省, f.city as 市,
  f.district as 区县, f.year as 年度, nianbao_snippet(r.text, r.title, :词) as 摘要,
  f.url as 来源网址, f.document_id as 存档原件
from (
  select * from report_facts
  where trim(:词) != '' and ({search_sql('id', '词')})
  order by year desc, id desc limit 100
) f join reports r on r.id = f.id
order by f.year desc, f.id desc"""


def canned_queries() -> dict[str, dict]:
    """name → Datasette canned query (title, description, sql, params), in the order shown."""
    return {
        "地区历年数据": {
            "title": "一个地区历年的数字",
            "description": "填省、市、区县或机关名称（全称或一部分，改名前的名称也可，如 孟津区、孟津县教育局），"
                           "逐年汇总该地区全部报告的申请与办理数字（件）。"
                           "主体层级可填 政府/部门/乡镇街道/开发区，留空为全部。",
            "sql": _region_by_year(), "params": ["地区", "主体层级"],
        },
        "按理由排名机关": {
            "title": "按不予公开理由给机关排名",
            "description": "理由填关键词（如 国家秘密、过程性、第三方），年度如 2023，主体层级如 部门；"
                           "列出该理由不予公开件数最多的报告。",
            "sql": _agencies_by_reason(), "params": ["理由", "年度", "主体层级"],
        },
        "不予公开理由排名": {
            "title": "不予公开的理由排名",
            "description": "八类不予公开理由各有多少件（件）、出现在多少份报告中。年度与主体层级留空为全部。",
            "sql": _reasons_ranked(), "params": ["年度", "主体层级"],
        },
        "复议诉讼纠正率": {
            "title": "各机关行政复议、行政诉讼的纠正率",
            "description": "每个机关每年一行，纠正率 = 结果纠正 ÷ 总数 × 100（%），按复议纠正率、再按复议件数从高到低；"
                           "只列有复议或诉讼的机关（前200个）。",
            "sql": CORRECTION_RATE, "params": ["年度", "主体层级"],
        },
        "违反各规则的报告": {
            "title": "数字对不上的报告（按规则）",
            "description": "从列表中选一条规则（见「各规则不一致数」），留空为全部；按差额从大到小。",
            "sql": RULE_BREAKERS, "params": ["规则", "年度"],
        },
        "各规则不一致数": {
            "title": "各规则不一致数",
            "description": "四条勾稽关系规则各被违反多少处、涉及多少份报告。",
            "sql": RULE_COUNTS,
        },
        "同一机关两年对比": {
            "title": "同一机关两个年度逐项对比",
            "description": "机关填名称（全称或一部分，改名前的名称也可，如 孟津区人民政府），再填两个年度；"
                           "逐个单元格并排，变化 = 第二年度 − 第一年度。名称对得上多个机关时列出候选，请改填其一的全称。",
            "sql": TWO_YEARS, "params": ["机关", "第一年度", "第二年度"],
        },
        "某年无报告的机关": {
            "title": "某年没有报告的机关",
            "description": "选年度：列出上一年发布了年报、这一年在截止日期加宽限期后仍没有报告的机关。"
                           "按机关（含改名、合并前的名称）判断，不按报告上印的名称，与「未发布的年报」一致。",
            "sql": MISSING_REPORTS, "params": ["年度"],
        },
        "全文检索": {
            "title": "全文检索",
            "description": "在标题和报告正文中找词，一个字、两个字也行（如 复议）。几个词用空格分开，要同时出现"
                           "（如 复议 诉讼）；加引号的短语按原样查找（如 \"行政复议决定\"）。"
                           "列出最新的100份报告，「摘要」是词所在的句子；要全部结果，在「报告一览」的搜索框里搜，再下载。",
            "sql": _search(), "params": ["词"],
        },
    }
