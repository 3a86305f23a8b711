"""GET /healthz for load balancers: 200 when the database answers, 503 when it does not.

GET /healthz/floor is the benchmarks' floor (bench/_server.py): the same stack answering a minimal
page that runs one primary-key query, so page timings compare across machines as ratios to it.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from shared.auth.access import public
from shared.db import db
from shared.models import Service

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/healthz/floor")
@public
def floor():
    try:
        db.session.scalar(select(Service.id).where(Service.id == 1))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok"), 200
