"""The alembic environment of this package's plugins, shared by their
``migration/<plugin>/env.py``: each plugin's version table is
``<plugin>_alembic_version``, so that it never collides with CKAN core's or
another plugin's migrations, and only its own tables are compared.
"""

from logging.config import fileConfig

from alembic import context
from ckan.model.meta import metadata
from sqlalchemy import engine_from_config, pool


def run(name: str) -> None:
    """Run the migrations of the plugin ``name``."""
    config = context.config
    fileConfig(config.config_file_name)
    target_metadata = metadata

    def include_object(object, object_name, type_, reflected, compare_to):
        if type_ == "table":
            return object_name.startswith(name)
        return True

    def run_migrations_offline():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
            version_table=f"{name}_alembic_version",
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()

    def run_migrations_online():
        connectable = engine_from_config(
            config.get_section(config.config_ini_section),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with connectable.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                version_table=f"{name}_alembic_version",
                include_object=include_object,
            )
            with context.begin_transaction():
                context.run_migrations()

    if context.is_offline_mode():
        run_migrations_offline()
    else:
        run_migrations_online()
