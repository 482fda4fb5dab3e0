"""The rebuild's bulk document path: many datasets, few SQL statements.

CKAN indexes a dataset with ``package_show`` (about 16 SQL statements:
the package, its resources, tags, extras, groups, each group's member
count, the organisation, relationships, the index's own look-ups) then
``index_package``. Rebuilding 10,000 datasets that way spends most of its
time in round trips and in building the same things again for every
dataset. Here a batch of datasets is:

1. *dictized* (``show_packages``) in a constant number of statements
   (packages, resources, tags, extras, groups, the groups' member counts,
   organisations, relationships), into exactly the dict
   ``package_show`` returns with the context of a rebuild
   (``ignore_auth``, ``validate=False``, ``use_cache=False``): the same
   code of CKAN runs on the rows (``table_dictize``,
   ``resource_list_dictize``...), then every plugin's ``read``,
   ``before_resource_show`` and ``after_dataset_show``, as
   ``package_show`` calls them. What the rows alone cannot order as CKAN
   does (two resources at the same position, two groups with the same
   display name, several relationships in one direction: CKAN keeps the
   database's order there) is left to ``package_show``, dataset by dataset;
2. turned into *index documents* (``index_documents``) by a copy of CKAN's
   ``PackageSearchIndex.index_package`` (CKAN 2.11: other versions use
   CKAN's own, one dataset at a time), which reuses across the batch what
   does not depend on the dataset: the show schema of each dataset type,
   the vocabularies' names, the package objects; whose validation does
   not ask the database, for each dataset, whether another one has its
   name (``package_name_validator``: only errors come of it, which
   ``index_package`` drops, and the unique index on ``package.name``
   answers it); and where ckanext-harvest's hook asks the database once
   for the batch, not once per dataset (``_HarvestHook``);
3. written with one ``add`` (``connection.PostgresSearchConnection.add``:
   one statement for the index rows, one facet-writer call).

``tests/search/test_bulk.py`` holds the guarantee: the dicts equal
``package_show``'s, key order included, and the rows written equal those
of ``package_show`` + ``index_package``, for varied datasets.
"""

from __future__ import annotations

import collections
import contextvars
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import ckan
import ckan.lib.dictization as d
import ckan.lib.helpers as h
import ckan.lib.navl.dictization_functions as navl
import ckan.plugins as plugins
import sqlalchemy as sa
from ckan import logic, model
from ckan.common import config
from ckan.lib import plugins as lib_plugins
from ckan.lib import signals
from ckan.lib.dictization import model_dictize
from ckan.lib.search import index as search_index
from sqlalchemy import select

log = logging.getLogger(__name__)

#: What ``ckan.lib.search.rebuild`` passes to ``package_show``.
SHOW_CONTEXT = {"ignore_auth": True, "validate": False, "use_cache": False}
#: The CKAN whose ``index_package`` ``index_documents`` copies.
COPIED_CKAN = "2.11."
_GROUPING = "_bulk_package_id"
_BATCH: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "territoires_search_batch", default=None
)


def show_packages(ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``package_show`` of each of ``ids`` (with a rebuild's context), in
    a constant number of statements for the batch; ids that are no
    dataset raise as ``package_show`` would (``NotFound``)."""
    return _show(ids)[0]


def _show(ids: Sequence[str]) -> tuple[dict[str, dict[str, Any]], list[model.Package]]:
    """``show_packages``, and the package objects read: held, they stay in
    the session's identity map (weak references), where
    ``model.Package.get`` then finds them without a query."""
    built = _Batch(ids).dictize() if _core_package_show() else {}
    shown = {}
    for package_id in ids:
        if package_id in built:
            pkg, package_dict = built[package_id]
            shown[package_id] = _after_show(pkg, package_dict)
        else:
            shown[package_id] = logic.get_action("package_show")(
                dict(SHOW_CONTEXT), {"id": package_id}
            )
    return shown, [pkg for pkg, _ in built.values()]


def _core_package_show() -> bool:
    """Is ``package_show`` CKAN's own? A plugin's (IActions) may return
    anything: then it is called for each dataset."""
    return not any(
        "package_show" in plugin.get_actions()
        for plugin in plugins.PluginImplementations(plugins.IActions)
    )


def _show_context(pkg: model.Package | None) -> dict[str, Any]:
    """The context the hooks of ``package_show`` see (its action wrapper's
    defaults, the package, ``package_dictize``'s ``with_capacity``)."""
    context = logic._prepopulate_context(dict(SHOW_CONTEXT))
    context["__auth_audit"] = []
    context["package"] = pkg
    context["with_capacity"] = False
    return context


def _after_show(pkg: model.Package, package_dict: dict[str, Any]) -> dict[str, Any]:
    """What ``package_show`` does after ``package_dictize`` (no
    validation: the rebuild's context has ``validate=False``)."""
    context = _show_context(pkg)
    for item in plugins.PluginImplementations(plugins.IPackageController):
        item.read(pkg)
    for resource_item in plugins.PluginImplementations(plugins.IResourceController):
        for resource_dict in package_dict["resources"]:
            resource_item.before_resource_show(resource_dict)
    for item in plugins.PluginImplementations(plugins.IPackageController):
        item.after_dataset_show(context, package_dict)
    signals.action_succeeded.send(
        "package_show", context=context, data_dict={"id": pkg.id}, result=package_dict
    )
    return package_dict


class _Batch:
    """The rows of a batch of datasets, read in one statement per table."""

    def __init__(self, ids: Sequence[str]):
        self.ids = list(dict.fromkeys(ids))
        self.context = _show_context(None)

    def dictize(self) -> dict[str, tuple[model.Package, dict[str, Any]]]:
        """``package_dictize`` of each dataset CKAN would dictize in the
        same order, with its package object; the others are left out."""
        session = model.Session
        packages = session.query(model.Package).filter(model.Package.id.in_(self.ids)).all()
        if not packages:
            return {}
        ids = [pkg.id for pkg in packages]
        resources = self._rows(model.resource_table, "package_id", ids)
        tags = self._tags(ids)
        extras = self._rows(model.package_extra_table, "package_id", ids)
        groups = self._groups(ids)
        member_counts = self._member_counts({row["id"] for rows in groups.values() for row in rows})
        organisations = self._organisations({pkg.owner_org for pkg in packages if pkg.owner_org})
        relationships = self._relationships(ids)
        built = {}
        for pkg in packages:
            parts = _Parts(
                resources=resources.get(pkg.id, []),
                tags=tags.get(pkg.id, []),
                extras=extras.get(pkg.id, []),
                groups=groups.get(pkg.id, []),
                organisation=organisations.get(pkg.owner_org),
                as_subject=relationships[0].get(pkg.id, []),
                as_object=relationships[1].get(pkg.id, []),
            )
            if parts.ordered_as_ckan():
                built[pkg.id] = (pkg, self._package_dict(pkg, parts, member_counts))
        return built

    @staticmethod
    def _rows(table: Any, key: str, ids: list[str]) -> dict[str, list[Any]]:
        by_package: dict[str, list[Any]] = collections.defaultdict(list)
        for row in model.Session.execute(select(table).where(table.c[key].in_(ids))):
            by_package[row._mapping[key]].append(row)
        return by_package

    def _tags(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Rows as ``package_dictize``'s (the tag and its ``state`` in the
        dataset), dictized; the package id aside."""
        tag, pkg_tag = model.tag_table, model.package_tag_table
        statement = (
            select(tag, pkg_tag.c["state"], pkg_tag.c["package_id"].label(_GROUPING))
            .join(pkg_tag, tag.c["id"] == pkg_tag.c["tag_id"])
            .where(pkg_tag.c["package_id"].in_(ids))
        )
        return self._dictized_by_package(statement)

    def _groups(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        member, group = model.member_table, model.group_table
        statement = (
            select(group, member.c["capacity"], member.c["table_id"].label(_GROUPING))
            .join(member, group.c["id"] == member.c["group_id"])
            .where(
                member.c["table_id"].in_(ids),
                member.c["state"] == "active",
                group.c["is_organization"] == False,  # noqa: E712 (SQL)
            )
        )
        return self._dictized_by_package(statement)

    def _dictized_by_package(self, statement: Any) -> dict[str, list[dict[str, Any]]]:
        by_package: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        for row in model.Session.execute(statement):
            dictized = d.table_dictize(row, self.context)
            by_package[dictized.pop(_GROUPING)].append(dictized)
        return by_package

    @staticmethod
    def _member_counts(group_ids: set[str]) -> dict[str, int]:
        """``group_dictize``'s ``member_count``: the users ``_get_members``
        lists (active memberships of existing users)."""
        if not group_ids:
            return {}
        member, user = model.member_table, model.user_table
        from sqlalchemy import func

        statement = (
            select(member.c["group_id"], func.count())
            .select_from(member.join(user, member.c["table_id"] == user.c["id"]))
            .where(
                member.c["group_id"].in_(sorted(group_ids)),
                member.c["state"] == "active",
                member.c["table_name"] == "user",
            )
            .group_by(member.c["group_id"])
        )
        return dict(model.Session.execute(statement).fetchall())

    def _organisations(self, org_ids: set[str]) -> dict[str, dict[str, Any]]:
        if not org_ids:
            return {}
        group = model.group_table
        statement = select(group).where(
            group.c["id"].in_(sorted(org_ids)), group.c["state"] == "active"
        )
        return {
            row.id: d.table_dictize(row, self.context) for row in model.Session.execute(statement)
        }

    def _relationships(self, ids: list[str]) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
        rel = model.package_relationship_table
        return (
            self._rows(rel, "subject_package_id", ids),
            self._rows(rel, "object_package_id", ids),
        )

    def _package_dict(
        self, pkg: model.Package, parts: _Parts, member_counts: dict[str, int]
    ) -> dict[str, Any]:
        """``model_dictize.package_dictize(pkg, context)`` from the rows."""
        context = self.context
        result_dict = d.table_dictize(pkg, context)
        if result_dict.get("title"):
            result_dict["title"] = result_dict["title"].strip()
        result_dict.pop("plugin_data", None)
        result_dict["resources"] = model_dictize.resource_list_dictize(parts.resources, context)
        result_dict["num_resources"] = len(result_dict.get("resources", []))
        tags = [dict(tag) for tag in parts.tags if tag["state"] == "active"]
        result_dict["tags"] = sorted(tags, key=lambda x: x["name"])
        result_dict["num_tags"] = len(result_dict.get("tags", []))
        for tag_dict in result_dict["tags"]:
            tag_dict["display_name"] = tag_dict["name"]
        result_dict["extras"] = model_dictize.extras_list_dictize(parts.extras, context)
        result_dict["groups"] = sorted(
            (_group_dict(group, member_counts) for group in parts.groups),
            key=lambda x: h.strxfrm(x["display_name"]),
        )
        organisation = parts.organisation
        result_dict["organization"] = dict(organisation) if organisation else None
        result_dict["relationships_as_subject"] = d.obj_list_dictize(parts.as_subject, context)
        result_dict["relationships_as_object"] = d.obj_list_dictize(parts.as_object, context)
        result_dict["isopen"] = pkg.isopen if isinstance(pkg.isopen, bool) else pkg.isopen()
        result_dict["type"] = pkg.type or "dataset"
        if pkg.license and pkg.license.url:
            result_dict["license_url"] = pkg.license.url
            result_dict["license_title"] = pkg.license.title.split("::")[-1]
        elif pkg.license:
            result_dict["license_title"] = pkg.license.title
        else:
            result_dict["license_title"] = pkg.license_id
        result_dict["metadata_modified"] = pkg.metadata_modified.isoformat()
        result_dict["metadata_created"] = (
            pkg.metadata_created.isoformat() if pkg.metadata_created else None
        )
        return result_dict


def _group_dict(group: dict[str, Any], member_counts: dict[str, int]) -> dict[str, Any]:
    """``group_dictize`` as ``package_dictize`` calls it (no datasets,
    extras, tags, sub-groups or users; the member count)."""
    result_dict = dict(group)
    result_dict["display_name"] = group["title"] or group["name"]
    result_dict["member_count"] = member_counts.get(group["id"], 0)
    image_url = result_dict.get("image_url")
    result_dict["image_display_url"] = image_url
    if image_url and not image_url.startswith("http"):
        result_dict["image_display_url"] = h.url_for_static(
            "uploads/group/%s" % result_dict.get("image_url"), qualified=True
        )
    return result_dict


class _Parts:
    """The rows of one dataset."""

    def __init__(
        self,
        *,
        resources: list[Any],
        tags: list[dict[str, Any]],
        extras: list[Any],
        groups: list[dict[str, Any]],
        organisation: dict[str, Any] | None,
        as_subject: list[Any],
        as_object: list[Any],
    ):
        self.resources = resources
        self.tags = tags
        self.extras = extras
        self.groups = groups
        self.organisation = organisation
        self.as_subject = as_subject
        self.as_object = as_object

    def ordered_as_ckan(self) -> bool:
        """Do CKAN's sorts alone order these rows? Where they tie, CKAN
        keeps the order its own statement read them in, which another
        statement need not share."""
        active = [row for row in self.resources if row.state == "active"]
        active_tags = [tag for tag in self.tags if tag["state"] == "active"]
        active_extras = [row for row in self.extras if row.state == "active"]
        return (
            _distinct(row.position for row in active)
            and _distinct(tag["name"] for tag in active_tags)
            and _distinct(row.key for row in active_extras)
            and _distinct(h.strxfrm(g["title"] or g["name"]) for g in self.groups)
            and len(self.as_subject) <= 1
            and len(self.as_object) <= 1
        )


def _distinct(values: Iterable[Any]) -> bool:
    listed = list(values)
    return len(listed) == len(set(listed))


# -- index documents -------------------------------------------------------


def index_documents(
    package_dicts: Sequence[dict[str, Any]],
) -> list[dict[str, Any] | None]:
    """The documents ``PackageSearchIndex.index_package`` would send for
    ``package_dicts`` (modified in place, as CKAN modifies them), in order;
    None for a dataset CKAN removes from the index instead (deleted, with
    ``ckan.search.remove_deleted_packages``: removed here, as CKAN does)."""
    ids = [package_dict["id"] for package_dict in package_dicts]
    documents = _Documents(ids)
    token = _BATCH.set(tuple(ids))
    try:
        return [documents.document(package_dict) for package_dict in package_dicts]
    finally:
        _BATCH.reset(token)


def batch_ids() -> tuple[str, ...] | None:
    """The ids of the datasets being indexed together, while
    ``index_documents`` runs (None otherwise): a ``before_dataset_index``
    hook that reads the database for each dataset may read it once for
    all of them instead, the first time, and answer the others from what
    it read."""
    return _BATCH.get()


def copies_this_ckan() -> bool:
    """Is ``index_documents`` a copy of this CKAN's ``index_package``?"""
    return ckan.__version__.startswith(COPIED_CKAN)


class _Documents:
    """``index_package``, with what a batch shares built once."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.hooks = [_index_hook(plugin, ids) for plugin in _package_controllers()]
        self.schemas: dict[str | None, tuple[Any, Any]] = {}
        self.vocabularies: dict[str, str] = {}
        self.labels = lib_plugins.get_permission_labels()
        self.site_id = config.get("ckan.site_id")
        self.remove_deleted = config.get("ckan.search.remove_deleted_packages")
        self.resource_extras = [(e, "res_extras_" + e) for e in model.Resource.get_extra_columns()]

    def schema(self, package_type: str | None) -> tuple[Any, Any]:
        """The plugin and show schema of a dataset type, the name
        validator's uniqueness query left out (see the module)."""
        if package_type not in self.schemas:
            package_plugin = lib_plugins.lookup_package_plugin(package_type)
            schema = _without_name_query(package_plugin.show_package_schema())
            self.schemas[package_type] = (package_plugin, schema)
        return self.schemas[package_type]

    def vocabulary_name(self, vocabulary_id: str) -> str:
        if vocabulary_id not in self.vocabularies:
            vocab = logic.get_action("vocabulary_show")({"model": model}, {"id": vocabulary_id})
            self.vocabularies[vocabulary_id] = vocab["name"]
        return self.vocabularies[vocabulary_id]

    def document(self, pkg_dict: dict[str, Any]) -> dict[str, Any] | None:
        """CKAN 2.11's ``index_package`` up to ``conn.add``, in its order
        (see ``copies_this_ckan``), in steps."""
        self._stored_dicts(pkg_dict)
        if self.remove_deleted and pkg_dict.get("state") in [None, "deleted"]:
            search_index.PackageSearchIndex().delete_package(pkg_dict)
            return None
        self._extras(pkg_dict)
        self._tags(pkg_dict)
        self._groups_and_resources(pkg_dict)
        self._relationships(pkg_dict)
        pkg_dict = self._finished(pkg_dict)
        for hook in self.hooks:
            pkg_dict = hook(pkg_dict)
        assert pkg_dict, "Plugin must return non empty package dict on index"
        dataset = model.Package.get(pkg_dict["id"])
        pkg_dict["permission_labels"] = self.labels.get_dataset_labels(dataset) if dataset else []
        return pkg_dict

    def _stored_dicts(self, pkg_dict: dict[str, Any]) -> None:
        """``validated_data_dict``, ``data_dict``, ``title_string``."""
        package_plugin, schema = self.schema(pkg_dict.get("type"))
        if hasattr(package_plugin, "validate"):
            # it may change the schema it is given (scheming sets its
            # fields into it): a copy, as CKAN's is new each time
            schema = _without_name_query(schema)
        validated_pkg_dict, _errors = lib_plugins.plugin_validate(
            package_plugin,
            {"model": model, "session": model.Session},
            pkg_dict,
            schema,
            "package_show",
        )
        pkg_dict["validated_data_dict"] = json.dumps(
            validated_pkg_dict, cls=navl.MissingNullEncoder
        )
        pkg_dict["data_dict"] = json.dumps(pkg_dict)
        title = pkg_dict.get("title")
        if title:
            pkg_dict["title_string"] = title

    @staticmethod
    def _extras(pkg_dict: dict[str, Any]) -> None:
        index_fields = search_index.RESERVED_FIELDS + list(pkg_dict.keys())
        for extra in pkg_dict.get("extras", []):
            key, value = extra["key"], extra["value"]
            if isinstance(value, (tuple, list)):
                value = " ".join(map(str, value))
            key = "".join([c for c in key if c in search_index.KEY_CHARS])
            pkg_dict["extras_" + key] = value
            if key not in index_fields:
                pkg_dict[key] = value
        pkg_dict.pop("extras", None)

    def _tags(self, pkg_dict: dict[str, Any]) -> None:
        non_vocab_tag_names = []
        for tag in pkg_dict.pop("tags", []):
            if tag.get("vocabulary_id"):
                key = "vocab_%s" % self.vocabulary_name(tag["vocabulary_id"])
                if key in pkg_dict:
                    pkg_dict[key].append(tag["name"])
                else:
                    pkg_dict[key] = [tag["name"]]
            else:
                non_vocab_tag_names.append(tag["name"])
        pkg_dict["tags"] = non_vocab_tag_names

    def _groups_and_resources(self, pkg_dict: dict[str, Any]) -> None:
        groups = pkg_dict.pop("groups", [])
        pkg_dict["capacity"] = "private" if pkg_dict["private"] else "public"
        pkg_dict["groups"] = [group["name"] for group in groups]
        if pkg_dict.get("organization"):
            pkg_dict["organization"] = pkg_dict["organization"]["name"]
        else:
            pkg_dict["organization"] = None
        resource_fields = [
            ("name", "res_name"),
            ("description", "res_description"),
            ("format", "res_format"),
            ("url", "res_url"),
            ("resource_type", "res_type"),
        ]
        for resource in pkg_dict.get("resources", []):
            for okey, nkey in resource_fields + self.resource_extras:
                # as CKAN: a value that is no list fails here
                pkg_dict[nkey] = pkg_dict.get(nkey, []) + [resource.get(okey, "")]  # noqa: RUF005
        pkg_dict.pop("resources", None)

    def _finished(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        """Type, dates, clean text, site and index id."""
        pkg_dict[search_index.TYPE_FIELD] = search_index.PACKAGE_TYPE
        pkg_dict["dataset_type"] = pkg_dict["type"]
        pkg_dict = _clean_dates(pkg_dict)
        for k in ("title", "notes", "title_string"):
            if pkg_dict.get(k):
                pkg_dict[k] = search_index.escape_xml_illegal_chars(pkg_dict[k])
        pkg_dict["metadata_created"] += "Z"
        pkg_dict["metadata_modified"] += "Z"
        pkg_dict["site_id"] = self.site_id
        value = pkg_dict.get("title")
        if value:
            pkg_dict["title"] = value.lstrip()
        pkg_dict["index_id"] = hashlib.md5(
            # six.b, as CKAN
            ("%s%s" % (pkg_dict["id"], self.site_id)).encode("latin-1")
        ).hexdigest()
        return pkg_dict

    @staticmethod
    def _relationships(pkg_dict: dict[str, Any]) -> None:
        rel_dict: dict[str, list[Any]] = collections.defaultdict(list)
        subjects = pkg_dict.pop("relationships_as_subject", [])
        objects = pkg_dict.pop("relationships_as_object", [])
        for rel in objects:
            rel_type = model.PackageRelationship.forward_to_reverse_type(rel["type"])
            pkg = model.Package.get(rel["subject_package_id"])
            assert pkg
            rel_dict[rel_type].append(pkg.name)
        for rel in subjects:
            pkg = model.Package.get(rel["object_package_id"])
            assert pkg
            rel_dict[rel["type"]].append(pkg.name)
        for key, value in rel_dict.items():
            if key not in pkg_dict:
                pkg_dict[key] = value


def _clean_dates(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``index_package``'s ``*_date`` values as ISO dates (invalid ones
    dropped)."""
    new_dict = {}
    for key, value in pkg_dict.items():
        if key.endswith("_date"):
            if not value:
                continue
            try:
                date = search_index.parse(value)
                value = date.isoformat()
                if not date.tzinfo:
                    value += "Z"
            except search_index.DateParserError:
                log.warning("%r: %r value of %r is not a valid date", pkg_dict["id"], key, value)
                continue
        new_dict[key] = value
    return new_dict


def _name_validator(key: Any, data: Any, errors: Any, context: Any) -> None:
    """``package_name_validator`` without its query (see the module): the
    same length checks, the same errors."""
    from ckan.logic import validators

    value = data[key]
    if len(value) < validators.PACKAGE_NAME_MIN_LENGTH:
        raise navl.Invalid(
            validators._('Name "%s" length is less than minimum %s')
            % (value, validators.PACKAGE_NAME_MIN_LENGTH)
        )
    if len(value) > validators.PACKAGE_NAME_MAX_LENGTH:
        raise navl.Invalid(
            validators._('Name "%s" length is more than maximum %s')
            % (value, validators.PACKAGE_NAME_MAX_LENGTH)
        )


def _without_name_query(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` (its dicts and lists) with ``_name_validator``
    for ``package_name_validator``."""
    from ckan.logic.validators import package_name_validator

    copied: dict[str, Any] = {}
    for key, value in schema.items():
        if isinstance(value, dict):
            copied[key] = _without_name_query(value)
        elif isinstance(value, list):
            copied[key] = [
                _name_validator if item is package_name_validator else item for item in value
            ]
        else:
            copied[key] = value
    return copied


# -- a batch, indexed ------------------------------------------------------


def index_batch(ids: Sequence[str]) -> int:
    """Index the datasets ``ids`` in the caller's transaction (not
    committed): ``show_packages``, ``index_documents``, one ``add``.
    Returns how many were indexed (all of them, or an exception)."""
    from ckan.lib.search import common as search_common
    from ckan.lib.search import index_for

    # Short statements over many rows, whose estimated cost would have
    # PostgreSQL compile them (JIT): 0.45 s for the facet rows of 200
    # datasets, ten times their writing.
    model.Session.execute(sa.text("SET LOCAL jit = off"))
    shown, packages = _show(ids)
    if not copies_this_ckan():  # CKAN's own index_package, dataset by dataset
        package_index = index_for(model.Package)
        for package_dict in shown.values():
            package_index.update_dict(package_dict, True)
        return len(shown)
    docs = [doc for doc in index_documents(list(shown.values())) if doc is not None]
    if docs:
        search_common.make_connection().add(docs=docs, commit=False)
    del packages  # held until here (see _show)
    return len(shown)


# -- before_dataset_index hooks ------------------------------------------


#: The ckanext-harvest whose hook ``_HarvestHook`` stands for.
READ_HARVEST = "1.6.3"


def _package_controllers() -> list[Any]:
    return list(plugins.PluginImplementations(plugins.IPackageController))


def _index_hook(plugin: Any, ids: list[str]) -> Any:
    """``plugin.before_dataset_index``, or what stands for it in a batch."""
    if _HarvestHook.stands_for(plugin):
        return _HarvestHook(plugin, ids)
    return plugin.before_dataset_index


class _HarvestHook:
    """ckanext-harvest's ``before_dataset_index`` (version ``READ_HARVEST``)
    asks the database, for each dataset, for its current harvest object
    (0.6 ms a dataset), and without one only turns a ``status`` dict into
    JSON. Here one statement finds the datasets of the batch that have
    one: theirs go through the hook, the others get that change alone."""

    def __init__(self, plugin: Any, ids: list[str]):
        from ckanext.harvest.model import HarvestObject

        self.hook = plugin.before_dataset_index
        rows = (
            model.Session.query(HarvestObject.package_id)
            .filter(HarvestObject.package_id.in_(ids), HarvestObject.current == True)  # noqa: E712
            .distinct()
        )
        self.harvested = {row[0] for row in rows}

    @staticmethod
    def stands_for(plugin: Any) -> bool:
        from importlib import metadata

        try:
            from ckanext.harvest.plugin import Harvest
        except ImportError:
            return False
        return (
            type(plugin).before_dataset_index is Harvest.before_dataset_index
            and metadata.version("ckanext-harvest") == READ_HARVEST
        )

    def __call__(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        if pkg_dict["id"] in self.harvested:
            return self.hook(pkg_dict)
        if isinstance(pkg_dict.get("status"), dict):
            try:
                pkg_dict["status"] = json.dumps(pkg_dict["status"])
            except ValueError:
                pkg_dict.pop("status", None)
        return pkg_dict
