#!/usr/bin/env python
"""Benchmark of CKAN's search on the PostgreSQL index (plugin territoires_search).

WARNING: this script WIPES the database named in the ini (every table's rows,
migrations kept) before generating its data. It refuses to run unless that
database's name ends in ``_test`` or ``_bench`` (``--force`` overrides).

What it measures, on N generated datasets (default 10,000) spread over 20
organisations, 60 commune groups, a vocabulary of ~200 tags and French texts
with accents (about 10% private datasets, 0.5% drafts, 1-3 resources each):

1. **indexing rate**: datasets/s for the first ``--sample`` datasets (default
   2,000) created through the ``package_create`` action, the real path:
   validation, database writes, activity and the index row, all in the same
   transaction, one commit per dataset;
2. **bulk load** (not a target): the other datasets are inserted straight
   into CKAN's tables with SQLAlchemy core (packages, tags, groups, extras,
   resources), without indexing them;
3. **rebuild rate**: datasets/s of ``ckan search-index rebuild`` over all N
   datasets, run in process as the CLI does:
   ``ckan.lib.search.rebuild(defer_commit=True, quiet=True)`` then
   ``ckan.lib.search.commit()``; the index table is then VACUUMed and
   ANALYZEd, as autovacuum would do shortly after (``--no-analyze`` to
   skip); then the
   same over the full index with this plugin's parallel command,
   ``ckan -c <ini> territoires search-index rebuild -q`` run as a
   subprocess (wall clock, worker start-up included; ``--rebuild`` chooses
   ``ckan``, ``parallel`` or ``both``);
4. **package_search** latency through the action layer
   (``get_action('package_search')``, ``ignore_auth`` False, rows=20 and
   ``include_private=True`` as the dataset search page sends), after a
   warm-up, ``--queries`` times per kind: p50/p95/max and result counts for

   - ``selective``: free text with accents ("vélo Écully", "velo ecully"...),
     anonymous;
   - ``broad``: a term found in about 60% of the datasets, anonymous;
   - ``facets``: ``*:*`` with facet.field organization, groups, tags,
     anonymous;
   - ``group``: ``fq=groups:<commune>`` sorted by ``metadata_modified desc``,
     as a sysadmin;
   - ``member``: ``*:*`` with the 3 facets as a non-sysadmin member of one
     organisation, with private datasets of every organisation around;

   the index statements of each kind (as the backend sent them) are then
   timed again on a raw psycopg2 connection, printed beside: raw SQL
   p50/p95 and backend ÷ raw SQL, what CKAN and the backend add;
   each p95 is compared with the target for this N (N <= 10,000: 50 ms for
   every kind; larger N: the 100,000 targets, 20 ms for selective text,
   30 ms for a group, 150 ms for broad text and facets; backend ÷ raw SQL
   <= 1.5). Also checked: anonymous users see no private
   dataset and the member sees exactly their organisation's private ones;
5. **SQL statements per package_search call** (SQLAlchemy
   ``before_cursor_execute`` events on CKAN's engine), for rows=10 and
   rows=1000, to show the count does not grow with the page size;
6. **peak RSS** of this process (``getrusage``), and the machine.

Kinds whose p95 misses its target get their index SQL run under
``EXPLAIN (ANALYZE, BUFFERS)`` (``--explain all`` for every kind).
The last thing printed is a Markdown table to paste into the README.

Run it with ``make bench-search`` (test database, N=10,000), or::

    export CKAN_SQLALCHEMY_URL=postgresql://ckan_territoires:ckan_territoires@127.0.0.1:5432/ckan_territoires_test
    export CKAN_REDIS_URL=redis://127.0.0.1:6379/1
    make test-db   # creates and migrates the database
    .venv/bin/python bench/search.py --ini test.ini --n 100000

Options: ``--keep`` reuses what the database holds (no wipe; only the
datasets missing to reach N are generated), ``--queries-only`` (implies
``--keep``) skips generation and rebuild to time the searches again over the
index as it is, e.g. after a change of the SQL; ``--db-reset`` drops every table
and re-runs all migrations (``ckan db clean --yes`` + ``ckan db upgrade``)
instead of emptying the tables, for a database whose schema is stale.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import click

SAFE_DB_SUFFIXES = ("_test", "_bench")
BENCH_PREFIX = "bench"
PASSWORD = "bench-password-2024"
N_ORGS = 20
PRIVATE_SHARE = 0.10
DRAFT_SHARE = 0.005
PAGE_ROWS = 20  # ckan.datasets_per_page
WARMUP_RUNS = 5
BULK_CHUNK = 1000

# --------------------------------------------------------------------------
# French vocabulary
# --------------------------------------------------------------------------

COMMUNES = [
    "Lyon",
    "Villeurbanne",
    "Vénissieux",
    "Vaulx-en-Velin",
    "Bron",
    "Caluire-et-Cuire",
    "Saint-Priest",
    "Rillieux-la-Pape",
    "Meyzieu",
    "Oullins",
    "Pierre-Bénite",
    "Décines-Charpieu",
    "Sainte-Foy-lès-Lyon",
    "Écully",
    "Tassin-la-Demi-Lune",
    "Saint-Genis-Laval",
    "Francheville",
    "Givors",
    "Mions",
    "Saint-Fons",
    "Corbas",
    "Dardilly",
    "Chassieu",
    "Craponne",
    "Champagne-au-Mont-d'Or",
    "Neuville-sur-Saône",
    "Irigny",
    "Feyzin",
    "Charbonnières-les-Bains",
    "Saint-Didier-au-Mont-d'Or",
    "Collonges-au-Mont-d'Or",
    "Fontaines-sur-Saône",
    "Sathonay-Camp",
    "Limonest",
    "La Mulatière",
    "Grigny",
    "Jonage",
    "Albigny-sur-Saône",
    "Couzon-au-Mont-d'Or",
    "Saint-Cyr-au-Mont-d'Or",
    "Marcy-l'Étoile",
    "Solaize",
    "Vernaison",
    "Charly",
    "Cailloux-sur-Fontaines",
    "Montanay",
    "Genay",
    "Fleurieu-sur-Saône",
    "Rochetaillée-sur-Saône",
    "Poleymieux-au-Mont-d'Or",
    "Curis-au-Mont-d'Or",
    "Lissieu",
    "La Tour-de-Salvagny",
    "Saint-Germain-au-Mont-d'Or",
    "Quincieux",
    "Saint-Romain-au-Mont-d'Or",
    "Sathonay-Village",
    "Fontaines-Saint-Martin",
    "Saint-Étienne",
    "Villefranche-sur-Saône",
]

ORGANISATIONS = [
    "Métropole de Lyon – Direction de la voirie",
    "Métropole de Lyon – Mobilités",
    "Métropole de Lyon – Environnement",
    "Métropole de Lyon – Habitat et logement",
    "Métropole de Lyon – Finances",
    "Ville de Lyon",
    "Ville de Villeurbanne",
    "Ville de Vénissieux",
    "Ville d'Écully",
    "Ville de Saint-Étienne",
    "SYTRAL Mobilités",
    "Agence d'urbanisme de l'aire métropolitaine",
    "Atmo Auvergne-Rhône-Alpes",
    "Eau du Grand Lyon",
    "Bibliothèque municipale de Lyon",
    "Office de tourisme ONLYLYON",
    "Département du Rhône",
    "Région Auvergne-Rhône-Alpes",
    "Syndicat des énergies du Rhône",
    "Centre communal d'action sociale",
]

# (theme used in titles, thematic tags)
THEMES = [
    ("Stationnement vélo", ["vélo", "stationnement", "mobilité douce"]),
    ("Stations Vélo'v en libre-service", ["vélo", "vélov", "mobilité"]),
    ("Pistes et bandes cyclables", ["cyclable", "aménagement", "mobilité douce"]),
    ("Équipements sportifs", ["équipements", "sport", "gymnase"]),
    ("Bibliothèques et médiathèques", ["bibliothèque", "culture", "lecture"]),
    ("Arrêts de bus et de tramway", ["transport", "bus", "tramway"]),
    ("Qualité de l'air", ["air", "pollution", "santé"]),
    ("Consommation énergétique des bâtiments publics", ["énergie", "bâtiments", "climat"]),
    ("Éclairage public", ["éclairage", "énergie", "voirie"]),
    ("Espaces verts et jardins", ["espaces verts", "nature", "jardins"]),
    ("Arbres d'alignement", ["arbres", "nature", "patrimoine arboré"]),
    ("Collecte des déchets ménagers", ["déchets", "collecte", "propreté"]),
    ("Points d'apport volontaire du verre", ["déchets", "verre", "recyclage"]),
    ("Bornes de recharge pour véhicules électriques", ["recharge", "électrique", "mobilité"]),
    ("Marchés forains", ["marchés", "commerce", "alimentation"]),
    ("Écoles maternelles et élémentaires", ["écoles", "éducation", "enfance"]),
    (
        "Crèches et établissements d'accueil du jeune enfant",
        ["crèches", "petite enfance", "enfance"],
    ),
    ("Population légale par quartier", ["population", "démographie", "recensement"]),
    ("Budget primitif", ["budget", "finances", "comptabilité"]),
    ("Subventions versées aux associations", ["subventions", "associations", "finances"]),
    ("Délibérations du conseil municipal", ["délibérations", "conseil municipal", "démocratie"]),
    ("Travaux de voirie en cours", ["travaux", "voirie", "chantiers"]),
    ("Plan local d'urbanisme", ["urbanisme", "plu", "zonage"]),
    ("Permis de construire délivrés", ["urbanisme", "permis", "construction"]),
    ("Logements sociaux", ["logement", "habitat", "social"]),
    ("Défibrillateurs automatisés externes", ["défibrillateurs", "santé", "secours"]),
    ("Toilettes publiques", ["toilettes", "équipements", "accessibilité"]),
    ("Fontaines à boire", ["fontaines", "eau", "équipements"]),
    ("Aires de jeux pour enfants", ["aires de jeux", "enfance", "équipements"]),
    ("Piscines municipales", ["piscines", "sport", "équipements"]),
    ("Parcs relais", ["parcs relais", "stationnement", "transport"]),
    ("Zone à faibles émissions", ["zfe", "pollution", "mobilité"]),
    ("Comptages routiers", ["comptages", "trafic", "voirie"]),
    ("Accidents corporels de la circulation", ["accidents", "sécurité routière", "trafic"]),
    ("Zones de circulation apaisée à 30 km/h", ["zone 30", "sécurité routière", "voirie"]),
    ("Cimetières", ["cimetières", "équipements", "état civil"]),
    ("Monuments historiques", ["patrimoine", "monuments", "culture"]),
    ("Salles municipales à louer", ["salles", "équipements", "associations"]),
    ("Résultats des élections", ["élections", "démocratie", "vote"]),
    ("Prénoms des naissances", ["prénoms", "état civil", "naissances"]),
]

GENERIC_TAGS = [
    "open data",
    "données ouvertes",
    "inspire",
    "géolocalisation",
    "sig",
    "cartographie",
    "référentiel",
    "temps réel",
    "historique",
    "annuel",
    "mensuel",
    "quotidien",
    "statistiques",
    "indicateurs",
    "qualité",
    "accessibilité",
    "handicap",
    "tourisme",
    "loisirs",
    "jeunesse",
    "seniors",
    "solidarité",
    "emploi",
    "économie",
    "entreprises",
    "agriculture",
    "biodiversité",
    "inondations",
    "risques",
    "bruit",
    "chaleur",
    "îlots de fraîcheur",
    "eau potable",
    "assainissement",
    "réseaux",
    "fibre",
    "numérique",
    "wifi public",
    "sécurité",
    "police",
    "pompiers",
    "santé publique",
    "hôpitaux",
    "pharmacies",
    "médecins",
    "sport",
    "associations",
    "événements",
    "fêtes",
    "festival",
    "musées",
    "théâtres",
    "cinémas",
    "archives",
    "cadastre",
    "adresses",
    "bâti",
    "foncier",
    "logement étudiant",
    "covoiturage",
    "autopartage",
    "trottinettes",
    "piétons",
    "parkings",
    "taxis",
    "fret",
    "logistique",
    "ports",
    "fleuves",
    "rhône",
    "saône",
    "météo",
    "climat",
    "plan climat",
    "transition écologique",
    "compostage",
    "ressourceries",
    "marchés publics",
    "commande publique",
    "ressources humaines",
    "élus",
    "budget participatif",
    "consultations",
    "quartiers prioritaires",
    "politique de la ville",
    "éducation populaire",
    "centres sociaux",
    "restauration scolaire",
    "cantines",
    "menus",
    "périscolaire",
]

YEARS = list(range(2014, 2025))

# Notes are 3 sentences drawn from these; a quarter mention "territoire", so
# that about 60% of the datasets match the broad query.
SENTENCES = [
    "Ce jeu de données recense {theme_l} sur le territoire de {commune}.",
    "Les données couvrent l'ensemble du territoire métropolitain et sont mises à jour chaque année.",
    "La couverture du territoire est exhaustive depuis {year}.",
    "Données produites par le service {service} à partir de relevés de terrain.",
    "Chaque enregistrement comporte une géolocalisation en Lambert 93 et en WGS 84.",
    "Le fichier est publié sous licence ouverte pour favoriser la réutilisation.",
    "Les informations sont issues du système d'information géographique de la collectivité.",
    "Un contrôle qualité est réalisé avant chaque publication.",
    "Les équipements fermés définitivement sont retirés lors de la mise à jour.",
    "Pour toute question, contactez le service {service} de {commune}.",
    "Les adresses ont été normalisées à l'aide de la Base Adresse Nationale.",
    "Ce référentiel sert à l'observation du territoire et à l'évaluation des politiques publiques.",
    "Les données antérieures à {year} sont disponibles sur demande.",
    "L'aménagement du territoire de {commune} est décrit par quartier.",
    "Les montants sont exprimés en euros toutes taxes comprises.",
    "Les horaires d'ouverture peuvent varier pendant les vacances scolaires.",
    "Le découpage suit les îlots regroupés pour l'information statistique (IRIS).",
    "Une description détaillée des champs figure dans la documentation jointe.",
    "Les données sont diffusées dans le respect du règlement général sur la protection des données.",
    "Le jeu est enrichi des contributions des habitants et des associations du quartier.",
]

SERVICES = [
    "voirie",
    "mobilité",
    "environnement",
    "urbanisme",
    "état civil",
    "finances",
    "culture",
    "sports",
    "éducation",
    "propreté",
    "espaces verts",
]
FORMATS = [
    ("CSV", "text/csv", "csv"),
    ("JSON", "application/json", "json"),
    ("GeoJSON", "application/geo+json", "geojson"),
    ("SHP", "application/zip", "zip"),
    ("PDF", "application/pdf", "pdf"),
]
LICENSES = ["odc-odbl", "cc-by", "other-open", "cc-zero"]

# Queries: (label, extra package_search parameters); variants are cycled.
SELECTIVE_QUERIES = [
    "vélo Écully",
    "velo ecully",
    "bibliothèque Saint-Étienne",
    "défibrillateurs Pierre-Bénite",
]
BROAD_QUERIES = ["territoire", "territoires"]
FACETS = ["organization", "groups", "tags"]


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c))
    out = []
    for char in ascii_text.lower():
        out.append(char if char.isascii() and char.isalnum() else "-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    return slug[:max_length].strip("-")


_last_redraw = [0.0]


def progress(label: str, done: int, total: int, started: float) -> None:
    """A progress line on stderr: redrawn on a terminal, every 10% in a log."""
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed > 0 else 0.0
    line = "  %s: %d/%d (%.0f/s, %.0f s)" % (label, done, total, rate, elapsed)
    if sys.stderr.isatty():
        if done < total and time.perf_counter() - _last_redraw[0] < 0.2:
            return
        _last_redraw[0] = time.perf_counter()
        sys.stderr.write("\r" + line + "   " + ("\n" if done >= total else ""))
    else:
        step = max(1, total // 10)
        if done >= total or done % step == 0:
            sys.stderr.write(line + "\n")
    sys.stderr.flush()


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def peak_rss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def heading(text: str) -> None:
    click.echo("")
    click.secho("== %s" % text, bold=True)


# --------------------------------------------------------------------------
# CKAN set-up
# --------------------------------------------------------------------------


def load_ckan(ini: str, verbose: bool):
    """Load CKAN as its CLI does, so that the ini's plugins are active."""
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    if not verbose:
        for name in ("ckan", "ckanext", "ckanext.harvest"):
            logging.getLogger(name).setLevel(logging.WARNING)
        # package_create's default views name image_view, not loaded here.
        logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)
    # make_app returns CKAN's WSGI wrapper; the Flask app is behind it.
    return getattr(app, "_wsgi_app", app)


def database_name() -> str:
    from ckan import model

    return model.meta.engine.url.database or ""


def refuse_unsafe_database(force: bool) -> None:
    name = database_name()
    if name.endswith(SAFE_DB_SUFFIXES):
        return
    if force:
        click.secho("--force: wiping database %r" % name, fg="red", bold=True)
        return
    raise click.ClickException(
        "Refusing to wipe database %r: its name does not end in %s "
        "(use --force if you really mean it)." % (name, " or ".join(SAFE_DB_SUFFIXES))
    )


def search_plugin_active() -> bool:
    from ckanext.territoires.search import backend

    return backend.is_installed()


def wipe_database() -> None:
    """Empty every table of the schema, migration bookkeeping kept."""
    import sqlalchemy as sa
    from ckan import model

    model.Session.remove()
    with model.meta.engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = current_schema()"
                    " AND tablename NOT LIKE '%alembic_version'"
                )
            )
        ]
        if tables:
            conn.execute(
                sa.text(
                    "TRUNCATE %s RESTART IDENTITY CASCADE" % ", ".join('"%s"' % t for t in tables)
                )
            )
    click.echo("  emptied %d tables of %s" % (len(tables), database_name()))


def reset_database(ini: str) -> None:
    """Drop every table and re-run all migrations with CKAN's own CLI."""
    from ckan import model

    model.Session.remove()
    model.meta.engine.dispose()
    ckan_cli = os.path.join(os.path.dirname(sys.executable), "ckan")
    for args in (["db", "clean", "--yes"], ["db", "upgrade"]):
        click.echo("  ckan -c %s %s" % (ini, " ".join(args)))
        subprocess.run([ckan_cli, "-c", ini, *args], check=True, stdout=subprocess.DEVNULL)
    model.repo.tables_created_and_initialised = False


# --------------------------------------------------------------------------
# Fixtures: organisations, groups, users
# --------------------------------------------------------------------------


@dataclass
class Fixtures:
    admin: str
    admin_id: str
    member: str  # member (read) of orgs[0] only
    orgs: list[dict[str, str]]  # {"id", "name"}
    groups: list[dict[str, str]]  # {"id", "name", "commune"}


def _action(action: str, context: dict[str, Any] | None = None, /, **data: Any) -> Any:
    from ckan.logic import get_action

    return get_action(action)(dict(context or {}), data)


def _ensure_user(name: str, sysadmin: bool = False) -> str:
    from ckan import model

    user = model.User.get(name)
    if user is None:
        _action(
            "user_create",
            {"ignore_auth": True},
            name=name,
            email="%s@example.org" % name,
            password=PASSWORD,
            fullname=name.replace("-", " ").title(),
        )
        user = model.User.get(name)
    if sysadmin and not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()
    return user.id


def create_fixtures() -> Fixtures:
    """Organisations, commune groups and users, through the actions."""
    from ckan import model

    admin = "%s-admin" % BENCH_PREFIX
    admin_id = _ensure_user(admin, sysadmin=True)
    as_admin = {"user": admin}

    orgs = []
    for i, title in enumerate(ORGANISATIONS[:N_ORGS]):
        name = "%s-org-%02d-%s" % (BENCH_PREFIX, i, slugify(title, 50))
        org = model.Group.get(name)
        if org is None:
            created = _action(
                "organization_create",
                as_admin,
                name=name,
                title=title,
                description="Producteur de données : %s." % title,
            )
            org_id = created["id"]
        else:
            org_id = org.id
        orgs.append({"id": org_id, "name": name})
        editor = "%s-editor-%02d" % (BENCH_PREFIX, i)
        _ensure_user(editor)
        _action("organization_member_create", as_admin, id=name, username=editor, role="editor")

    member = "%s-member" % BENCH_PREFIX
    _ensure_user(member)
    _action(
        "organization_member_create", as_admin, id=orgs[0]["name"], username=member, role="member"
    )

    groups = []
    for commune in COMMUNES:
        name = "%s-commune-%s" % (BENCH_PREFIX, slugify(commune, 60))
        group = model.Group.get(name)
        if group is None:
            created = _action(
                "group_create",
                as_admin,
                name=name,
                title=commune,
                description="Données de la commune de %s." % commune,
            )
            group_id = created["id"]
        else:
            group_id = group.id
        groups.append({"id": group_id, "name": name, "commune": commune})
    model.Session.remove()
    return Fixtures(admin=admin, admin_id=admin_id, member=member, orgs=orgs, groups=groups)


def commune_tag(commune: str) -> str:
    # CKAN tags allow letters, digits, spaces, "-", "_" and "." only.
    return commune.lower().replace("'", " ")


def tag_vocabulary() -> list[str]:
    tags = {t for _, theme_tags in THEMES for t in theme_tags}
    tags.update(GENERIC_TAGS)
    tags.update(commune_tag(c) for c in COMMUNES)
    tags.update(str(y) for y in YEARS)
    return sorted(tags)


# --------------------------------------------------------------------------
# Dataset generation
# --------------------------------------------------------------------------


@dataclass
class DatasetSpec:
    name: str
    title: str
    notes: str
    org_id: str
    group_ids: list[str]
    group_names: list[str]
    tags: list[str]
    extras: list[tuple[str, str]]
    resources: list[dict[str, Any]]
    private: bool
    state: str
    license_id: str
    author: str
    maintainer: str
    created: datetime.datetime
    modified: datetime.datetime
    commune: str = ""


class DatasetFactory:
    """Deterministic (seeded) French datasets."""

    def __init__(self, fixtures: Fixtures, seed: int):
        self.rng = random.Random(seed)
        self.fixtures = fixtures
        self.vocabulary = tag_vocabulary()
        self.now = datetime.datetime(2024, 11, 1, 12, 0, 0)

    def make(self, index: int) -> DatasetSpec:
        rng = self.rng
        theme, theme_tags = rng.choice(THEMES)
        group_pos = rng.randrange(len(self.fixtures.groups))
        group = self.fixtures.groups[group_pos]
        commune = group["commune"]
        year = rng.choice(YEARS)
        service = rng.choice(SERVICES)
        title = "%s – %s" % (theme, commune)
        if rng.random() < 0.5:
            title += " (%d)" % year
        fmt = {
            "theme_l": theme[0].lower() + theme[1:],
            "commune": commune,
            "year": year,
            "service": service,
        }
        notes = " ".join(s.format(**fmt) for s in rng.sample(SENTENCES, 3))
        groups = [group]
        if rng.random() < 0.2:
            other = self.fixtures.groups[rng.randrange(len(self.fixtures.groups))]
            if other is not group:
                groups.append(other)
        tags = set(theme_tags[: rng.randint(1, 3)])
        tags.add(commune_tag(commune))
        tags.update(rng.sample(self.vocabulary, rng.randint(1, 4)))
        org = self.fixtures.orgs[rng.randrange(len(self.fixtures.orgs))]
        created = self.now - datetime.timedelta(seconds=rng.randrange(4 * 365 * 24 * 3600))
        modified = min(
            self.now, created + datetime.timedelta(seconds=rng.randrange(365 * 24 * 3600))
        )
        resources = []
        for position in range(rng.randint(1, 3)):
            fmt_name, _mime, ext = rng.choice(FORMATS)
            resources.append(
                {
                    "name": "%s %s" % (theme, fmt_name),
                    "description": "Export %s du jeu « %s »." % (fmt_name, title),
                    "format": fmt_name,
                    "url": "https://data.example.org/files/%s/%d.%s"
                    % (slugify(theme, 40), index, ext),
                    "position": position,
                }
            )
        state = "draft" if rng.random() < DRAFT_SHARE else "active"
        return DatasetSpec(
            name="%s-%06d-%s" % (BENCH_PREFIX, index, slugify(title, 70)),
            title=title,
            notes=notes,
            org_id=org["id"],
            group_ids=[g["id"] for g in groups],
            group_names=[g["name"] for g in groups],
            tags=sorted(tags),
            extras=[
                (
                    "frequence_mise_a_jour",
                    rng.choice(["annuelle", "mensuelle", "quotidienne", "ponctuelle"]),
                ),
                ("couverture_territoriale", commune),
            ],
            resources=resources,
            private=rng.random() < PRIVATE_SHARE,
            state=state,
            license_id=rng.choice(LICENSES),
            author="Service %s" % service,
            maintainer="Mission données – %s" % commune,
            created=created,
            modified=modified,
            commune=commune,
        )


def existing_bench_datasets() -> int:
    import sqlalchemy as sa
    from ckan import model

    count = model.Session.execute(
        sa.text("SELECT count(*) FROM package WHERE name LIKE :p"), {"p": BENCH_PREFIX + "-%"}
    ).scalar()
    model.Session.remove()
    return int(count or 0)


def create_through_actions(
    factory: DatasetFactory, start: int, count: int
) -> tuple[float, list[float]]:
    """package_create ``count`` datasets; returns (seconds, per-call ms)."""
    from ckan import model
    from ckan.logic import get_action

    package_create = get_action("package_create")
    latencies = []
    started = time.perf_counter()
    for done, index in enumerate(range(start, start + count), 1):
        spec = factory.make(index)
        data = {
            "name": spec.name,
            "title": spec.title,
            "notes": spec.notes,
            "owner_org": spec.org_id,
            "private": spec.private,
            "state": spec.state,
            "license_id": spec.license_id,
            "author": spec.author,
            "maintainer": spec.maintainer,
            "tags": [{"name": t} for t in spec.tags],
            "groups": [{"name": g} for g in spec.group_names],
            "extras": [{"key": k, "value": v} for k, v in spec.extras],
            "resources": [
                {k: r[k] for k in ("name", "description", "format", "url")} for r in spec.resources
            ],
        }
        t0 = time.perf_counter()
        package_create({"user": factory.fixtures.admin}, data)
        latencies.append((time.perf_counter() - t0) * 1000)
        model.Session.remove()  # one request, one session
        progress("package_create", done, count, started)
    return time.perf_counter() - started, latencies


def _ensure_tags(names: list[str]) -> dict[str, str]:
    import sqlalchemy as sa
    from ckan import model

    existing = dict(
        model.Session.execute(
            sa.text("SELECT name, id FROM tag WHERE vocabulary_id IS NULL")
        ).fetchall()
    )
    missing = [n for n in names if n not in existing]
    if missing:
        rows = [{"id": str(uuid.uuid4()), "name": n, "vocabulary_id": None} for n in missing]
        model.Session.execute(model.tag_table.insert(), rows)
        model.Session.commit()
        existing.update((r["name"], r["id"]) for r in rows)
    return existing


def bulk_insert(factory: DatasetFactory, start: int, count: int) -> float:
    """Insert datasets straight into CKAN's tables (not indexed)."""
    from ckan import model

    tag_ids = _ensure_tags(factory.vocabulary)
    admin_id = factory.fixtures.admin_id
    started = time.perf_counter()
    done = 0
    while done < count:
        chunk = min(BULK_CHUNK, count - done)
        packages, members, package_tags, extras, resources = [], [], [], [], []
        for index in range(start + done, start + done + chunk):
            spec = factory.make(index)
            package_id = str(uuid.uuid4())
            packages.append(
                {
                    "id": package_id,
                    "name": spec.name,
                    "title": spec.title,
                    "version": None,
                    "url": None,
                    "author": spec.author,
                    "author_email": None,
                    "maintainer": spec.maintainer,
                    "maintainer_email": None,
                    "notes": spec.notes,
                    "license_id": spec.license_id,
                    "type": "dataset",
                    "owner_org": spec.org_id,
                    "creator_user_id": admin_id,
                    "metadata_created": spec.created,
                    "metadata_modified": spec.modified,
                    "private": spec.private,
                    "state": spec.state,
                    "plugin_data": None,
                }
            )
            # package_owner_org_update keeps this row next to owner_org.
            members.append(
                {
                    "id": str(uuid.uuid4()),
                    "table_name": "package",
                    "table_id": package_id,
                    "capacity": "organization",
                    "group_id": spec.org_id,
                    "state": "active",
                }
            )
            for group_id in spec.group_ids:
                members.append(
                    {
                        "id": str(uuid.uuid4()),
                        "table_name": "package",
                        "table_id": package_id,
                        "capacity": "public",
                        "group_id": group_id,
                        "state": "active",
                    }
                )
            for tag in spec.tags:
                package_tags.append(
                    {
                        "id": str(uuid.uuid4()),
                        "package_id": package_id,
                        "tag_id": tag_ids[tag],
                        "state": "active",
                    }
                )
            for key, value in spec.extras:
                extras.append(
                    {
                        "id": str(uuid.uuid4()),
                        "package_id": package_id,
                        "key": key,
                        "value": value,
                        "state": "active",
                    }
                )
            for res in spec.resources:
                resources.append(
                    dict(
                        res,
                        id=str(uuid.uuid4()),
                        package_id=package_id,
                        state="active",
                        created=spec.created,
                        metadata_modified=spec.modified,
                        url_type=None,
                        extras=None,
                    )
                )
        session = model.Session
        session.execute(model.package_table.insert(), packages)
        session.execute(model.member_table.insert(), members)
        session.execute(model.package_tag_table.insert(), package_tags)
        session.execute(model.package_extra_table.insert(), extras)
        session.execute(model.resource_table.insert(), resources)
        session.commit()
        done += chunk
        progress("bulk insert", done, count, started)
    model.Session.remove()
    return time.perf_counter() - started


def generate_datasets(fixtures: Fixtures, n: int, sample: int, seed: int) -> dict[str, Any]:
    existing = existing_bench_datasets()
    to_create = max(0, n - existing)
    # Offset the seed so that --keep runs do not repeat the same texts.
    factory = DatasetFactory(fixtures, seed + existing)
    result: dict[str, Any] = {"existing": existing, "created": 0, "bulk": 0}
    if existing:
        click.echo("  %d benchmark datasets already there" % existing)
    if not to_create:
        return result
    through_actions = min(sample, to_create)
    if through_actions:
        seconds, latencies = create_through_actions(factory, existing, through_actions)
        latencies.sort()
        result.update(
            created=through_actions,
            create_seconds=seconds,
            create_rate=through_actions / seconds,
            create_p50=percentile(latencies, 50),
            create_p95=percentile(latencies, 95),
        )
        click.echo(
            "  package_create: %d datasets in %.1f s = %.1f datasets/s"
            " (p50 %.1f ms, p95 %.1f ms per dataset)"
            % (
                through_actions,
                seconds,
                result["create_rate"],
                result["create_p50"],
                result["create_p95"],
            )
        )
    rest = to_create - through_actions
    if rest:
        seconds = bulk_insert(factory, existing + through_actions, rest)
        result.update(bulk=rest, bulk_seconds=seconds, bulk_rate=rest / seconds)
        click.echo(
            "  bulk insert (not indexed): %d datasets in %.1f s"
            " = %.0f datasets/s" % (rest, seconds, result["bulk_rate"])
        )
    return result


# --------------------------------------------------------------------------
# Rebuild
# --------------------------------------------------------------------------


@contextlib.contextmanager
def count_indexed(total: int) -> Iterator[None]:
    """Progress for ``rebuild(quiet=True)``: count update_dict calls."""
    from ckan.lib.search.index import PackageSearchIndex

    original = PackageSearchIndex.update_dict
    state = {"done": 0, "started": time.perf_counter()}

    def update_dict(self, pkg_dict, defer_commit=False):
        original(self, pkg_dict, defer_commit)
        state["done"] += 1
        progress("rebuild", state["done"], total, state["started"])

    PackageSearchIndex.update_dict = update_dict
    try:
        yield
    finally:
        PackageSearchIndex.update_dict = original
        if state["done"] < total:
            sys.stderr.write("\n")


def index_size() -> str:
    import sqlalchemy as sa
    from ckan import model

    size = model.Session.execute(
        sa.text("SELECT pg_size_pretty(pg_total_relation_size('territoires_search_index'))")
    ).scalar()
    model.Session.remove()
    return str(size)


def rebuild_in_parallel(ini: str, workers: int | None) -> dict[str, Any]:
    """``ckan territoires search-index rebuild`` as a user runs it."""
    from ckan import model

    total = model.Session.query(model.Package.id).count()
    model.Session.remove()
    ckan_cli = os.path.join(os.path.dirname(sys.executable), "ckan")
    command = [ckan_cli, "-c", ini, "territoires", "search-index", "rebuild", "-q"]
    if workers:
        command += ["--workers", str(workers)]
    load_before = load_average()
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise click.ClickException("%s failed:\n%s" % (" ".join(command), completed.stderr[-2000:]))
    processes = workers or os.cpu_count()
    click.echo(
        "  parallel rebuild (%s processes): %d datasets in %.1f s = %.1f"
        " datasets/s, start-up included (load average %s before, %s after)"
        % (processes, total, seconds, total / seconds, load_before, load_average())
    )
    click.echo("    " + completed.stdout.strip().splitlines()[-1])
    return {"total": total, "seconds": seconds, "rate": total / seconds, "processes": processes}


def rebuild_index(analyze: bool) -> dict[str, Any]:
    import sqlalchemy as sa
    from ckan import model
    from ckan.lib import search

    total = model.Session.query(model.Package.id).count()
    model.Session.remove()
    load_before = load_average()
    started = time.perf_counter()
    with count_indexed(total):
        search.rebuild(defer_commit=True, quiet=True)
        search.commit()
    seconds = time.perf_counter() - started
    model.Session.remove()
    indexed = model.Session.execute(
        sa.text("SELECT count(*) FROM territoires_search_index")
    ).scalar()
    model.Session.remove()
    size = index_size()
    click.echo(
        "  rebuild: %d datasets in %.1f s = %.1f datasets/s"
        " (index rows: %d, table + indexes: %s; load average %s before,"
        " %s after)" % (total, seconds, total / seconds, indexed, size, load_before, load_average())
    )
    if analyze:
        # VACUUM cannot run in a transaction block.
        with model.meta.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM (ANALYZE) territoires_search_index"))
            conn.execute(sa.text("ANALYZE"))
        click.echo("  VACUUM ANALYZE done (as autovacuum would after a bulk load)")
    return {
        "total": total,
        "seconds": seconds,
        "rate": total / seconds,
        "indexed": indexed,
        "size": size,
    }


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------


@dataclass
class QueryKind:
    key: str
    label: str
    as_user: str  # "anonymous", "sysadmin" or "member"
    selective: bool  # which 100k target applies
    variants: list[dict[str, Any]]
    timings: list[float] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)
    # the same index statements run as raw SQL (psycopg2, no CKAN): ms
    raw_timings: list[float] = field(default_factory=list)

    def target_ms(self, n: int) -> int:
        """The goals on a 2-core machine, idle: every kind p95 <= 50 ms up
        to 10,000 datasets; at 100,000, selective text 20 ms, a group 30 ms,
        broad text and ``*:*`` with facets 150 ms."""
        if n <= 10_000:
            return 50
        return {"selective": 20, "group": 30}.get(self.key, 150)


def query_kinds(fixtures: Fixtures) -> list[QueryKind]:
    facets = {"facet.field": FACETS}
    busy_groups = [g["name"] for g in fixtures.groups[:4]]
    return [
        QueryKind(
            "selective",
            "selective free text, accents",
            "anonymous",
            True,
            [{"q": q} for q in SELECTIVE_QUERIES],
        ),
        QueryKind("broad", "broad term", "anonymous", False, [{"q": q} for q in BROAD_QUERIES]),
        QueryKind("facets", "*:* + 3 facets", "anonymous", False, [dict(facets, q="*:*")]),
        QueryKind(
            "group",
            "fq groups, sort modified",
            "sysadmin",
            True,
            [
                {"q": "", "fq": 'groups:"%s"' % g, "sort": "metadata_modified desc"}
                for g in busy_groups
            ],
        ),
        QueryKind("member", "org member, *:* + 3 facets", "member", False, [dict(facets, q="")]),
    ]


def context_for(as_user: str, fixtures: Fixtures) -> dict[str, Any]:
    user = {"anonymous": "", "sysadmin": fixtures.admin, "member": fixtures.member}[as_user]
    return {"user": user, "ignore_auth": False}


def search_once(
    kind: QueryKind, variant: dict[str, Any], fixtures: Fixtures, rows: int = PAGE_ROWS
) -> tuple[float, dict[str, Any]]:
    """One package_search as a request would do it; returns (ms, result).

    A logged-in visitor's request has its user loaded once, by Flask-Login,
    before the view runs: it is loaded here too, before the timing starts,
    so that CKAN's permission checks find it (``current_user``) instead of
    reading the user three times more, as they would outside a request."""
    import flask_login
    from ckan import model
    from ckan.logic import get_action

    data = dict(variant, rows=rows, include_private=True)
    context = context_for(kind.as_user, fixtures)
    if context["user"]:
        flask_login.login_user(model.User.by_name(context["user"]))
    try:
        t0 = time.perf_counter()
        result = get_action("package_search")(context, data)
        elapsed = (time.perf_counter() - t0) * 1000
    finally:
        if context["user"]:
            flask_login.logout_user()
        model.Session.remove()  # request teardown
    return elapsed, result


def run_queries(kinds: list[QueryKind], fixtures: Fixtures, repeats: int) -> None:
    for kind in kinds:
        for variant in kind.variants:
            for _ in range(WARMUP_RUNS):
                search_once(kind, variant, fixtures)
    total = repeats * len(kinds)
    started = time.perf_counter()
    done = 0
    for kind in kinds:
        for i in range(repeats):
            variant = kind.variants[i % len(kind.variants)]
            elapsed, result = search_once(kind, variant, fixtures)
            kind.timings.append(elapsed)
            kind.hits.append(result["count"])
            done += 1
            progress("package_search", done, total, started)


def time_raw_sql(kinds: list[QueryKind], fixtures: Fixtures, repeats: int) -> None:
    """The index statements of each kind's first variant, as the backend sent
    them (its SET LOCALs included), timed on a raw psycopg2 connection:
    what the backend costs over PostgreSQL itself (backend / raw SQL)."""
    from ckan import model

    for kind in kinds:
        with StatementCounter(record_index_sql=True) as counter:
            search_once(kind, kind.variants[0], fixtures)
        raw = model.meta.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for run in range(WARMUP_RUNS + repeats):
                t0 = time.perf_counter()
                for statement, parameters in counter.recorded:
                    cursor.execute(statement, parameters)
                    if cursor.description:
                        cursor.fetchall()
                elapsed = (time.perf_counter() - t0) * 1000
                raw.rollback()
                if run >= WARMUP_RUNS:
                    kind.raw_timings.append(elapsed)
        finally:
            raw.close()


class StatementCounter:
    """Counts (and optionally records) SQL statements on CKAN's engine."""

    def __init__(self, record_index_sql: bool = False):
        from ckan import model

        self.engine = model.meta.engine
        self.count = 0
        self.record_index_sql = record_index_sql
        self.recorded: list[tuple[str, Any]] = []

    def _listener(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        if not self.record_index_sql:
            return
        head = statement.lstrip().upper()
        # Session settings the backend makes (SET LOCAL jit = off...) are
        # replayed before the EXPLAINs, so the plans are the ones it gets.
        if head.startswith("SET ") or (
            ("territoires_search_index" in statement or "territoires_search_facet" in statement)
            and head.startswith(("SELECT", "WITH"))
        ):
            self.recorded.append((statement, parameters))

    def __enter__(self) -> StatementCounter:
        import sqlalchemy as sa

        sa.event.listen(self.engine, "before_cursor_execute", self._listener)
        return self

    def __exit__(self, *exc: Any) -> None:
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._listener)


def count_statements(kinds: list[QueryKind], fixtures: Fixtures) -> dict[str, tuple[int, int]]:
    counts = {}
    for kind in kinds:
        per_rows = []
        for rows in (10, 1000):
            with StatementCounter() as counter:
                search_once(kind, kind.variants[0], fixtures, rows=rows)
            per_rows.append(counter.count)
        counts[kind.key] = (per_rows[0], per_rows[1])
    return counts


def explain_kind(kind: QueryKind, fixtures: Fixtures) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) the index SQL of one search of ``kind``."""
    from ckan import model

    with StatementCounter(record_index_sql=True) as counter:
        search_once(kind, kind.variants[0], fixtures)
    click.echo("")
    click.secho(
        "-- %s (%s, %s): %s"
        % (kind.key, kind.label, kind.as_user, json.dumps(kind.variants[0], ensure_ascii=False)),
        bold=True,
    )
    raw = model.meta.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in counter.recorded:
            click.echo("SQL: %s" % " ".join(statement.split()))
            if statement.lstrip().upper().startswith("SET "):
                cursor.execute(statement, parameters)
                continue
            click.echo("params: %s" % (parameters,))
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            for (line,) in cursor.fetchall():
                click.echo("    " + line)
        raw.rollback()
    finally:
        raw.close()


def check_visibility(fixtures: Fixtures) -> list[str]:
    """Private datasets: anonymous sees none, the member only their org's."""
    import sqlalchemy as sa
    from ckan import model

    expected_member = model.Session.execute(
        sa.text(
            "SELECT count(*) FROM package WHERE owner_org = :org AND private"
            " AND state = 'active' AND type = 'dataset'"
        ),
        {"org": fixtures.orgs[0]["id"]},
    ).scalar()
    expected_public = model.Session.execute(
        sa.text(
            "SELECT count(*) FROM package WHERE NOT private AND state = 'active'"
            " AND type = 'dataset'"
        )
    ).scalar()
    model.Session.remove()
    checks = []

    def run(as_user: str, fq: str) -> int:
        kind = QueryKind("check", "check", as_user, True, [])
        return search_once(kind, {"q": "*:*", "fq": fq}, fixtures)[1]["count"]

    anonymous_private = run("anonymous", "capacity:private")
    member_private = run("member", "capacity:private")
    anonymous_all = run("anonymous", "")
    for label, got, expected in (
        ("anonymous sees private datasets", anonymous_private, 0),
        ("member sees their org's private datasets", member_private, expected_member),
        ("anonymous *:* = active public datasets", anonymous_all, expected_public),
    ):
        ok = got == expected
        checks.append(
            "%s: %d (expected %d) %s" % (label, got, expected, "OK" if ok else "MISMATCH")
        )
    return checks


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def load_average() -> str:
    return "%.2f" % os.getloadavg()[0]


def dataset_count() -> int:
    from ckan import model

    count = model.Session.query(model.Package.id).count()
    model.Session.remove()
    return count


def machine() -> dict[str, str]:
    import ckan
    import sqlalchemy as sa
    from ckan import model

    pg = model.Session.execute(sa.text("SHOW server_version")).scalar()
    model.Session.remove()
    return {
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "postgresql": str(pg).split()[0],
        "ckan": ckan.__version__,
        "platform": platform.platform(terse=True),
        "load_before": load_average(),
    }


def summarize(kind: QueryKind, n: int) -> dict[str, Any]:
    values = sorted(kind.timings)
    target = kind.target_ms(n)
    p95 = percentile(values, 95)
    raw = sorted(kind.raw_timings) or [float("nan")]
    return {
        "raw_p50": percentile(raw, 50),
        "raw_p95": percentile(raw, 95),
        "p50": percentile(values, 50),
        "p95": p95,
        "max": values[-1],
        "hits": "%d" % kind.hits[0]
        if min(kind.hits) == max(kind.hits)
        else "%d–%d" % (min(kind.hits), max(kind.hits)),
        "target": target,
        "ok": p95 <= target,
    }


def print_details(
    n: int, kinds: list[QueryKind], statements: dict[str, tuple[int, int]], checks: list[str]
) -> list[QueryKind]:
    """Per-kind figures; returns the kinds whose p95 misses the target."""
    heading(
        "package_search latency (ms, rows=%d, %d runs per kind)"
        % (PAGE_ROWS, len(kinds[0].timings))
    )
    click.echo(
        "%-10s %-9s %8s %8s %8s %10s %7s %-6s %8s %8s %6s"
        % ("kind", "as", "p50", "p95", "max", "hits", "target", "", "raw p50", "raw p95", "ratio")
    )
    slow = []
    for kind in kinds:
        s = summarize(kind, n)
        click.echo(
            "%-10s %-9s %8.1f %8.1f %8.1f %10s %7d %-6s %8.1f %8.1f %6.2f"
            % (
                kind.key,
                kind.as_user,
                s["p50"],
                s["p95"],
                s["max"],
                s["hits"],
                s["target"],
                "OK" if s["ok"] else "MISSED",
                s["raw_p50"],
                s["raw_p95"],
                s["p50"] / s["raw_p50"],
            )
        )
        if not s["ok"]:
            slow.append(kind)

    heading("SQL statements per package_search call")
    for kind in kinds:
        small, large = statements[kind.key]
        click.echo(
            "  %-10s rows=10: %d   rows=1000: %d   %s"
            % (kind.key, small, large, "constant" if small == large else "GROWS WITH rows")
        )

    heading("Visibility checks")
    for line in checks:
        click.echo("  " + line)
    return slow


def print_markdown(
    n: int,
    generation: dict[str, Any],
    rebuild: dict[str, Any] | None,
    parallel: dict[str, Any] | None,
    kinds: list[QueryKind],
    statements: dict[str, tuple[int, int]],
    host: dict[str, str],
) -> None:
    heading("Markdown summary")
    click.echo("")
    click.echo(
        "Machine: %s CPUs, %s, Python %s, PostgreSQL %s, CKAN %s; "
        "N = %d datasets; 1-min load average %s before the queries, "
        "%s after (other work on the machine inflates latencies)."
        % (
            host["cpus"],
            host["platform"],
            host["python"],
            host["postgresql"],
            host["ckan"],
            n,
            host["load_before"],
            host["load_after"],
        )
    )
    click.echo("")
    click.echo("| measure | result | target |")
    click.echo("| --- | --- | --- |")
    if generation.get("created"):
        click.echo(
            "| indexing: `package_create` (validation + index write, "
            "one commit each), %d datasets | %.1f datasets/s "
            "(p50 %.0f ms, p95 %.0f ms per dataset) | – |"
            % (
                generation["created"],
                generation["create_rate"],
                generation["create_p50"],
                generation["create_p95"],
            )
        )
    if generation.get("bulk"):
        click.echo(
            "| bulk SQL insert of the other %d datasets (not indexed)"
            " | %.0f datasets/s | – |" % (generation["bulk"], generation["bulk_rate"])
        )
    if rebuild:
        click.echo(
            "| rebuild: `ckan search-index rebuild` (in process), %d "
            "datasets | %.1f datasets/s (%.0f s) | ≥ 200/s %s |"
            % (
                rebuild["total"],
                rebuild["rate"],
                rebuild["seconds"],
                "✅" if rebuild["rate"] >= 200 else "❌",
            )
        )
    if parallel:
        click.echo(
            "| rebuild: `ckan territoires search-index rebuild` (%s "
            "processes, start-up included), %d datasets | %.1f "
            "datasets/s (%.0f s) | ≥ 200/s %s |"
            % (
                parallel["processes"],
                parallel["total"],
                parallel["rate"],
                parallel["seconds"],
                "✅" if parallel["rate"] >= 200 else "❌",
            )
        )
    for kind in kinds:
        s = summarize(kind, n)
        click.echo(
            "| package_search %s (%s, %s): p50 / p95 / max | "
            "%.0f / %.0f / %.0f ms, %s hits; raw SQL p50 / p95 %.0f / %.0f ms"
            " (backend ÷ raw SQL %.2f) | p95 ≤ %d ms %s |"
            % (
                kind.key,
                kind.label,
                kind.as_user,
                s["p50"],
                s["p95"],
                s["max"],
                s["hits"],
                s["raw_p50"],
                s["raw_p95"],
                s["p50"] / s["raw_p50"],
                s["target"],
                "✅" if s["ok"] else "❌",
            )
        )
    small = {v[0] for v in statements.values()}
    large = {v[1] for v in statements.values()}
    click.echo(
        "| SQL statements per package_search (rows=10 / rows=1000) | "
        "%s / %s | constant %s |"
        % (
            "–".join(map(str, sorted(small))),
            "–".join(map(str, sorted(large))),
            "✅" if all(a == b for a, b in statements.values()) else "❌",
        )
    )
    click.echo("| index size (table + indexes) | %s | – |" % index_size())
    click.echo("| peak RSS of the benchmark process | %.0f MB | – |" % peak_rss_mb())


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

HELP = """Benchmark the PostgreSQL search backend (territoires_search).

\b
!!! THIS WIPES THE DATABASE NAMED IN THE INI (or in CKAN_SQLALCHEMY_URL) !!!
It refuses unless the database name ends in _test or _bench (see --force).

Generates N datasets, then prints the indexing rate (package_create), the
rebuild rate (ckan search-index rebuild), package_search p50/p95 per query
kind, SQL statements per search, peak RSS, and a Markdown table.
"""


@click.command(help=HELP)
@click.option(
    "--ini",
    default="test.ini",
    show_default=True,
    type=click.Path(exists=True, dir_okay=False),
    help="CKAN config file; its plugins (territoires_search) load.",
)
@click.option("--n", "n", default=10_000, show_default=True, type=int, help="Number of datasets.")
@click.option(
    "--queries",
    default=50,
    show_default=True,
    type=int,
    help="Timed repetitions per query kind (after a warm-up).",
)
@click.option(
    "--sample",
    default=2000,
    show_default=True,
    type=int,
    help="Datasets created through package_create (the indexing "
    "rate); the rest are bulk-inserted and indexed by the "
    "rebuild.",
)
@click.option(
    "--keep",
    is_flag=True,
    help="Do not wipe: reuse the datasets already there and only "
    "generate those missing to reach N.",
)
@click.option(
    "--queries-only",
    is_flag=True,
    help="Implies --keep; no generation and no rebuild: only the "
    "package_search part, over the index as it is (to compare "
    "SQL changes quickly).",
)
@click.option(
    "--db-reset",
    is_flag=True,
    help="Drop every table and re-run all migrations (ckan db "
    "clean --yes; ckan db upgrade) instead of emptying the "
    "tables (the default wipe: TRUNCATE of every table, "
    "alembic versions kept).",
)
@click.option(
    "--force", is_flag=True, help="Wipe even a database whose name does not end in _test or _bench."
)
@click.option("--seed", default=20241101, show_default=True, type=int)
@click.option("--no-analyze", is_flag=True, help="Do not VACUUM ANALYZE after CKAN's rebuild.")
@click.option(
    "--rebuild",
    "rebuild_with",
    type=click.Choice(["ckan", "parallel", "both"]),
    default="both",
    show_default=True,
    help="Time CKAN's `search-index rebuild` (in process), this "
    "plugin's `territoires search-index rebuild` (subprocess), "
    "or both, one after the other.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes of the parallel rebuild (default: its own, the number of CPUs).",
)
@click.option(
    "--explain",
    type=click.Choice(["none", "slow", "all"]),
    default="slow",
    show_default=True,
    help="EXPLAIN ANALYZE the index SQL of the kinds that miss "
    "their target (slow), of every kind (all), or none.",
)
@click.option("--verbose", is_flag=True, help="Keep CKAN's INFO logs.")
def main(
    ini: str,
    n: int,
    queries: int,
    sample: int,
    keep: bool,
    queries_only: bool,
    db_reset: bool,
    force: bool,
    seed: int,
    no_analyze: bool,
    rebuild_with: str,
    workers: int | None,
    explain: str,
    verbose: bool,
) -> None:
    keep = keep or queries_only
    if keep and db_reset:
        raise click.UsageError("--keep/--queries-only and --db-reset exclude each other")
    if n < 1 or queries < 1 or sample < 0:
        raise click.UsageError("--n and --queries must be >= 1, --sample >= 0")
    ini = os.path.abspath(ini)
    started = time.perf_counter()

    heading("Loading CKAN from %s" % ini)
    flask_app = load_ckan(ini, verbose)
    with flask_app.test_request_context():
        if not search_plugin_active():
            raise click.ClickException(
                "territoires_search is not active with %s: this would benchmark Solr" % ini
            )
        click.echo("  database %s, search backend: PostgreSQL" % database_name())
        if not keep:
            refuse_unsafe_database(force)
            heading("Wiping the benchmark database")
            if db_reset:
                reset_database(ini)
            else:
                wipe_database()

        heading("Fixtures: %d organisations, %d commune groups, users" % (N_ORGS, len(COMMUNES)))
        fixtures = create_fixtures()

        generation: dict[str, Any] = {}
        rebuild: dict[str, Any] | None = None
        parallel: dict[str, Any] | None = None
        if not queries_only:
            heading("Generating %d datasets" % n)
            generation = generate_datasets(fixtures, n, sample, seed)
            heading("Rebuilding the index")
            if rebuild_with in ("ckan", "both"):
                rebuild = rebuild_index(analyze=not no_analyze)
            if rebuild_with in ("parallel", "both"):
                parallel = rebuild_in_parallel(ini, workers)
        datasets = dataset_count()

        heading("package_search (warm-up, then %d runs per kind)" % queries)
        host = machine()
        kinds = query_kinds(fixtures)
        run_queries(kinds, fixtures, queries)
        time_raw_sql(kinds, fixtures, queries)
        host["load_after"] = load_average()
        statements = count_statements(kinds, fixtures)
        checks = check_visibility(fixtures)

        slow = print_details(datasets, kinds, statements, checks)
        to_explain = {"none": [], "slow": slow, "all": kinds}[explain]
        if to_explain:
            heading("EXPLAIN (ANALYZE, BUFFERS) of the index SQL")
            for kind in to_explain:
                explain_kind(kind, fixtures)
        click.echo("")
        click.echo("Total run time %.0f s." % (time.perf_counter() - started))
        print_markdown(datasets, generation, rebuild, parallel, kinds, statements, host)


if __name__ == "__main__":
    main()
