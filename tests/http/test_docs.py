"""The docs pages work on a network with no internet: every asset comes from this server."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_page_loads_every_asset_from_this_server(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']""", response.text)
    assets = [url for pair in urls for url in pair if url]
    assert assets, "the page references no assets"
    for url in assets:
        assert url.startswith("/"), f"{page} loads {url} from another host"
        if url != "/openapi.json":
            asset = client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 1000, url
    assert "fonts.googleapis" not in response.text
    assert "cdn.jsdelivr" not in response.text


def test_openapi_declares_errors_as_problem_json(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status, declared in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(declared["content"]) == ["application/problem+json"], (
                        f"{method.upper()} {path} {status}"
                    )
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_openapi_says_which_operations_take_anonymous_callers(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    bearer_or_none = [{"HTTPBearer": []}, {}]
    assert paths["/api/v1/agencies/{code}/reports/{year}"]["get"]["security"] == bearer_or_none
    assert paths["/api/v1/validate"]["post"]["security"] == bearer_or_none
    assert paths["/api/v1/agencies/{code}/reports/{year}"]["put"]["security"] == [
        {"HTTPBearer": []}
    ]
    assert "401" in paths["/api/v1/summary"]["get"]["responses"]
