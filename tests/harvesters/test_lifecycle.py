"""Nothing lost, nothing duplicated: withdrawn, restored, renamed, failing
and empty sources, duplicates, a killed worker. After each, the datasets by
source identifier equal what the source holds."""

from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.territoires.harvesters import provenance
from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import (
    create_source,
    gather_errors,
    harvested,
    object_errors,
    run,
    show,
)
from tests.harvesters.server import Answer

pytestmark = harvest_marks()


def source_ids(fake):
    return {dataset["id"] for dataset in fake.datasets}


def public_ids(source):
    return set(harvested(source["id"], public_only=True))


def test_withdrawn_dataset_is_archived_then_restored(remote):
    fake, url = remote
    organization = factories.Organization()
    source = create_source(
        url, "territoires_ckan", {"pin": "*", "grace_days": 0}, owner_org=organization["id"]
    )
    run(source)
    withdrawn = fake.datasets.pop(2)
    job = run(source)
    assert job["stats"]["deleted"] == 1
    assert public_ids(source) == source_ids(fake)
    archived = harvested(source["id"])[withdrawn["id"]]
    assert archived.private and archived.state == "active"
    assert archived.extras[provenance.STATUS] == "archived"
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "package_show", context={"user": "", "ignore_auth": False}, id=archived.id
        )
    member = factories.User()
    helpers.call_action(
        "organization_member_create", id=organization["id"], username=member["name"], role="member"
    )
    assert (
        helpers.call_action(
            "package_show", context={"user": member["name"], "ignore_auth": False}, id=archived.id
        )["id"]
        == archived.id
    )

    fake.datasets.append(withdrawn)
    run(source)
    restored = harvested(source["id"])[withdrawn["id"]]
    assert restored.id == archived.id and not restored.private
    assert restored.extras[provenance.STATUS] == "current"
    assert public_ids(source) == source_ids(fake)


def test_grace_period_keeps_a_withdrawn_dataset_published(remote):
    fake, url = remote
    source = create_source(
        url,
        "territoires_ckan",
        {"pin": "*", "grace_days": 7},
        owner_org=factories.Organization()["id"],
    )
    run(source)
    withdrawn = fake.datasets.pop(0)
    run(source)
    package = harvested(source["id"])[withdrawn["id"]]
    assert not package.private and package.extras[provenance.STATUS] == "withdrawn"
    assert show(package.id)[provenance.WITHDRAWN_SINCE]

    # eight days later
    eight_days_ago = provenance.isoformat(provenance.now() - dt.timedelta(days=8))
    helpers.call_action(
        "package_patch",
        context={"territoires_harvest": True},
        id=package.id,
        territoires_withdrawn_since=eight_days_ago,
    )
    run(source)
    package = harvested(source["id"])[withdrawn["id"]]
    assert package.private and package.extras[provenance.STATUS] == "archived"
    assert public_ids(source) == source_ids(fake)


def test_without_organisation_an_archived_dataset_is_soft_deleted_and_comes_back(remote):
    fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "*", "grace_days": 0})
    run(source)
    withdrawn = fake.datasets.pop(1)
    run(source)
    assert withdrawn["id"] not in harvested(source["id"])
    package = (
        model.Session.query(model.Package).filter(model.Package.title == withdrawn["title"]).one()
    )
    assert package.state == "deleted"  # recoverable, not purged
    fake.datasets.append(withdrawn)
    run(source)
    assert harvested(source["id"])[withdrawn["id"]].id == package.id
    assert set(harvested(source["id"])) == source_ids(fake)


def test_identifier_changed_at_the_source_updates_the_same_dataset(remote):
    fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "*", "grace_days": 0})
    run(source)
    before = harvested(source["id"])
    renamed = fake.datasets[3]
    old_id = renamed["id"]
    renamed["id"] = "a-new-identifier-of-the-same-dataset"
    renamed["metadata_modified"] = "2031-01-01T00:00:00"
    job = run(source)
    after = harvested(source["id"])
    assert set(after) == source_ids(fake)
    assert after[renamed["id"]].id == before[old_id].id  # continued, not copied
    assert len(after) == len(before)
    assert job["stats"]["deleted"] == 0


def test_duplicate_identifiers_give_one_dataset_and_a_report(remote):
    fake, url = remote
    fake.datasets.append(dict(fake.datasets[0], title="Copie"))
    source = create_source(url, "territoires_ckan", {"pin": "*"})
    job = run(source)
    assert set(harvested(source["id"])) == source_ids(fake)
    assert any(
        "more than once" in message
        for messages in object_errors(job).values()
        for message in messages
    )


def test_failing_source_changes_nothing(remote, server):
    _fake, url = remote
    source = create_source(
        url,
        "territoires_ckan",
        {"pin": "*", "grace_days": 0},
        owner_org=factories.Organization()["id"],
    )
    run(source)
    before = {key: package.metadata_modified for key, package in harvested(source["id"]).items()}
    server.add("/ckan/api/3/action/package_search", Answer(500, b"boom"))
    job = run(source)
    assert any(
        "HTTP 500" in message and "nothing was changed" in message for message in gather_errors(job)
    )
    assert {
        key: package.metadata_modified for key, package in harvested(source["id"]).items()
    } == before
    assert public_ids(source) == set(before)


def test_empty_source_changes_nothing(remote, server):
    fake, url = remote
    source = create_source(
        url,
        "territoires_ckan",
        {"pin": "*", "grace_days": 0},
        owner_org=factories.Organization()["id"],
    )
    run(source)
    kept = source_ids(fake)
    fake.datasets.clear()
    job = run(source)
    assert any("lists no dataset" in message for message in gather_errors(job))
    assert public_ids(source) == kept


def test_killed_worker_job_is_closed_and_the_next_run_completes(remote):
    fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "*"})
    harvester = queue.get_harvester("territoires_ckan")
    job_dict = helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    object_ids = queue.gather_stage(harvester, job)
    for object_id in object_ids[:2]:  # the worker dies after two records
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    HarvestObject.get(object_ids[2]).state = "FETCH"  # killed in the middle of this one
    model.Session.commit()
    hours_ago = dt.datetime.utcnow() - dt.timedelta(hours=5)
    model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id).update(
        {
            "gathered": hours_ago,
            "fetch_started": None,
            "fetch_finished": None,
            "import_started": None,
            "import_finished": hours_ago,
        }
    )
    model.Session.query(HarvestJob).filter_by(id=job.id).update(
        {"created": hours_ago, "gather_started": hours_ago, "gather_finished": hours_ago}
    )
    model.Session.commit()

    helpers.call_action("harvest_jobs_run", source_id=source["id"])

    closed = helpers.call_action("harvest_job_show", id=job.id)
    assert closed["status"] == "Finished"
    assert any("stale" in message for message in gather_errors(closed))
    states = {
        obj.state for obj in model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id)
    }
    assert states <= {"COMPLETE", "ERROR"}
    assert len(harvested(source["id"])) == 2

    again = run(source)
    assert again["status"] == "Finished"
    assert set(harvested(source["id"])) == source_ids(fake)


def test_harvested_datasets_join_their_commune_groups(remote, lyon):
    _fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "Écully"})
    run(source)
    package = show(next(iter(harvested(source["id"]).values())).id)
    assert [group["name"] for group in package["groups"]] == ["ecully-69081"]


@pytest.mark.parametrize("status", [404, 500])
def test_a_source_answering_404_or_5xx_changes_nothing_and_is_an_error(remote, server, status):
    _fake, url = remote
    source = create_source(
        url,
        "territoires_ckan",
        {"pin": "*", "grace_days": 0},
        owner_org=factories.Organization()["id"],
    )
    run(source)
    kept = public_ids(source)
    server.add("/ckan/api/3/action/package_search", Answer(status, b"no"))
    job = run(source)
    assert any(f"HTTP {status}" in message for message in gather_errors(job))
    assert job["stats"]["errored"] >= 1
    assert public_ids(source) == kept


def test_a_source_answering_410_gone_withdraws_its_datasets(remote, server):
    """HTTP 410: the source says its datasets are gone for good: they are
    withdrawn, then archived after the grace period (here 0 days)."""
    fake, url = remote
    source = create_source(
        url,
        "territoires_ckan",
        {"pin": "*", "grace_days": 0},
        owner_org=factories.Organization()["id"],
    )
    run(source)
    count = len(fake.datasets)
    server.add("/ckan/api/3/action/package_search", Answer(410, b"gone"))
    job = run(source)
    assert job["stats"]["deleted"] == count
    assert job["stats"]["errored"] == 0
    assert public_ids(source) == set()


def test_a_new_name_never_ends_in_a_year_like_number(remote):
    """Two datasets titled "Budget 2020": the second is budget-2020-2, not
    budget-20201."""
    fake, url = remote
    for dataset in fake.datasets[:2]:
        dataset["title"] = dataset["name"] = "budget-2020"
    source = create_source(url, "territoires_ckan", {"pin": "*"})
    run(source)
    names = sorted(package.name for package in harvested(source["id"]).values())
    assert "budget-2020" in names and "budget-2020-2" in names, names
