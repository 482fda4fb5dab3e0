"""gunicorn settings of the portal (``gunicorn --config this_file``).

Read from the environment, with these defaults:

- ``CKAN_BIND`` [``127.0.0.1:8080``]: where gunicorn listens (nginx proxies to it);
- ``WEB_CONCURRENCY`` [2 × cores + 1, at most 8]: worker processes (gunicorn's own variable);
- ``GUNICORN_THREADS`` [``1``]: threads per worker (``gthread`` workers above 1);
- ``GUNICORN_TIMEOUT`` [``60``]: seconds before a silent worker is replaced (an
  upload or a large DCAT page takes a while);
- ``GUNICORN_MAX_REQUESTS`` [``2000``]: requests after which a worker is replaced
  (with some jitter), which bounds slow leaks.

The application is loaded in each worker (no ``preload_app``): CKAN opens its
database and Redis connections at load time, and forked workers must not
share them. The access log goes to standard output, errors to standard
error (CKAN's own log too): journald or supervisor keep both.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("CKAN_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
preload_app = False
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# nginx on the same machine: its X-Forwarded-* headers are trusted
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "ckan-territoires"
# gunicorn's control socket (one path per user) would be shared by two
# servers on one machine: not used
control_socket_disable = True
