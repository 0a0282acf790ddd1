"""The application factory, configuration and security headers."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError, load_config


def test_production_refuses_to_start_without_secrets():
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL, PUBLIC_URL"):
        load_config({"PORTAL_ENV": "production"})


def test_production_starts_with_its_secrets_and_secure_cookies():
    config = load_config(
        {
            "PORTAL_ENV": "production",
            "SECRET_KEY": "s" * 32,
            "DATABASE_URL": "sqlite://",
            "PUBLIC_URL": "https://careers.example.org",
        }
    )
    assert config["SECRET_KEY"] == "s" * 32
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        load_config({"PORTAL_ENV": "staging"})


def test_redis_url_moves_rate_limits_to_redis(tmp_path):
    with_redis = load_config({"REDIS_URL": "redis://localhost:6379/0"}, instance_dir=tmp_path)
    assert with_redis["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert load_config({}, instance_dir=tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"


def test_explicit_config_wins_over_the_environment():
    app = create_app({"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"})
    assert app.testing and app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///x.db"


def test_unexpected_errors_show_the_styled_500_page():
    app = create_app({"PORTAL_ENV": "testing"})

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
