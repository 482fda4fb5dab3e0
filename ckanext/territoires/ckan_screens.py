"""Strings of CKAN's own screens that CKAN 2.11's French catalogue lacks.

CKAN 2.11.6's French catalogue leaves about a quarter of CKAN's strings
untranslated, and some of them are on every page ("Skip to main content",
"Profile settings") or on the forms officers use ("You can use Markdown
formatting here"). Their French lives in our catalogue,
``i18n/<locale>/LC_MESSAGES/ckanext-territoires.po``, which CKAN merges
over its own. These msgids are not in our own code, so they are listed
here, marked for extraction: ``make i18n-extract`` keeps them and ``make
i18n-update`` never drops their translations. Nothing calls this module at
run time. They were found by crawling, in French, the pages a citizen, an
officer and the data team see (``tests/views/test_french.py`` keeps the
list of pages); on upgrading CKAN, compare with its catalogue again
(strings of the collaborator, DataStore and example plugin screens, not
used by the portal, are left to CKAN).
"""

from __future__ import annotations

from ckanext.territoires.translations import N_


def ungettext(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural msgid for extraction (``pybabel -k ungettext:1,2``), as
    CKAN's templates call it; like :func:`N_`, translates nothing."""
    return singular, plural


#: Msgids by the CKAN file (or folder) showing them.
MSGIDS: dict[str, tuple[str, ...]] = {
    "ckan/lib/helpers.py": (
        N_("Add {object_type}"),
        N_("{object_type}s"),
        N_("Create {object_type}"),
        N_("Are you sure you want to delete this {object_type}?"),
        N_("A little information about my {object_type}..."),
        N_("Edit {object_type}"),
        N_("{object_type} Form"),
        N_("My {object_type}s"),
        N_("View {object_type}"),
        N_("My {object_type}"),
        N_("There are currently no {object_type}s for this site"),
        N_("There are no {object_type}s associated with this dataset"),
        N_("There is no description for this {object_type}"),
        N_("No {object_type}"),
        N_("Save {object_type}"),
        N_("Search {object_type}s..."),
        N_("You are not a member of any {object_type}s."),
        N_("Update {object_type}"),
    ),
    "ckan/logic/validators.py": (
        N_("You cannot move this dataset to another organization"),
        N_("Must be a positive integer"),
        N_("Must be a float timestamp"),
        N_("Resource id already exists."),
        N_("Id already exists"),
        N_("ResourceView id already exists"),
        N_("Invalid id provided"),
        N_(
            'Tag "%s" can only contain alphanumeric characters, spaces (" "), hyphens ("-"), underscores ("_") or dots (".")'
        ),
        N_("Must be a dict"),
        N_("The email address '{email}' belongs to a registered user."),
        N_("Value must be one of {}"),
        N_("The value should be a valid JSON object"),
        N_("Could not parse the value as a valid JSON object"),
        N_("Could not parse extra '{name}' as valid JSON"),
    ),
    "ckan/logic/action": (
        N_('Role must be one of "{}"'),
        N_("Dataset collaborators not enabled"),
        N_("Error sending the invite email, the user was not created: {0}"),
        N_("Error validating the schema of the user to follow."),
        N_("Error validating the schema of the dataset to follow."),
        N_("Error validating the schema of the group to follow."),
        N_("Package not found"),
        N_("Error validating the schema of the object to unfollow."),
        N_('Capacity must be one of "{}"'),
        N_("Not allowed to retrieve collaborators"),
    ),
    "ckan/logic/auth": (
        N_("User %s not authorized to add collaborators to this dataset"),
        N_("User %s not authorized to remove collaborators from this dataset"),
        N_("User %s not authorized to list collaborators from this dataset"),
    ),
    "ckan/public/base/javascript": (
        N_("Close"),
        N_("Please select the file to upload again"),
        N_("Input is too short, must be at least one character"),
        N_("Reorder resource view"),
    ),
    "ckan/templates/error_document_template.html": (
        N_("You might need to login to access this page."),
        N_("Click here to login"),
    ),
    "ckan/templates/header.html": (
        N_("View dashboard"),
        N_("Profile settings"),
        N_("Account"),
        N_("Toggle navigation"),
        N_("Search Datasets..."),
        N_("Submit"),
    ),
    "ckan/templates/page.html": (
        N_("Skip to main content"),
        N_("Breadcrumb"),
    ),
    "ckan/templates/emails": (
        N_(
            "Dear %(user_name)s, You have been invited to %(site_title)s. A user has already been created for you with the username %(user_name)s. You can change it later. You have been added to the %(group_type)s %(group_title)s with the following role: %(role_name)s. To accept this invite, please reset your password at: %(reset_link)s Have a nice day. -- Message sent by %(site_title)s (%(site_url)s)"
        ),
        N_("Invite for %(site_title)s"),
        N_(
            "Dear %(user_name)s, You have requested your password on %(site_title)s to be reset. Please click the following link to confirm this request: %(reset_link)s Have a nice day. -- Message sent by %(site_title)s (%(site_url)s)"
        ),
        N_("Reset your password - %(site_title)s"),
    ),
    "ckan/templates/group": (
        N_("CSV"),
        N_("0 Members"),
    ),
    "ckan/templates/macros/form": (
        N_("Key"),
        N_(
            'You can use <a href="#markdown" title="Markdown quick reference" data-bs-toggle="popover" data-bs-content="%(markdown_tooltip)s" data-bs-html="true">Markdown formatting</a> here'
        ),
    ),
    "ckan/templates/package/snippets/resources.html": (N_("Manage resource: {name}"),),
    "ckan/templates/package": (
        N_("Collaborators"),
        N_("Dataset description:"),
        N_("Please select the license"),
        N_("No Organization"),
    ),
    "ckan/templates/snippets/package_item.html": (N_("There is no description for this dataset"),),
    "ckan/templates/user": (
        # a user's state, shown on their profile (user/snippets/info.html)
        N_("active"),
        N_("pending"),
        N_("API Tokens"),
        N_("Are you sure you want to delete user - {name}?"),
        N_("Profile picture"),
        N_("Profile picture URL"),
        N_("Reactivate User"),
        N_("This account is deactivated, if you want to reactivate it, please click on checkbox."),
        N_("Sysadmin password"),
        N_("Reactivate Profile"),
        N_("User isn't a member of any groups."),
        N_("User isn't a member of any organizations."),
        N_("Request Reset"),
        N_("Actions"),
        N_("Last Active"),
        N_("Username or Email"),
    ),
    "ckan/views": (
        N_('Parameter u"{parameter_name}" is not an integer'),
        N_("Dataset not found or you have no permission to view it"),
        N_("Unauthorized to read package"),
        N_("Unauthorized to read collaborators {}"),
        N_("Unauthorized to delete collaborators {}"),
        N_("User removed from collaborators"),
        N_("Unauthorized to edit collaborators {}"),
        N_("User added to collaborators"),
        N_("Not authorized to access {group} members download"),
        N_("Members not found"),
        N_("N/A"),
        N_("members"),
        N_("Unauthorized to access"),
        N_("{} not found"),
        N_("Not authorized to download resource"),
        N_("Unauthorized to view API tokens."),
        N_("Unauthorized to create API tokens."),
        N_(
            'API Token created: <code style="word-break:break-all;">{token}</code> {copy}<br>Make sure to copy it now, you won\'t be able to see it again!'
        ),
        N_("Unauthorized to revoke API tokens."),
        N_("Not authorized to promote user to sysadmin"),
        N_("Promoted {} to sysadmin"),
        N_("Revoked sysadmin permission from {}"),
    ),
    "ckanext/activity": (
        N_("Activity not found"),
        N_("Unauthorized to view activity data"),
        N_("The detail of this dataset activity is not available"),
        N_("Invalid parameters"),
        N_("On %(timestamp)s, %(username)s:"),
        N_("No activity found for this type"),
        N_("No activity found"),
        N_(
            'You\'re currently viewing an old version of this dataset. Data files may not match the old version of the metadata. <a href="%(url)s">View the current version</a>.'
        ),
        N_("All activity types"),
        N_("Newer activities"),
        N_("Older activities"),
        N_("{actor} updated the {dataset_type} {dataset}"),
        N_("View this version"),
        N_("{actor} deleted the {dataset_type} {dataset}"),
        N_("{actor} {activity_type}"),
        N_("{actor} created the {dataset_type} {dataset}"),
        N_("Search followee"),
    ),
    "ckan/templates/admin and ckan/views/admin.py": (
        N_("Custom Stylesheet"),
        N_(
            '<p><strong>Site Title:</strong> This is the title of this CKAN instance It appears in various places throughout CKAN.</p> <p><strong>Custom Stylesheet:</strong> Define an alternative main CSS file.</p> <p><strong>Site Tag Logo:</strong> This is the logo that appears in the header of all the CKAN instance templates.</p> <p><strong>About:</strong> This text will appear on this CKAN instances <a href="%(about_url)s">about page</a>.</p> <p><strong>Intro Text:</strong> This text will appear on this CKAN instances <a href="%(home_url)s">home page</a> as a welcome to visitors.</p> <p><strong>Custom CSS:</strong> This is a block of CSS that appears in <code>&lt;head&gt;</code> tag of every page. If you wish to customize the templates more fully we recommend <a href="%(docs_url)s" target="_blank" rel="noreferrer">reading the documentation</a>.</p>'
        ),
        N_("Current Sysadmins"),
        N_("Revoke Sysadmin permission"),
        N_("Promote user to Sysadmin"),
        N_("Promote"),
        N_(
            '<p>As a sysadmin user you have full control over this CKAN instance. Proceed with care!</p> <p>For guidance on using sysadmin features, see the CKAN  <a href="%(docs_url)s" target="_blank" rel="noreferrer">sysadmin guide</a></p>'
        ),
        N_("Are you sure you want to purge everything?"),
        N_("Purge all"),
        N_("Purge deleted datasets, organizations or groups forever and irreversibly."),
        N_("Deleted datasets"),
        N_("Deleted organizations"),
        N_("Deleted groups"),
        N_("Are you sure you want to purge datasets?"),
        N_("Are you sure you want to purge organizations?"),
        N_("Are you sure you want to purge groups?"),
        N_("{number} datasets have been purged"),
        N_("{number} organizations have been purged"),
        N_("{number} groups have been purged"),
        N_("There are no datasets to purge"),
        N_("There are no organizations to purge"),
        N_("There are no groups to purge"),
        N_("Massive purge complete"),
    ),
}

#: Plural msgids (CKAN's ``ungettext``).
PLURAL_MSGIDS = (
    ungettext("{num} Member", "{num} Members"),  # templates/group/snippets/group_item.html
)
