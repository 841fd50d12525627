"""The pages' foundations: the home page, its headers, its assets, and its absence from the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.pages.headers import CONTENT_SECURITY_POLICY


def test_home_page_is_chinese_html_with_the_security_headers(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert '<html lang="zh-CN">' in response.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in response.text
    assert '<a href="/docs">' in response.text


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    text = client.get("/").text
    assert "<script>" not in text
    assert "<style" not in text
    assert "style=" not in text


def test_stylesheet_is_served_by_the_app(client: TestClient) -> None:
    response = client.get("/static/pages.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


def test_pages_are_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert all(path.startswith(("/api/", "/health", "/metrics", "/ready")) for path in paths)
