# -*- coding: utf-8 -*-
"""ckanext-territoires: pool an intercommunality's open data on one CKAN portal."""
from setuptools import find_packages, setup

CKAN_VERSION = "2.11.6"

setup(
    name="ckanext-territoires",
    version="0.1.0",
    description=(
        "CKAN extension for French intercommunalities: commune pages, "
        "per-commune dataset groups, harvesting and DCAT-AP republishing, "
        "with a PostgreSQL search backend in place of Solr."
    ),
    long_description=open("README.md", encoding="utf-8").read(),
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
    ],
    extras_require={
        "test": [
            "pytest",
            "pytest-ckan",
            "pytest-factoryboy",
            "factory-boy",
            "pytest-cov",
            # drives Debian's chromium for the page tests (no browser download)
            "playwright",
            # validates the DCAT-AP 3 export against the SEMIC SHACL shapes
            "pyshacl",
        ],
    },
    entry_points="""
        [ckan.plugins]
        territoires=ckanext.territoires.plugin:TerritoiresPlugin
        territoires_search=ckanext.territoires.plugin:TerritoiresSearchPlugin
        territoires_harvest=ckanext.territoires.plugin:TerritoiresHarvestPlugin
        territoires_ckan_harvester=ckanext.territoires.harvesters.ckan:CkanHarvester
        territoires_dcat_harvester=ckanext.territoires.harvesters.dcat:DcatHarvester
        territoires_ods_harvester=ckanext.territoires.harvesters.ods:OdsHarvester
        territoires_udata_harvester=ckanext.territoires.harvesters.udata:UdataHarvester
        territoires_csw_harvester=ckanext.territoires.harvesters.csw:CswHarvester

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
        ],
    },
)
