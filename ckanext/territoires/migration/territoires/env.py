"""Alembic environment of the territoires plugin (shared: ../alembic_env.py)."""

import os

from ckanext.territoires.migration.alembic_env import run

run(os.path.basename(os.path.dirname(__file__)))
