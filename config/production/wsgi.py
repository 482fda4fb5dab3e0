"""WSGI entry point of the portal, as in CKAN's documentation ("Deploying a
source install": ``wsgi.py``), for gunicorn or uWSGI:

    CKAN_INI=/etc/ckan/territoires/ckan.ini \
        gunicorn --config config/production/gunicorn.conf.py \
        --chdir config/production wsgi:application

``CKAN_INI`` names the configuration file (the production one rendered by
``python config/bootstrap.py render-production DIR``); its logging sections
are applied first (to standard error: journald or supervisor keep it).
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config_file = os.environ.get("CKAN_INI", "/etc/ckan/territoires/ckan.ini")
fileConfig(config_file, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(config_file).get_config())
