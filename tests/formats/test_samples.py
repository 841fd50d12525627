"""The sample reports are faithful to what was published."""

from __future__ import annotations

from app.formats.samples import load_sample

from .factories import hongze, seed


def test_the_2021_example_is_the_hongze_2024_fixture() -> None:
    assert load_sample("hongze_2024.json") == hongze(2024)


def test_seed_sample_carries_the_published_identity_and_channels() -> None:
    body = seed()

    assert (body["format"], body["status"], body["scope"]) == ("2019", "published", "agency")
    assert body["contact"] == {
        "address": "灵武市白土岗乡人民政府",
        "phone": "0951-4685114",
        "email": "btgxbgs@163.com",
    }
    assert body["channels"]["total"] == 3074
    assert [item["count"] for item in body["channels"]["items"]] == [13, 739, 1726, 596]
    assert body["narrative"]["overview"].startswith("我乡高度重视政府信息公开工作")
    assert body["narrative"]["other_matters"] == "暂无需要报告的事项。"


def test_hongze_reports_keep_their_printed_figures() -> None:
    h2023, h2024 = hongze(2023), hongze(2024)

    assert h2023["proactive"]["fees"] == {"amount": "7730.28"}
    assert h2024["proactive"]["fees"] == {"amount": "7545"}
    assert h2023["reviews"]["review"] == {
        "upheld": 10,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 0,
    }
    assert h2023["channels"] == {"total": 1136, "items": [{"name": "政府网站", "count": 1136}]}
    assert h2024["channels"] == {"total": 2428, "items": [{"name": "政府网站", "count": 2428}]}
    assert h2024["applications"]["new_received"]["total"] == 95
