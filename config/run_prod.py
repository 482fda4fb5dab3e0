"""The production configuration, run on this machine (`make run-prod`).

    python config/run_prod.py [--dir var/production] [--port 5000] [--workers N]

Renders config/production/ into ``--dir`` (``bootstrap.py render-production``:
ckan.ini, territoires.env, nginx site, systemd units, supervisor programs),
then starts, watches and stops together (config/serve.py's supervisor) the
same processes the systemd units and supervisor programs run:

- ``web``: gunicorn with ``--workers`` workers on config/production/wsgi.py;
- ``gather`` and ``fetch``: the harvest queue consumers (``--consumers`` of each);
- ``jobs``: CKAN's job worker; ``scheduler``: the harvest scheduler;
- ``nginx``: the rendered site in front of gunicorn, when nginx is installed
  (``--no-nginx``, or no nginx: gunicorn serves the port itself).

Every process gets the environment of territoires.env (the rendered ini
reads its secrets from it), the calling environment first: CKAN_SQLALCHEMY_URL,
CKAN_REDIS_URL... override what is rendered. Ctrl-C or SIGTERM stops them all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bootstrap  # noqa: E402
import serve  # noqa: E402

NGINX_MAIN = """# nginx of `make run-prod` (config/run_prod.py): the rendered site, run
# by the current user with its files under {prefix}.
{user}worker_processes 2;
pid {prefix}/nginx.pid;
error_log stderr warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


def nginx_main(directory: str) -> str:
    """A main nginx.conf around the rendered site (its path)."""
    prefix = os.path.join(directory, "nginx")
    os.makedirs(prefix, exist_ok=True)
    user = ""
    if os.geteuid() == 0:  # workers as root read the checkout's files as `make run` does
        user = "user root;\n"
    path = os.path.join(prefix, "nginx.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            NGINX_MAIN.format(
                prefix=prefix,
                user=user,
                mime_types="/etc/nginx/mime.types",
                site=os.path.join(directory, "nginx-site.conf"),
            )
        )
    return path


def children(args: argparse.Namespace, values: dict[str, str], nginx: str | None) -> list:
    commands = bootstrap.production_commands(values["INI"])
    result = [serve.Child("web", commands["web"])]
    for name in ("gather", "fetch"):
        for number in range(1, args.consumers + 1):
            label = name if args.consumers == 1 else f"{name}{number}"
            result.append(serve.Child(label, commands[name]))
    # xloader's jobs download uploads from the portal and report to it
    result.append(serve.Child("jobs", commands["jobs"], wait_for=(args.host, args.port)))
    result.append(
        serve.Child("scheduler", [*commands["scheduler"], "--interval", str(args.interval)])
    )
    if nginx:
        prefix = os.path.join(os.path.abspath(args.dir), "nginx")
        result.append(serve.Child("nginx", [nginx, "-p", prefix, "-c", nginx_main(args.dir)]))
    return result


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=os.path.join(bootstrap.ROOT, "var", "production"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000, help="where the portal is served")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--consumers", type=int, default=1, help="gather and fetch consumers each")
    parser.add_argument("--interval", type=int, default=10, help="seconds between scheduler rounds")
    parser.add_argument("--no-nginx", dest="nginx", action="store_false")
    parser.add_argument("--grace", type=float, default=30.0)
    return parser.parse_args(argv)


def xloader_token(ini: str, environment: dict[str, str]) -> str | None:
    """The API token of ckanext-xloader's jobs: the rendered one while
    valid, else a new one of the site user (None when CKAN cannot say)."""
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    done = subprocess.run(
        [ckan, "-c", ini, "territoires", "pooling", "xloader-token"],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        print("No API token for ckanext-xloader: %s" % done.stderr[-500:], file=sys.stderr)
        return None
    return lines[-1].strip()


def main(argv: list[str]) -> int:
    args = parse(argv)
    args.dir = os.path.abspath(args.dir)
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    nginx = nginx if args.nginx else None
    # nginx on --port, gunicorn behind it on the next one; without nginx, gunicorn on --port
    web_port = args.port + 1 if nginx else args.port
    os.environ.setdefault("CKAN_SITE_URL", f"http://{args.host}:{args.port}")
    os.environ["CKAN_BIND"] = f"{args.host}:{web_port}"
    os.environ["NGINX_LISTEN"] = f"{args.host}:{args.port}"
    os.environ["NGINX_CACHE_PATH"] = os.path.join(args.dir, "nginx", "cache")
    values = bootstrap.render_production(args.dir)
    environment = bootstrap.read_env_file(values["ENV_FILE"])
    token = xloader_token(values["INI"], environment)
    if token and token != environment.get("CKAN_XLOADER_API_TOKEN"):
        os.environ["CKAN_XLOADER_API_TOKEN"] = token
        values = bootstrap.render_production(args.dir)
        environment = bootstrap.read_env_file(values["ENV_FILE"])
    os.environ.update({**environment, "WEB_CONCURRENCY": str(args.workers)})
    print(
        f"Serving the portal at http://{args.host}:{args.port} "
        f"({'nginx, then ' if nginx else 'no nginx: '}gunicorn with {args.workers} workers "
        f"on {os.environ['CKAN_BIND']}; Ctrl-C stops it)",
        flush=True,
    )
    return serve.Supervisor(children(args, values, nginx), grace=args.grace).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
