"""The referential read once per test process for each file.

The territoires plugin's ``configure`` points the referential store at the
configured folder and forgets the loaded referential (``use_directory``):
the next ``get_referential`` reads the 0.5 s gzip file again. CKAN's
``with_plugins`` loads the plugins before every test, so every test paid
that read. :func:`install` makes the store's ``get_referential`` keep what
it read per file - its path, size and modification time, and those of the
former names file beside it -, so a file written by a test (a refreshed
referential, another folder) is still read again. ``load_referential``
called directly (the store's own tests) is untouched.
"""

from __future__ import annotations

from pathlib import Path

from ckanext.territoires.referential import history, store

_read: dict[tuple, object] = {}


def _stat(path: Path) -> tuple:
    try:
        found = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path.resolve()), found.st_size, found.st_mtime_ns)


def _cached_load(path, _load=store.load_referential):
    path = Path(path)
    key = (_stat(path), _stat(path.parent / history.FORMER_NAMES_FILENAME))
    if key[0][1] is None:
        return _load(path)  # its error, as before
    if key not in _read:
        _read[key] = _load(path)
    return _read[key]


def install() -> None:
    store.load_referential = _cached_load
