"""Set-up steps of `make run` / `make test` that need a little logic.

    python config/bootstrap.py database NAME      create role and database if missing
    python config/bootstrap.py datastore NAME     create NAME_datastore, its read-only role and
                                                  CKAN's DataStore permissions, if missing
    python config/bootstrap.py render-ini OUTPUT  render config/ckan.ini.template
    python config/bootstrap.py admin-password     print (creating once) the demo admin password
    python config/bootstrap.py agent-password     print (creating once) the demo agent's password
    python config/bootstrap.py render-production DIR
                                                  render config/production/ into DIR (README, "Production")
    python config/bootstrap.py set-scope INI      write TERRITOIRES_SCOPE into INI when it differs;
                                                  prints "changed" or "unchanged"
    python config/bootstrap.py xloader-token INI TOKEN
                                                  write ckanext-xloader's API token into INI (and
                                                  .ckan-secrets, so that render-ini keeps it)

Everything is read from the environment with the defaults documented in the
README (CKAN_DB_*, CKAN_REDIS_URL, CKAN_SITE_URL, HOST, PORT, TERRITOIRES_SCOPE). Secrets are
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

#: The territory of a portal rendered without TERRITOIRES_SCOPE: the Métropole de Lyon.
DEFAULT_SCOPE = "epci:200046977"
SCOPE_OPTION = "ckanext.territoires.scope"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRETS_FILE = os.path.join(ROOT, ".ckan-secrets")
SECRET_NAMES = (
    "SECRET_KEY",
    "CSRF_SECRET",
    "JWT_SECRET",
    "ADMIN_PASSWORD",
    "AGENT_PASSWORD",
    "DATASTORE_RO_PASSWORD",
)


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


def write_secrets(stored: dict) -> None:
    """Write the secrets file, readable by its owner only."""
    with open(
        os.open(SECRETS_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        "w",
        encoding="utf-8",
    ) as f:
        json.dump(stored, f, indent=2)


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
        write_secrets(stored)
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


def datastore_names(name: str) -> tuple[str, str]:
    """(database, read-only role) of the DataStore of the database ``name``."""
    return name + "_datastore", env("CKAN_DB_USER", "ckan_territoires") + "_datastore_ro"


def datastore_url(name: str, read_only: bool = False) -> str:
    """The DataStore's write URL (the portal's role) or read URL (its read-only role)."""
    database, reader = datastore_names(name)
    if not read_only:
        return database_url(database)
    s = db_settings()
    password = load_secrets()["DATASTORE_RO_PASSWORD"]
    return f"postgresql://{reader}:{password}@{s['host']}:{s['port']}/{database}"


def _permissions_sql() -> str:
    """CKAN's own DataStore permissions script (``ckan datastore set-permissions``)."""
    import ckanext.datastore

    path = os.path.join(os.path.dirname(ckanext.datastore.__file__), "set_permissions.sql")
    with open(path, encoding="utf-8") as f:
        return "\n".join(line for line in f.read().splitlines() if not line.startswith("\\connect"))


def ensure_datastore(name: str) -> None:
    """The DataStore database of ``name``, its read-only role and permissions
    (idempotent: the permissions script is run every time)."""
    database, reader = datastore_names(name)
    ensure_database(database)
    s = db_settings()
    password = load_secrets()["DATASTORE_RO_PASSWORD"]
    conn = psycopg2.connect(host=s["host"], port=s["port"], user=s["admin_user"], dbname=database)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [reader])
        if not cur.fetchone():
            cur.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(reader)),
                [password],
            )
            print("Created PostgreSQL role %s" % reader)
        else:
            cur.execute(
                sql.SQL("ALTER ROLE {} PASSWORD %s").format(sql.Identifier(reader)), [password]
            )
        script = _permissions_sql().format(
            maindb=sql.Identifier(name).as_string(conn),
            datastoredb=sql.Identifier(database).as_string(conn),
            mainuser=sql.Identifier(s["user"]).as_string(conn),
            writeuser=sql.Identifier(s["user"]).as_string(conn),
            readuser=sql.Identifier(reader).as_string(conn),
        )
        cur.execute(script)
    conn.close()


def common_values() -> dict[str, str]:
    """Values of every rendered file that are not secrets: the portal's
    identity, territory, Redis and storage (read from the environment)."""
    redis_url = env("CKAN_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis = urlparse(redis_url)
    host = env("HOST", "127.0.0.1")
    port = env("PORT", "5000")
    return {
        "SITE_ID": env("CKAN_SITE_ID", "territoires"),
        "SITE_URL": env("CKAN_SITE_URL", "http://%s:%s" % (host, port)),
        # no option: the territory's title where it shows (ckanext-territoires,
        # site.py) and CKAN's default for status_show
        "SITE_TITLE_LINE": (
            "ckan.site_title = %s" % os.environ["CKAN_SITE_TITLE"]
            if os.environ.get("CKAN_SITE_TITLE")
            else "# ckan.site_title ="
        ),
        "SCOPE": checked_scope(env("TERRITOIRES_SCOPE", DEFAULT_SCOPE)),
        "REDIS_URL": redis_url,
        "REDIS_HOST": redis.hostname or "127.0.0.1",
        "REDIS_PORT": str(redis.port or 6379),
        "REDIS_DB": (redis.path or "/0").strip("/") or "0",
        "STORAGE_PATH": env("CKAN_STORAGE_PATH", os.path.join(ROOT, "var", "storage")),
        "MAX_UPLOAD_MB": env("CKAN_MAX_UPLOAD_SIZE_MB", "10"),
        "HOST": host,
        "PORT": port,
    }


def render(template: str, values: dict[str, str], output: str, mode: int = 0o644) -> None:
    """``template`` (a path) with ``${NAME}`` replaced by ``values``, written to ``output``."""
    with open(template, encoding="utf-8") as f:
        text = string.Template(f.read()).substitute(values)
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(output, mode)


def render_ini(output: str) -> None:
    secrets_ = load_secrets()
    values = {
        **common_values(),
        "SECRET_KEY": secrets_["SECRET_KEY"],
        "CSRF_SECRET": secrets_["CSRF_SECRET"],
        "JWT_SECRET": secrets_["JWT_SECRET"],
        "DATABASE_URL": database_url(env("CKAN_DB_NAME", "ckan_territoires")),
        "DATASTORE_WRITE_URL": datastore_url(env("CKAN_DB_NAME", "ckan_territoires")),
        "DATASTORE_READ_URL": datastore_url(env("CKAN_DB_NAME", "ckan_territoires"), True),
        # written by `xloader-token` (make run's admin step) once the database exists
        "XLOADER_API_TOKEN": secrets_.get("XLOADER_API_TOKEN") or "NOT_SET",
    }
    os.makedirs(values["STORAGE_PATH"], exist_ok=True)
    render(os.path.join(ROOT, "config", "ckan.ini.template"), values, output, 0o600)
    print("Rendered %s (database %s)" % (output, values["DATABASE_URL"].rsplit("/", 1)[-1]))


PRODUCTION = os.path.join(ROOT, "config", "production")
#: The processes of the portal: (name, description, several instances?).
PROCESSES = (
    ("web", "web server (gunicorn, config/production/gunicorn.conf.py)", False),
    ("gather", "harvest gather consumer (ckan harvester gather-consumer)", True),
    ("fetch", "harvest fetch consumer (ckan harvester fetch-consumer)", True),
    ("jobs", "CKAN's background job worker (ckan jobs worker)", False),
    ("scheduler", "harvest scheduler (ckan territoires harvest scheduler)", False),
)


def production_commands(ini: str, bin_dir: str | None = None) -> dict[str, list[str]]:
    """The command of each process of :data:`PROCESSES`."""
    bin_dir = bin_dir or os.path.dirname(sys.executable)
    ckan = [os.path.join(bin_dir, "ckan"), "-c", ini]
    return {
        "web": [
            os.path.join(bin_dir, "gunicorn"),
            "--config",
            os.path.join(PRODUCTION, "gunicorn.conf.py"),
            "--chdir",
            PRODUCTION,
            "wsgi:application",
        ],
        "gather": [*ckan, "harvester", "gather-consumer"],
        "fetch": [*ckan, "harvester", "fetch-consumer"],
        "jobs": [*ckan, "jobs", "worker"],
        "scheduler": [*ckan, "territoires", "harvest", "scheduler"],
    }


def read_env_file(path: str) -> dict[str, str]:
    values: dict[str, str] = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if "=" in line and not line.lstrip().startswith("#"):
                    key, value = line.rstrip("\n").split("=", 1)
                    values[key.strip()] = value
    return values


def production_values(directory: str) -> dict[str, str]:
    """Values of the production templates rendered into ``directory``."""
    import getpass
    import grp

    import ckan

    directory = os.path.abspath(directory)
    env_file = os.path.join(directory, "territoires.env")
    kept = read_env_file(env_file)  # secrets of an earlier rendering
    values = common_values()

    def setting(name: str, default: str) -> str:
        """The environment first, then an earlier rendering, then ``default``."""
        return os.environ.get(name) or kept.get(name) or default

    site = urlparse(setting("CKAN_SITE_URL", values["SITE_URL"]))
    user = env("CKAN_SYSTEM_USER", getpass.getuser())
    try:
        group = grp.getgrgid(os.getgid()).gr_name if user == getpass.getuser() else user
    except KeyError:
        group = user
    return {
        **values,
        "INI": os.path.join(directory, "ckan.ini"),
        "ENV_FILE": env_file,
        "SITE_URL": setting("CKAN_SITE_URL", values["SITE_URL"]),
        "SQLALCHEMY_URL": setting(
            "CKAN_SQLALCHEMY_URL", database_url(env("CKAN_DB_NAME", "ckan_territoires"))
        ),
        "REDIS_URL": setting("CKAN_REDIS_URL", values["REDIS_URL"]),
        "DATASTORE_WRITE_URL": setting(
            "CKAN_DATASTORE_WRITE_URL", datastore_url(env("CKAN_DB_NAME", "ckan_territoires"))
        ),
        "DATASTORE_READ_URL": setting(
            "CKAN_DATASTORE_READ_URL",
            datastore_url(env("CKAN_DB_NAME", "ckan_territoires"), True),
        ),
        "SECRET_KEY": setting("CKAN_SECRET_KEY", secrets.token_urlsafe(32)),
        "JWT_SECRET": setting("CKAN_JWT_SECRET", secrets.token_urlsafe(32)),
        # `ckan territoires pooling xloader-token` prints one (run_prod.py)
        "XLOADER_API_TOKEN": setting("CKAN_XLOADER_API_TOKEN", "NOT_SET"),
        "BIND": setting("CKAN_BIND", "127.0.0.1:8080"),
        "SESSION_SECURE": "true" if site.scheme == "https" else "false",
        "NGINX_LISTEN": env("NGINX_LISTEN", "80"),
        "NGINX_CACHE_PATH": env("NGINX_CACHE_PATH", "/var/lib/nginx/ckan-territoires-cache"),
        "SERVER_NAME": site.hostname or "localhost",
        "CLIENT_MAX_BODY": "%dm" % (int(values["MAX_UPLOAD_MB"]) + 2),
        "CKAN_PUBLIC": os.path.join(os.path.dirname(ckan.__file__), "public"),
        "PLUGIN_PUBLIC": os.path.join(ROOT, "ckanext", "territoires", "public"),
        "USER": user,
        "GROUP": group,
        "DIRECTORY": directory,
    }


def render_production(directory: str) -> dict[str, str]:
    """Render config/production/ into ``directory``: ckan.ini, territoires.env
    (secrets kept when rendered again), nginx-site.conf, supervisor.conf and
    systemd/ units. The values used."""
    os.makedirs(os.path.join(directory, "systemd"), exist_ok=True)
    values = production_values(directory)
    os.makedirs(values["STORAGE_PATH"], exist_ok=True)
    out = os.path.join

    def template(name: str) -> str:
        return out(PRODUCTION, name)

    render(template("ckan.ini.template"), values, values["INI"], 0o640)
    render(template("territoires.env.template"), values, values["ENV_FILE"], 0o600)
    render(template("nginx-site.conf.template"), values, out(directory, "nginx-site.conf"))
    commands = production_commands(values["INI"])
    units, sections = [], []
    for name, description, several in PROCESSES:
        command = " ".join(commands[name])
        unit = "ckan-territoires-%s%s.service" % (name, "@" if several else "")
        units.append(unit.replace("@", "@1"))
        render(
            template("systemd/unit.service.template"),
            {
                **values,
                "NAME": name + ("-%i" if several else ""),
                "UNIT": unit,
                "DESCRIPTION": description + (" (instance %i)" if several else ""),
                "COMMAND": command,
                "EXTRA": "ExecReload=/bin/kill -HUP $MAINPID\n" if name == "web" else "",
            },
            out(directory, "systemd", unit),
        )
        with open(template("supervisor-program.template"), encoding="utf-8") as f:
            sections.append(
                string.Template(f.read()).substitute(
                    {
                        **values,
                        "NAME": name,
                        "DESCRIPTION": description,
                        "COMMAND": command,
                        "NUMPROCS": "2" if name == "fetch" else "1",
                    }
                )
            )
    render(
        template("systemd/ckan-territoires.target.template"),
        {**values, "WANTS": " ".join(units)},
        out(directory, "systemd", "ckan-territoires.target"),
    )
    render(
        template("supervisor.conf.template"),
        {
            **values,
            "PROGRAMS": ",".join("ckan-territoires-%s" % name for name, _d, _s in PROCESSES),
            "SECTIONS": "".join(sections),
        },
        out(directory, "supervisor.conf"),
    )
    print("Rendered the production configuration into %s" % directory)
    return values


class ScopeRefused(ValueError):
    pass


def checked_scope(value: str) -> str:
    """The canonical form of a territory (``epci:200067106 departement:64``);
    :class:`ScopeRefused` with the referential's reason when it is not one."""
    sys.path.insert(0, ROOT)
    from ckanext.territoires.referential import ScopeError, parse_scope

    try:
        return " ".join(parse_scope(value.replace(",", " ").split()).values)
    except ScopeError as error:
        raise ScopeRefused("TERRITOIRES_SCOPE: %s" % error.message) from error


def set_scope(ini: str) -> bool:
    """Write TERRITOIRES_SCOPE into ``ini`` when set and different from the
    territory there; True when the territory changed."""
    wanted = os.environ.get("TERRITOIRES_SCOPE", "").strip()
    if not wanted:
        return False
    wanted = checked_scope(wanted)
    with open(ini, encoding="utf-8") as f:
        lines = f.read().split("\n")
    prefix = SCOPE_OPTION + " ="
    current = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    before = lines[current[0]][len(prefix) :].strip() if current else ""
    if before == wanted:
        return False
    if current:
        lines[current[0]] = "%s %s" % (prefix, wanted)
    else:
        at = lines.index("[app:main]") + 1
        lines.insert(at, "%s %s" % (prefix, wanted))
    with open(ini, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(
        "Territory of %s: %s -> %s" % (ini, before or "(none)", wanted),
        file=sys.stderr,
    )
    return True


XLOADER_TOKEN_OPTION = "ckanext.xloader.api_token"


def set_xloader_token(ini: str, token: str) -> None:
    """Write ``token`` as ckanext-xloader's API token into ``ini`` and keep
    it in .ckan-secrets."""
    token = token.strip().splitlines()[-1].strip() if token.strip() else ""
    if not token:
        raise ValueError("no token given")
    stored = load_secrets()
    if stored.get("XLOADER_API_TOKEN") != token:
        stored["XLOADER_API_TOKEN"] = token
        write_secrets(stored)
    with open(ini, encoding="utf-8") as f:
        lines = f.read().split("\n")
    prefix = XLOADER_TOKEN_OPTION + " ="
    line = "%s %s" % (prefix, token)
    current = [i for i, text in enumerate(lines) if text.startswith(prefix)]
    if current:
        lines[current[0]] = line
    else:
        lines.insert(lines.index("[app:main]") + 1, line)
    with open(ini, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main(argv: list[str]) -> int:
    commands = (
        "database",
        "datastore",
        "render-ini",
        "database-url",
        "admin-password",
        "agent-password",
        "set-scope",
        "render-production",
        "xloader-token",
    )
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[1]
    try:
        if command == "database":
            ensure_database(argv[2])
        elif command == "datastore":
            ensure_datastore(argv[2])
        elif command == "database-url":
            print(database_url(argv[2]))
        elif command == "render-ini":
            render_ini(argv[2])
        elif command == "admin-password":
            print(load_secrets()["ADMIN_PASSWORD"])
        elif command == "agent-password":
            print(load_secrets()["AGENT_PASSWORD"])
        elif command == "render-production":
            render_production(argv[2])
        elif command == "set-scope":
            print("changed" if set_scope(argv[2]) else "unchanged")
        elif command == "xloader-token":
            set_xloader_token(argv[2], argv[3])
    except (IndexError, psycopg2.Error, ScopeRefused, OSError, ValueError) as error:
        print("bootstrap %s failed: %s" % (command, error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
