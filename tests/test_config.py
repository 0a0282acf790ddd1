"""Settings from the environment: the secret key file, PUBLIC_URL, trusted hosts, limits on input."""

from __future__ import annotations

import multiprocessing
import stat
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from flask import Flask, request

from portal import create_app
from portal.config import KEY_FILE_NAME, ConfigError, instance_secret_key, load_config

OLD_DEVELOPMENT_KEY = "development-only-secret-key"
PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "k" * 64,
    "DATABASE_URL": "sqlite://",
    "PUBLIC_URL": "https://careers.example.org",
}


def test_development_makes_a_random_key_once_and_reuses_it(tmp_path: Path):
    first = load_config({}, instance_dir=tmp_path)["SECRET_KEY"]
    second = load_config({}, instance_dir=tmp_path)["SECRET_KEY"]
    assert first == second
    assert first != OLD_DEVELOPMENT_KEY
    assert len(bytes.fromhex(first)) >= 32
    assert load_config({}, instance_dir=tmp_path / "elsewhere")["SECRET_KEY"] != first


def test_the_key_file_is_private_and_nothing_else_is_left_behind(tmp_path: Path):
    load_config({}, instance_dir=tmp_path / "instance")
    path = tmp_path / "instance" / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [KEY_FILE_NAME]


def _key_after(barrier: Barrier, instance_dir: Path, keys: Queue) -> None:
    barrier.wait()
    keys.put(instance_secret_key(instance_dir))


def test_workers_starting_together_agree_on_one_key(tmp_path: Path):
    context = multiprocessing.get_context("fork")
    barrier, keys = context.Barrier(6), context.Queue()
    processes = [context.Process(target=_key_after, args=(barrier, tmp_path, keys)) for _ in range(6)]
    for process in processes:
        process.start()
    found = {keys.get(timeout=20) for _ in processes}
    for process in processes:
        process.join(timeout=20)
    assert found == {(tmp_path / KEY_FILE_NAME).read_text().strip()}


def test_a_secret_key_in_the_environment_wins_and_writes_no_file(tmp_path: Path):
    assert load_config({"SECRET_KEY": "from-the-environment"}, instance_dir=tmp_path)["SECRET_KEY"] == (
        "from-the-environment"
    )
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_testing_uses_a_random_key_and_writes_no_file(tmp_path: Path):
    key = load_config({"PORTAL_ENV": "testing"}, instance_dir=tmp_path)["SECRET_KEY"]
    assert key != OLD_DEVELOPMENT_KEY and len(key) >= 64
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_an_unusable_key_file_is_refused(tmp_path: Path):
    (tmp_path / KEY_FILE_NAME).write_text("short\n")
    with pytest.raises(ConfigError, match="delete it"):
        load_config({}, instance_dir=tmp_path)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "PUBLIC_URL"])
def test_production_refuses_to_start_without_each_required_setting(missing: str, tmp_path: Path):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    with pytest.raises(ConfigError, match=missing):
        load_config(env, instance_dir=tmp_path)
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_production_refuses_a_short_secret_key():
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_config({**PRODUCTION, "SECRET_KEY": "short"})


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"HOST": "0.0.0.0", "PORT": "9000"}, "http://0.0.0.0:9000"),
        ({"HOST": "::1"}, "http://[::1]:8000"),
        ({"PUBLIC_URL": "https://careers.example.org/"}, "https://careers.example.org"),
    ],
)
def test_development_public_url_comes_from_host_and_port(env: dict, expected: str, tmp_path: Path):
    assert load_config(env, instance_dir=tmp_path)["PUBLIC_URL"] == expected


@pytest.mark.parametrize(
    "value",
    [
        "careers.example.org",
        "ftp://careers.example.org",
        "https://",
        "https://careers.example.org/path",
        "https://careers.example.org?q=1",
        "https://careers.example.org:99999",
        "https://user:password@careers.example.org",
    ],
)
def test_a_public_url_that_is_not_an_http_origin_is_refused(value: str):
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        load_config({**PRODUCTION, "PUBLIC_URL": value})


def test_production_trusts_only_the_public_host_and_those_listed():
    config = load_config({**PRODUCTION, "TRUSTED_HOSTS": " www.example.org, .example.net ,"})
    assert config["PUBLIC_URL"] == "https://careers.example.org"
    assert config["TRUSTED_HOSTS"] == ["careers.example.org", "www.example.org", ".example.net"]


def test_development_trusts_any_host_unless_told_otherwise(tmp_path: Path):
    assert load_config({}, instance_dir=tmp_path)["TRUSTED_HOSTS"] is None
    listed = load_config({"TRUSTED_HOSTS": "portal.test"}, instance_dir=tmp_path)["TRUSTED_HOSTS"]
    assert listed == ["127.0.0.1", "portal.test"]


@pytest.fixture
def production_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The portal as production builds it from its environment, on the test database."""
    for name, value in {**PRODUCTION, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TRUSTED_HOSTS", "www.example.org")
    # Flask-Limiter is one object for every app in this process: leave it off for the other tests.
    return create_app({"RATELIMIT_ENABLED": False})


def test_production_refuses_a_forged_host_header(production_app: Flask):
    client = production_app.test_client()
    refused = client.get("/api/v1/service-areas", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "bad_request"
    assert "evil.example" not in refused.text
    assert (
        client.get("/api/v1/service-areas", headers={"Host": "careers.example.org.evil"}).status_code == 400
    )
    for host in ("careers.example.org", "careers.example.org:443", "www.example.org"):
        response = client.get("/api/v1/service-areas", headers={"Host": host})
        assert response.status_code == 200, host
        assert response.get_json()["count"] > 0


def test_forged_host_on_a_page_gets_a_plain_400_not_a_crash(production_app: Flask):
    refused = production_app.test_client().get("/", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and refused.mimetype == "text/plain"
    assert "evil.example" not in refused.text


@pytest.mark.parametrize("environment", ["development", "testing", "production"])
def test_request_bodies_and_forms_are_bounded_everywhere(environment: str, tmp_path: Path):
    config = load_config({**PRODUCTION, "PORTAL_ENV": environment}, instance_dir=tmp_path)
    assert config["MAX_CONTENT_LENGTH"] == 64 * 1024
    assert 4 * 1024 <= config["MAX_FORM_MEMORY_SIZE"] <= config["MAX_CONTENT_LENGTH"]
    assert 20 <= config["MAX_FORM_PARTS"] <= 1000


@pytest.mark.parametrize(
    ("value", "enabled"),
    [
        ("false", False),
        ("0", False),
        ("No", False),
        (" off ", False),
        ("true", True),
        ("1", True),
        ("", True),
    ],
)
def test_ratelimit_enabled_is_read_as_a_yes_or_no(value: str, enabled: bool, tmp_path: Path):
    assert load_config({"RATELIMIT_ENABLED": value}, instance_dir=tmp_path)["RATELIMIT_ENABLED"] is enabled


def test_an_unclear_ratelimit_enabled_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match="RATELIMIT_ENABLED"):
        load_config({"RATELIMIT_ENABLED": "disabled"}, instance_dir=tmp_path)


def test_testing_never_rate_limits():
    assert load_config({"PORTAL_ENV": "testing", "RATELIMIT_ENABLED": "true"})["RATELIMIT_ENABLED"] is False


def test_redis_settings_reach_flask_limiter(tmp_path: Path):
    env = {"REDIS_URL": "redis://127.0.0.1:6379/3", "RATELIMIT_KEY_PREFIX": "portal-a"}
    config = load_config(env, instance_dir=tmp_path)
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert config["RATELIMIT_KEY_PREFIX"] == "portal-a"
    assert config["RATELIMIT_STRATEGY"] == "moving-window"
    assert load_config({}, instance_dir=tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_web_concurrency_must_be_a_positive_whole_number(value: str, tmp_path: Path):
    with pytest.raises(ConfigError, match="WEB_CONCURRENCY"):
        load_config({"WEB_CONCURRENCY": value}, instance_dir=tmp_path)


def test_client_addresses_come_from_the_proxy_only_when_one_is_trusted():
    def seen_address(hops: int) -> str:
        app = create_app({"PORTAL_ENV": "testing", "TRUSTED_PROXY_HOPS": hops})

        @app.get("/address-for-test")
        def address() -> str:
            return f"{request.remote_addr} {request.scheme}"

        headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        return app.test_client().get("/address-for-test", headers=headers).text

    assert seen_address(0) == "127.0.0.1 http"
    assert seen_address(1) == "203.0.113.9 https"


def test_proxy_hops_must_be_a_count():
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
        load_config({"TRUSTED_PROXY_HOPS": "one"})
