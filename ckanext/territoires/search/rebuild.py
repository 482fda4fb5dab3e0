"""Rebuild the search index with several processes.

CKAN's ``ckan search-index rebuild`` indexes one dataset after the other in
one process: about 13 ms a dataset here, nearly all of it CKAN's own
``package_show`` (some 16 SQL statements) and ``index_package``
(validation, hooks, one write), so it uses one CPU core. Here worker
processes take chunks of dataset ids, and index each chunk as one batch
(``bulk.index_batch``: the same dicts as ``package_show``, the same
documents as ``index_package``, in a few statements for the whole chunk);
a chunk that fails is rolled back and indexed again dataset by dataset,
with the two calls ``ckan.lib.search.rebuild`` makes (``package_show``,
then ``PackageSearchIndex.update_dict``), so that each failure is
reported with its dataset's id (``--per-dataset`` indexes every chunk
that way).

Each worker is *spawned*, not forked, and loads its own CKAN application
from the ini file, so it opens database connections of its own: forked
children sharing their parent's connections are what makes CKAN's
``search-index rebuild-fast`` hang. Workers commit after each chunk, so a
rebuild never holds one huge transaction. It works with any backend CKAN's
``make_connection`` gives (PostgreSQL here, or Solr).
"""

from __future__ import annotations

import logging
import multiprocessing
import queue as queue_module
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 200
# Loggers that announce a CKAN start-up, once per worker otherwise.
STARTUP_LOGGERS = (
    "ckan.cli",
    "ckan.config",
    "ckan.config.environment",
    "ckan.config.middleware.flask_app",
)


@dataclass
class RebuildReport:
    total: int
    indexed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None  # why the rebuild stopped early

    @property
    def rate(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0


def dataset_ids(only_missing: bool = False) -> list[str]:
    """The datasets ``ckan search-index rebuild`` would index, by its rules."""
    from ckan import model
    from ckan.common import config
    from ckan.lib.search import query_for

    packages = model.Session.query(model.Package.id)
    if config.get("ckan.search.remove_deleted_packages"):
        packages = packages.filter(model.Package.state != "deleted")
    ids = [row[0] for row in packages.order_by(model.Package.id)]
    if only_missing:
        indexed = set(query_for(model.Package).get_all_entity_ids(max_results=len(ids)))
        ids = [package_id for package_id in ids if package_id not in indexed]
    return ids


def chunks(ids: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rebuild(
    ids: list[str],
    *,
    ini_path: str,
    workers: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    bulk: bool = True,
) -> RebuildReport:
    """Index ``ids`` with ``workers`` processes; ``progress(n)`` after each
    chunk. Without ``force`` the first failure stops every worker (chunks
    already committed stay indexed); with it, failures are listed and the
    other datasets indexed. ``bulk``: by batches (``bulk.py``), else
    dataset by dataset as CKAN's rebuild."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    report = RebuildReport(total=len(ids))
    if not ids:
        return report
    context = multiprocessing.get_context("spawn")
    tasks = context.Queue()
    results = context.Queue()
    stop = context.Event()
    for chunk in chunks(ids, chunk_size):
        tasks.put(chunk)
    workers = min(workers, (len(ids) + chunk_size - 1) // chunk_size)
    for _ in range(workers):
        tasks.put(None)
    started = time.perf_counter()
    processes = [
        context.Process(
            target=work,
            args=(ini_path, tasks, results, stop, force, bulk),
            name="search-index-rebuild-%d" % number,
            daemon=True,
        )
        for number in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        _collect(report, results, processes, stop, force=force, progress=progress)
    finally:
        stop.set()
        _join(processes)
    report.seconds = time.perf_counter() - started
    return report


def _collect(
    report: RebuildReport,
    results: Any,
    processes: list[Any],
    stop: Any,
    *,
    force: bool,
    progress: Callable[[int], None] | None,
) -> None:
    """Read the workers' messages into ``report`` until every worker has
    finished, or none is left alive to say so."""
    running = len(processes)
    while running:
        try:
            message = results.get(timeout=1.0)
        except queue_module.Empty:
            if not any(p.is_alive() for p in processes):
                # Died without saying so (killed, out of memory...).
                report.stopped = report.stopped or "a worker process died"
                return
            continue
        if message[0] == "finished":
            running -= 1
        else:
            _record(report, message, stop, force=force, progress=progress)


def _record(
    report: RebuildReport,
    message: tuple[Any, ...],
    stop: Any,
    *,
    force: bool,
    progress: Callable[[int], None] | None,
) -> None:
    """Account for one worker message; a failure (without ``force``) or a
    crash stops every worker."""
    kind = message[0]
    if kind == "indexed":
        report.indexed += message[1]
        if progress:
            progress(message[1])
    elif kind == "failed":
        report.failed.append((message[1], message[2]))
        if not force and not report.stopped:
            report.stopped = "dataset %s: %s" % (message[1], message[2])
            stop.set()
    elif kind == "crashed":
        report.stopped = report.stopped or message[1]
        stop.set()


def _join(processes: list[Any]) -> None:
    """Wait for the workers; terminate those that do not exit in time."""
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
            process.join()


def work(
    ini_path: str, tasks: Any, results: Any, stop: Any, force: bool, bulk: bool = True
) -> None:
    """A worker process: index the chunks of ``tasks`` until a ``None``."""
    try:
        _work(ini_path, tasks, results, stop, force, bulk)
    except BaseException as error:  # reported to the parent, which exits 1
        results.put(("crashed", "worker failed: %r" % (error,)))
    finally:
        results.put(("finished",))


def _work(ini_path: str, tasks: Any, results: Any, stop: Any, force: bool, bulk: bool) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    loaded = load_config(ini_path)
    for name in STARTUP_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    app = make_app(loaded)
    flask_app = getattr(app, "_wsgi_app", app)

    from ckan import model
    from ckan.lib.search import index_for

    package_index = index_for(model.Package)
    with flask_app.test_request_context():
        while not stop.is_set():
            chunk = tasks.get()
            if chunk is None:
                break
            indexed = index_chunk(chunk, results, stop, force, bulk=bulk)
            if indexed is None:  # stopped: nothing of the chunk committed
                model.Session.rollback()
                return
            package_index.commit()  # commits this worker's session
            model.Session.remove()
            results.put(("indexed", indexed))


def _begin_chunk() -> None:
    import sqlalchemy as sa
    from ckan import model

    # Index rows are derived data: a crash losing the last chunks only
    # means running the rebuild again, so commits need not wait for the
    # disk.
    model.Session.execute(sa.text("SET LOCAL synchronous_commit = off"))


def index_chunk(
    chunk: list[str], results: Any, stop: Any, force: bool, *, bulk: bool = True
) -> int | None:
    """Index ``chunk`` in the session's transaction, left for the caller
    to commit; the number indexed, or None when the rebuild stops (a
    failure without ``force``, or another worker's).

    The bulk path (``bulk.index_batch``) indexes the whole chunk or
    raises; then the chunk is rolled back and indexed again dataset by
    dataset, where each failure is reported with its dataset's id."""
    from ckan import model

    from . import bulk as bulk_path

    if bulk:
        _begin_chunk()
        try:
            indexed = bulk_path.index_batch(chunk)
        except Exception as error:
            # each failure is then reported with its dataset's id
            log.warning(
                "A chunk of %d datasets is indexed dataset by dataset after: %r",
                len(chunk),
                error,
            )
            model.Session.rollback()
        else:
            return None if stop.is_set() and not force else indexed
    return _index_each(chunk, results, stop, force)


def _index_each(chunk: list[str], results: Any, stop: Any, force: bool) -> int | None:
    """``package_show`` then ``update_dict`` for each dataset of ``chunk``,
    as ``ckan.lib.search.rebuild`` does."""
    from ckan import logic, model
    from ckan.lib.search import index_for

    package_index = index_for(model.Package)
    package_show = logic.get_action("package_show")
    # What ckan.lib.search.rebuild passes to package_show.
    show_context = {"ignore_auth": True, "validate": False, "use_cache": False}

    def index(package_id: str) -> None:
        package_index.update_dict(package_show(dict(show_context), {"id": package_id}), True)

    _begin_chunk()
    indexed = 0
    for package_id in chunk:
        if stop.is_set():
            break
        try:
            if force:
                # A failed statement must not abort the chunk.
                with model.Session.begin_nested():
                    index(package_id)
            else:
                index(package_id)
            indexed += 1
        except Exception as error:
            log.error("Error while indexing dataset %s: %r", package_id, error)
            results.put(("failed", package_id, repr(error)))
            if not force:
                return None
    if stop.is_set() and not force:
        return None
    return indexed
