"""ckanext-territoires: pool an intercommunality's open data on one CKAN portal."""

import glob
import os
import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

CKAN_VERSION = "2.11.6"
HERE = os.path.dirname(os.path.abspath(__file__))
I18N_DOMAIN = "ckanext-territoires"
#: Catalogues (.po) live in i18n/; they ship in the package with their
#: compiled .mo, as ITranslation expects: CKAN reads the .mo for the pages and
#: the .po for the strings of its JavaScript (``/api/i18n/<lang>``).
I18N_TARGET = os.path.join("ckanext", "territoires", "i18n")


def compile_catalogues(target_root):
    """i18n/<locale>/LC_MESSAGES/*.po -> <target_root>/<locale>/LC_MESSAGES/*.mo and .po"""
    from babel.messages import mofile, pofile

    written = []
    for po_path in sorted(glob.glob(os.path.join(HERE, "i18n", "*", "LC_MESSAGES", "*.po"))):
        locale = po_path.split(os.sep)[-3]
        with open(po_path, "rb") as po_file:
            catalog = pofile.read_po(po_file, locale=locale, domain=I18N_DOMAIN)
        mo_path = os.path.join(
            target_root, locale, "LC_MESSAGES", os.path.basename(po_path)[:-3] + ".mo"
        )
        os.makedirs(os.path.dirname(mo_path), exist_ok=True)
        with open(mo_path, "wb") as mo_file:
            mofile.write_mo(mo_file, catalog, use_fuzzy=False)
        # a new copy (not copy2): CKAN rebuilds its JavaScript strings when a
        # catalogue is newer than them
        shutil.copyfile(po_path, mo_path[:-3] + ".po")
        written += [mo_path, mo_path[:-3] + ".po"]
    return written


class build_py_with_catalogues(build_py):
    """Compile the translations into the package (the source tree for an
    editable install, the build directory for a wheel)."""

    def run(self):
        super().run()
        root = HERE if self.editable_mode else self.build_lib
        self.compiled_catalogues = compile_catalogues(os.path.join(root, I18N_TARGET))

    def get_outputs(self, include_bytecode=True):
        return super().get_outputs(include_bytecode) + list(
            getattr(self, "compiled_catalogues", [])
        )


setup(
    name="ckanext-territoires",
    version="0.1.0",
    description=(
        "CKAN extension for French intercommunalities: commune pages, "
        "per-commune dataset groups, harvesting and DCAT-AP republishing, "
        "with a PostgreSQL search backend in place of Solr."
    ),
    long_description=Path(HERE, "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    classifiers=[
        "License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)",
        "Programming Language :: Python :: 3.11",
        "Framework :: CKAN",
        "Natural Language :: French",
    ],
    python_requires=">=3.10",
    packages=find_packages(exclude=["tests", "tests.*", "bench", "bench.*"]),
    namespace_packages=["ckanext"],
    include_package_data=True,
    zip_safe=False,
    install_requires=[
        "ckan[requirements]==%s" % CKAN_VERSION,
        "ckanext-scheming==3.1.0",
        "ckanext-harvest==1.6.3",
        "ckanext-dcat==2.4.4",
        "requests",
        # commune outlines: unions, intersections, spatial index (geography/)
        "shapely>=2.0",
        # validation of resources against Table Schemas (pooling/)
        "frictionless>=5.18,<6",
        # data tables of CSV and spreadsheet resources in the DataStore. 2.5.2
        # is the newest release that resolves with CKAN 2.11.6's pins (2.6.0
        # needs requests>=2.34.2, CKAN pins 2.33.0); its install_requires is
        # empty, so the packages its code imports are listed here (its
        # requirements.txt)
        "ckanext-xloader==2.5.2",
        "tabulator>=1.53.5",
        "Unidecode>=1.1",
        "python-dateutil>=2.8.2",
        "chardet>=5",
        "six>=1.12",
    ],
    extras_require={
        # the WSGI server of config/production/ (README, "Production")
        "production": ["gunicorn>=23"],
        "test": [
            # `make run-prod` and its test (tests/config/test_run_prod.py)
            "gunicorn>=23",
            "pytest",
            "pytest-ckan",
            "pytest-factoryboy",
            "factory-boy",
            "pytest-cov",
            # drives Debian's chromium for the page tests (no browser download)
            "playwright",
            # validates the DCAT-AP 3 export against the SEMIC SHACL shapes
            "pyshacl",
            # property-based tests of the search inputs (tests/search/test_guard.py)
            "hypothesis",
            # lint, format, types and complexity, checked by `make lint` (part of `make test`)
            "ruff==0.17.6",
            "mypy==1.10.1",
            "xenon==0.9.3",
            "types-requests",
            "types-PyYAML",
            "types-python-dateutil",
            "lxml-stubs",
        ],
    },
    cmdclass={"build_py": build_py_with_catalogues},
    entry_points="""
        [ckan.plugins]
        territoires=ckanext.territoires.plugin:TerritoiresPlugin
        territoires_search=ckanext.territoires.search.plugin:TerritoiresSearchPlugin
        territoires_harvest=ckanext.territoires.harvesters.plugin:TerritoiresHarvestPlugin
        territoires_ckan_harvester=ckanext.territoires.harvesters.kinds.ckan_portal:CkanHarvester
        territoires_dcat_harvester=ckanext.territoires.harvesters.kinds.dcat:DcatHarvester
        territoires_ods_harvester=ckanext.territoires.harvesters.kinds.ods:OdsHarvester
        territoires_udata_harvester=ckanext.territoires.harvesters.kinds.udata:UdataHarvester
        territoires_csw_harvester=ckanext.territoires.harvesters.kinds.csw:CswHarvester
        territoires_catalogue_csv_harvester=ckanext.territoires.harvesters.kinds.catalogue_csv:CatalogueCsvHarvester
        territoires_pooling=ckanext.territoires.pooling.plugin:TerritoiresPoolingPlugin

        [ckan.rdf.profiles]
        territoires_dcat_ap=ckanext.territoires.dcat.profile:TerritoiresDCATAPProfile

        [babel.extractors]
        ckan = ckan.lib.extract:extract_ckan
    """,
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
            ("**/schemas/**.yaml", "ckanext.territoires.translations.extract_schema", None),
        ],
    },
)
