"""config/production/, rendered by ``bootstrap.py render-production``: the
production ini keeps no secret and reads them from the environment file,
which keeps them when rendered again; nginx accepts the site; every process
has its systemd unit and supervisor program, with the same commands."""

from __future__ import annotations

import configparser
import importlib.util
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from ckan.cli import CKANConfigLoader

from ckanext.territoires import cache

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("web", "gather", "fetch", "jobs", "scheduler")


@pytest.fixture
def bootstrap(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "config"))
    for name in ("CKAN_SECRET_KEY", "CKAN_JWT_SECRET", "CKAN_BIND", "CKAN_SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CKAN_SITE_URL", "https://data.example.org")
    monkeypatch.setenv("CKAN_STORAGE_PATH", "/tmp/territoires-storage-test")
    spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "config" / "bootstrap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def env_file(directory: Path) -> dict[str, str]:
    lines = (directory / "territoires.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_the_ini_reads_its_secrets_from_the_environment_file(bootstrap, tmp_path, monkeypatch):
    bootstrap.render_production(str(tmp_path))
    ini = tmp_path / "ckan.ini"
    environment = env_file(tmp_path)
    text = ini.read_text()
    for name in ("CKAN_SECRET_KEY", "CKAN_JWT_SECRET", "CKAN_SQLALCHEMY_URL"):
        assert environment[name] and environment[name] not in text, name
    assert stat.S_IMODE((tmp_path / "territoires.env").stat().st_mode) == 0o600
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = CKANConfigLoader(str(ini)).get_config()
    assert config["SECRET_KEY"] == environment["CKAN_SECRET_KEY"]
    assert config["api_token.jwt.encode.secret"] == "string:" + environment["CKAN_JWT_SECRET"]
    assert config["sqlalchemy.url"] == environment["CKAN_SQLALCHEMY_URL"]
    assert config["ckan.site_url"] == "https://data.example.org"
    assert config["debug"] == "false"
    assert config["SESSION_TYPE"] == "redis"
    assert config["SESSION_COOKIE_SECURE"] == "true"  # an https site
    assert config["PERMANENT_SESSION_LIFETIME"] == "604800"  # not a year per crawler
    # anonymous pages public, revalidated by browsers and nginx (cache.py)
    assert config["ckanext.territoires.cache.proxy_expires"] == "1"
    assert (config["ckan.cache_enabled"], config["ckan.cache_expires"]) == ("true", "0")
    assert config["ckan.storage_path"] == "/tmp/territoires-storage-test"
    assert "ckan.harvest.mq.hostname" not in config  # the queues follow ckan.redis.url
    parser = configparser.RawConfigParser()
    parser.read(ini)
    assert parser["handler_console"]["args"] == "(sys.stderr,)"


def test_a_missing_secret_stops_start_up_with_its_name(bootstrap, tmp_path, monkeypatch):
    bootstrap.render_production(str(tmp_path))
    for name, value in env_file(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CKAN_SECRET_KEY")
    with pytest.raises(configparser.InterpolationMissingOptionError, match="CKAN_SECRET_KEY"):
        CKANConfigLoader(str(tmp_path / "ckan.ini")).get_config()


def test_rendering_again_keeps_the_secrets(bootstrap, tmp_path):
    bootstrap.render_production(str(tmp_path))
    first = env_file(tmp_path)
    bootstrap.render_production(str(tmp_path))
    assert env_file(tmp_path) == first


def test_every_process_has_its_unit_and_program_with_the_same_command(bootstrap, tmp_path):
    values = bootstrap.render_production(str(tmp_path))
    commands = bootstrap.production_commands(values["INI"])
    assert set(commands) == set(NAMES)
    supervisor = configparser.RawConfigParser()
    supervisor.read(tmp_path / "supervisor.conf")
    target = (tmp_path / "systemd" / "ckan-territoires.target").read_text()
    for name in NAMES:
        several = name in ("gather", "fetch")
        unit_name = f"ckan-territoires-{name}{'@' if several else ''}.service"
        unit = configparser.RawConfigParser(strict=False)
        unit.read(tmp_path / "systemd" / unit_name)
        assert unit["Service"]["ExecStart"] == " ".join(commands[name])
        assert unit["Service"]["EnvironmentFile"] == values["ENV_FILE"]
        assert unit["Service"]["Restart"] == "always"
        assert unit_name.replace("@", "@1") in target
        program = supervisor[f"program:ckan-territoires-{name}"]
        assert program["command"].endswith(" ".join(commands[name]) + "'")
        assert f". {values['ENV_FILE']};" in program["command"]
    assert supervisor["program:ckan-territoires-fetch"]["numprocs"] == "2"
    # the web server is gunicorn on config/production/wsgi.py
    assert commands["web"][-1] == "wsgi:application"
    assert (Path(commands["web"][commands["web"].index("--chdir") + 1]) / "wsgi.py").exists()


@pytest.mark.skipif(
    not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"),
    reason="nginx is not installed",
)
def test_nginx_accepts_the_site(bootstrap, tmp_path, monkeypatch):
    monkeypatch.setenv("NGINX_LISTEN", "127.0.0.1:5099")
    monkeypatch.setenv("NGINX_CACHE_PATH", str(tmp_path / "cache"))
    bootstrap.render_production(str(tmp_path))
    site = (tmp_path / "nginx-site.conf").read_text()
    assert "client_max_body_size 12m;" in site  # ckan.max_resource_size 10 MB
    assert "server_name data.example.org;" in site
    # the micro-cache: bypassed by the portal's cookie of logged-in users (cache.py)
    assert f"proxy_cache_path {tmp_path / 'cache'} " in site
    assert f"$cookie_{cache.PRIVATE_COOKIE} " in site
    sys.path.insert(0, str(ROOT / "config"))
    try:
        import run_prod
    finally:
        sys.path.pop(0)
    main = run_prod.nginx_main(str(tmp_path))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path / "nginx"), "-c", main], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
