from __future__ import annotations

import pytest

from app.config import DEFAULT_DATABASE_URL, SettingsError, load_settings

STRONG = "k" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in (
        "ENV",
        "DATABASE_URL",
        "ADMIN_TOKEN",
        "KEY_SECRET",
        "CORS_ORIGINS",
        "MAX_BODY_BYTES",
        "LOG_LEVEL",
    ):
        monkeypatch.delenv(f"DISCLOSURE_{key}", raising=False)


def test_defaults_use_embedded_sqlite_under_var() -> None:
    settings = load_settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL.endswith("/var/disclosure.sqlite3")
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.env == "development"


def test_production_refuses_to_start_without_admin_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_ENV", "production")
    monkeypatch.setenv("DISCLOSURE_KEY_SECRET", STRONG)
    with pytest.raises(SettingsError, match="DISCLOSURE_ADMIN_TOKEN must be set"):
        load_settings()


def test_production_refuses_placeholder_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_ENV", "production")
    monkeypatch.setenv("DISCLOSURE_ADMIN_TOKEN", "changeme")
    monkeypatch.setenv("DISCLOSURE_KEY_SECRET", STRONG)
    with pytest.raises(SettingsError, match="DISCLOSURE_ADMIN_TOKEN must be set"):
        load_settings()


def test_production_starts_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_ENV", "production")
    monkeypatch.setenv("DISCLOSURE_ADMIN_TOKEN", STRONG)
    monkeypatch.setenv("DISCLOSURE_KEY_SECRET", STRONG + "x")
    assert load_settings().env == "production"


def test_error_names_the_key_and_the_bad_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_MAX_BODY_BYTES", "lots")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "DISCLOSURE_MAX_BODY_BYTES" in str(raised.value)
    assert "'lots'" in str(raised.value)


def test_unknown_database_scheme_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(SettingsError, match="DISCLOSURE_DATABASE_URL"):
        load_settings()


def test_secret_values_are_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_ENV", "production")
    monkeypatch.setenv("DISCLOSURE_ADMIN_TOKEN", "short-but-secret")
    monkeypatch.setenv("DISCLOSURE_KEY_SECRET", STRONG)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "short-but-secret" not in str(raised.value)


def test_cors_origins_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_CORS_ORIGINS", "https://portal.yinchuan.gov.cn, https://a.b")
    assert load_settings().cors_origins == ["https://portal.yinchuan.gov.cn", "https://a.b"]
