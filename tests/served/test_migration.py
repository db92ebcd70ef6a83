"""Migration 0004_served creates the tables the models describe, and takes them away again."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from extensions import db
from served.models import ServedHour, ServedImport
from tests.conftest import test_config as config_for


def test_upgrade_and_downgrade(tmp_path):
    app = create_app(config_for(f"sqlite:///{tmp_path / 'migrated.db'}"))
    with app.app_context():
        upgrade()
        inspector = sa.inspect(db.engine)
        for model in (ServedImport, ServedHour):
            columns = {c["name"] for c in inspector.get_columns(model.__tablename__)}
            assert columns == {c.name for c in model.__table__.columns}
        assert inspector.get_pk_constraint("served_hours")["constrained_columns"] == ["service_point_id", "hour"]
        assert {i["name"] for i in inspector.get_indexes("served_hours")} == {"ix_served_hours_hour", "ix_served_hours_import_id"}
        downgrade(revision="0004_signals")
        assert "served_hours" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
