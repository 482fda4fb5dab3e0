"""Strings of ckanext-harvest's screens that our catalogue translates.

ckanext-harvest 1.6.3 ships no French: the French of its screens (source
list, form and admin pages, job reports, flash and authorisation messages)
lives in our catalogue, ``i18n/<locale>/LC_MESSAGES/ckanext-territoires.po``,
which CKAN merges with every plugin's. These msgids are not in our own
code, so they are listed here, marked for extraction: ``make i18n-extract``
keeps them and ``make i18n-update`` never drops their translations. Nothing
calls this module at run time. On upgrading ckanext-harvest, compare with
the strings of its templates and code (listed by the file showing them).
"""

from __future__ import annotations

from ckanext.territoires.translations import N_


def ungettext(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural msgid for extraction (``pybabel -k ungettext:1,2``), as
    ckanext-harvest's templates call it; like :func:`N_`, translates nothing."""
    return singular, plural


#: Msgids by the ckanext-harvest file (under ``ckanext/harvest/``) showing them.
MSGIDS: dict[str, tuple[str, ...]] = {
    "templates/admin/base.html": (N_("Harvest"),),
    "templates/snippets/add_source_button.html": (N_("Add Harvest Source"),),
    "templates/snippets/job_details.html": (
        N_("errors"),
        N_("Details"),
        N_("Id"),
        N_("Created"),
        N_("Started"),
        N_("Finished"),
        N_("Status"),
        N_("added"),
        N_("updated"),
        N_("deleted"),
        N_("not modified"),
        N_("errored"),
    ),
    "templates/snippets/job_error_summary.html": (
        N_("Count"),
        N_("Message"),
    ),
    "templates/snippets/package_list_empty.html": (
        N_("There are no datasets associated to this harvest source."),
    ),
    "templates/snippets/search_result_text.html": (
        N_('Sorry no harvest sources found for "{query}"'),
        N_("Sorry no harvest sources found"),
    ),
    "templates/snippets/source_item.html": (
        N_("Draft"),
        N_("Deleted"),
        N_("There is no description for this harvest source"),
    ),
    "templates/source/admin.html": (
        N_("Last Harvest Job"),
        N_("View full job report"),
        N_("No jobs yet for this source"),
    ),
    "templates/source/admin_base.html": (
        N_("Admin"),
        N_(
            "This will re-run the harvesting for this source. Any updates at the source will overwrite the local datasets. Sources with a large number of datasets may take a significant amount of time to finish harvesting. Please confirm you would like us to start reharvesting."
        ),
        N_("Start a new harvesting job for this harvest source now"),
        N_("Reharvest"),
        N_("Stop"),
        N_(
            "Warning: This will remove all datasets for this source, as well as all previous job reports. Are you sure you want to continue?"
        ),
        N_("Delete all harvest jobs and existing datasets from this source"),
        N_("Clear"),
        N_("View harvest source"),
        N_("Dashboard"),
        N_("Jobs"),
        N_("Edit"),
        N_("New"),
        N_("Running"),
    ),
    "templates/source/base.html": (N_("Harvest Sources"),),
    "templates/source/edit.html": (N_("Edit harvest source"),),
    "templates/source/job/list.html": (
        N_("Harvest Jobs"),
        N_("Job: "),
        N_("Started:"),
        N_("Not yet"),
        N_("Finished:"),
    ),
    "templates/source/job/read.html": (
        N_("Job Report"),
        N_("Back to job list"),
        N_("Error Summary"),
        N_("No errors for this job"),
        N_("Only the 20 most frequent errors are shown"),
        N_("Job Errors"),
        N_("Document Errors"),
        N_("Error Report"),
        N_("documents with errors"),
        N_("Remote content"),
        N_("Local content"),
    ),
    "templates/source/new.html": (
        N_("Create Harvest Source"),
        N_("Create harvest source"),
        N_("Harvest sources"),
        N_(
            "Harvest sources allow importing remote metadata into this catalog. Remote sources can be other catalogs such as other CKAN instances, CSW servers or Web Accessible Folders (WAF) (depending on the actual harvesters enabled for this instance)."
        ),
    ),
    "templates/source/new_source_form.html": (
        N_("This should include the http:// part of the URL"),
        N_("eg. A descriptive title"),
        N_("Configuration"),
        N_("No organization"),
        N_("State"),
        N_("Active"),
        N_(
            "This will flag the source as deleted but keep all its datasets and previous jobs. Are you sure you want to delete this harvest source?"
        ),
        N_(
            "Warning: Apart from deleting this source, this command will remove all its datasets, as well as all previous job reports. Are you sure you want to continue?"
        ),
        N_("Delete"),
        N_("Delete source"),
        N_("Delete and clear source"),
        N_("title"),
    ),
    "templates/source/read_base.html": (N_("read more"),),
    "templates/source/search.html": (
        N_("Relevance"),
        N_("Name Ascending"),
        N_("Name Descending"),
        N_("Last Modified"),
        N_("Popular"),
        N_("Search harvest sources..."),
    ),
    "logic/action/update.py": (N_("Document Error"),),
    "logic/auth/create.py": (
        N_("User {0} not authorized to create harvest sources"),
        N_("User not authorized to create a job for source {0}"),
        N_("Only sysadmins can create harvest jobs for all sources"),
        N_("Only the sysadmins can create harvest objects"),
    ),
    "logic/auth/delete.py": (N_("User {0} not authorized to delete harvest source {1}"),),
    "logic/auth/get.py": (
        N_("User {0} not authorized to read harvest source {1}"),
        N_("User {0} not authorized to see jobs from source {1}"),
        N_("User {0} not authorized to list jobs for source {1}"),
    ),
    "logic/auth/update.py": (
        N_("User {0} not authorized to update harvest source {1}"),
        N_("Only sysadmins can clear history for all harvest jobs"),
        N_("Only sysadmins can reimport all harvest objects"),
        N_("Only sysadmins can run the pending harvest jobs"),
        N_("Only sysadmins can reindex all harvest sources"),
    ),
    "utils.py": (
        N_("Not authorized to see this page"),
        N_("Harvest job not found"),
        N_("Harvest job stopped"),
        N_("Harvest will start shortly. Refresh this page for updates."),
        N_(
            'Cannot create new harvest jobs on inactive sources. First, please change the source status to "active".'
        ),
        N_("A harvest job has already been scheduled for this source"),
        N_("Harvest source cleared"),
        N_("Harvesting source successfully cleared"),
        N_("Harvesting source successfully inactivated"),
        N_("No content found"),
    ),
    "harvesters/ckanharvester.py": (N_("Harvests remote CKAN instances"),),
    # CKAN's snippets/search_result_text.html for the type "harvest" (the
    # source list): ckanext-harvest's own wording of it is never reached
    "../../ckan/templates/snippets/search_result_text.html": (
        N_('No harvests found for "{query}"'),
        N_("No harvests found"),
    ),
    # the labels of the update frequencies (harvest_frequencies)
    "helpers.py": (
        N_("Manual"),
        N_("Monthly"),
        N_("Weekly"),
        N_("Biweekly"),
        N_("Daily"),
        N_("Always"),
    ),
}

#: Plural msgids (``templates/snippets/search_result_text.html``).
PLURAL_MSGIDS: tuple[tuple[str, str], ...] = (
    ungettext(
        '{number} harvest source found for "{query}"',
        '{number} harvest sources found for "{query}"',
    ),
    ungettext("{number} harvest source found", "{number} harvest sources found"),
    # CKAN's snippets/search_result_text.html for the type "harvest"
    ungettext('{number} harvest found for "{query}"', '{number} harvests found for "{query}"'),
    ungettext("{number} harvest found", "{number} harvests found"),
)
