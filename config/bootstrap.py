"""Set-up steps of `make run` / `make test` that need a little logic.

    python config/bootstrap.py database NAME      create role and database if missing
    python config/bootstrap.py render-ini OUTPUT  render config/ckan.ini.template
    python config/bootstrap.py admin-password     print (creating once) the demo admin password
    python config/bootstrap.py agent-password     print (creating once) the demo agent's password

Everything is read from the environment with the defaults documented in the
README (CKAN_DB_*, CKAN_REDIS_URL, CKAN_SITE_URL, HOST, PORT). Secrets are
generated once into .ckan-secrets, so re-running keeps the same ones.
"""

from __future__ import annotations

import json
import os
import secrets
import string
import sys
from urllib.parse import urlparse

import psycopg2
from psycopg2 import sql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRETS_FILE = os.path.join(ROOT, ".ckan-secrets")
SECRET_NAMES = ("SECRET_KEY", "CSRF_SECRET", "JWT_SECRET", "ADMIN_PASSWORD", "AGENT_PASSWORD")


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def db_settings() -> dict[str, str]:
    return {
        "host": env("CKAN_DB_HOST", "127.0.0.1"),
        "port": env("CKAN_DB_PORT", "5432"),
        "user": env("CKAN_DB_USER", "ckan_territoires"),
        "password": env("CKAN_DB_PASSWORD", "ckan_territoires"),
        "admin_user": env("CKAN_DB_ADMIN_USER", "postgres"),
    }


def database_url(name: str) -> str:
    s = db_settings()
    return "postgresql://{user}:{password}@{host}:{port}/{name}".format(name=name, **s)


def load_secrets() -> dict[str, str]:
    stored = {}
    if os.path.exists(SECRETS_FILE):
        with open(SECRETS_FILE, encoding="utf-8") as f:
            stored = json.load(f)
    changed = False
    for name in SECRET_NAMES:
        if not stored.get(name):
            stored[name] = secrets.token_urlsafe(24)
            changed = True
    if changed:
        with open(
            os.open(SECRETS_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            "w",
            encoding="utf-8",
        ) as f:
            json.dump(stored, f, indent=2)
    return stored


def ensure_database(name: str) -> None:
    s = db_settings()
    conn = psycopg2.connect(host=s["host"], port=s["port"], user=s["admin_user"], dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [s["user"]])
        if not cur.fetchone():
            cur.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(s["user"])),
                [s["password"]],
            )
            print("Created PostgreSQL role %s" % s["user"])
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(name), sql.Identifier(s["user"])
                )
            )
            print("Created PostgreSQL database %s" % name)
    conn.close()


def render_ini(output: str) -> None:
    secrets_ = load_secrets()
    redis_url = env("CKAN_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis = urlparse(redis_url)
    host = env("HOST", "127.0.0.1")
    port = env("PORT", "5000")
    values = {
        "SECRET_KEY": secrets_["SECRET_KEY"],
        "CSRF_SECRET": secrets_["CSRF_SECRET"],
        "JWT_SECRET": secrets_["JWT_SECRET"],
        "SITE_ID": env("CKAN_SITE_ID", "territoires"),
        "SITE_URL": env("CKAN_SITE_URL", "http://%s:%s" % (host, port)),
        # empty: the territory's title (ckanext-territoires, site.py)
        "SITE_TITLE": env("CKAN_SITE_TITLE", ""),
        "DATABASE_URL": database_url(env("CKAN_DB_NAME", "ckan_territoires")),
        "REDIS_URL": redis_url,
        "REDIS_HOST": redis.hostname or "127.0.0.1",
        "REDIS_PORT": str(redis.port or 6379),
        "REDIS_DB": (redis.path or "/0").strip("/") or "0",
        "STORAGE_PATH": env("CKAN_STORAGE_PATH", os.path.join(ROOT, "var", "storage")),
        "HOST": host,
        "PORT": port,
    }
    with open(os.path.join(ROOT, "config", "ckan.ini.template"), encoding="utf-8") as f:
        template = string.Template(f.read())
    os.makedirs(values["STORAGE_PATH"], exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        f.write(template.substitute(values))
    os.chmod(output, 0o600)
    print("Rendered %s (database %s)" % (output, values["DATABASE_URL"].rsplit("/", 1)[-1]))


def main(argv: list[str]) -> int:
    commands = ("database", "render-ini", "database-url", "admin-password", "agent-password")
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[1]
    try:
        if command == "database":
            ensure_database(argv[2])
        elif command == "database-url":
            print(database_url(argv[2]))
        elif command == "render-ini":
            render_ini(argv[2])
        elif command == "admin-password":
            print(load_secrets()["ADMIN_PASSWORD"])
        elif command == "agent-password":
            print(load_secrets()["AGENT_PASSWORD"])
    except (IndexError, psycopg2.Error) as error:
        print("bootstrap %s failed: %s" % (command, error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
