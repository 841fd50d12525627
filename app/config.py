"""The service's settings: the only reader of the environment (prefix ``DISCLOSURE_``)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'disclosure.sqlite3'}"

# Values that people paste from examples; refusing them in production is cheap insurance.
PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "admin", "password", "token"})
MIN_PRODUCTION_SECRET_LENGTH = 32


class SettingsError(RuntimeError):
    """The environment holds a setting the service cannot start with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DISCLOSURE_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="sqlite:///path or postgresql+psycopg://user@host/db",
    )
    admin_token: SecretStr | None = Field(
        default=None, description="Bearer token of the administrator."
    )
    key_secret: SecretStr | None = Field(
        default=None,
        description="Server secret for the HMAC that agency keys are stored under.",
    )
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    max_upload_bytes: int = Field(
        default=20 * 2**20, gt=0, description="Largest document or workbook an upload takes."
    )
    import_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Wall clock for reading one uploaded document."
    )
    import_max_pages: int = Field(default=60, gt=0, description="Most pages a PDF may have.")
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    sample_data: bool = True
    tune_gc: bool = Field(
        default=True,
        description="Tune the garbage collector for serving once started (app/ops/gc_tuning.py).",
    )
    rate_limit_per_minute: int = Field(
        default=1200, ge=0, description="Requests per minute per caller and process; 0: off."
    )
    failed_auth_per_minute: int = Field(
        default=30, ge=1, description="Failed authentications per minute per client address."
    )
    rate_limit_storage: str | None = Field(
        default=None, description="redis://… to share the limits across replicas; else in-process."
    )
    page_session_hours: float = Field(
        default=8.0, gt=0, le=24 * 30, description="How long a sign-in to the pages lasts."
    )
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses or networks whose X-Forwarded-For is believed.",
    )

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql+psycopg://")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return value

    @model_validator(mode="after")
    def production_needs_real_secrets(self) -> Settings:
        if self.env != "production":
            return self
        for name in ("admin_token", "key_secret"):
            secret: SecretStr | None = getattr(self, name)
            value = secret.get_secret_value() if secret else ""
            if len(value) < MIN_PRODUCTION_SECRET_LENGTH or value.lower() in PLACEHOLDER_SECRETS:
                raise ValueError(
                    f"DISCLOSURE_{name.upper()} must be set to a random value of at least "
                    f"{MIN_PRODUCTION_SECRET_LENGTH} characters when DISCLOSURE_ENV=production"
                )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_default_database(self) -> bool:
        return self.database_url == DEFAULT_DATABASE_URL


def load_settings() -> Settings:
    """Read the environment, turning pydantic's report into one line per bad key."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = "DISCLOSURE_" + "_".join(str(part) for part in error["loc"]).upper()
            secret_key = any(word in key for word in ("TOKEN", "SECRET"))
            shown = "" if not error["loc"] or secret_key else f" (got {error.get('input')!r})"
            problems.append(f"{key if error['loc'] else 'settings'}: {error['msg']}{shown}")
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(problems)) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()


def development_secret(name: str) -> str:
    """A secret kept under ./var so a development server keeps its keys across restarts."""
    path = PROJECT_ROOT / "var" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def key_secret(settings: Settings) -> str:
    """The server secret agency keys are stored under: configured, or kept under ./var."""
    if settings.key_secret is not None:
        return settings.key_secret.get_secret_value()
    return development_secret("key-secret")
