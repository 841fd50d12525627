"""The Chinese words the pages show for the service's codes."""

from __future__ import annotations

STATUS_NAMES = {"missing": "未填报", "draft": "草稿", "submitted": "已提交", "published": "已公开"}
KIND_NAMES = {
    "province": "省级政府",
    "city": "市级政府",
    "county": "县级政府",
    "township": "乡镇",
    "department": "部门",
    "other": "其他",
}
SEVERITY_NAMES = {"error": "错误", "warning": "提示"}
