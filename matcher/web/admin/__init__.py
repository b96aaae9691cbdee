"""Administration: users, the interest taxonomy, imports and exports (admins only)."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from sqlalchemy import func, select

from matcher.accounts.models import Role, User
from matcher.catalogue.models import InterestTerm, Mentor, Offer, Organisation
from matcher.web.auth import roles_required
from matcher.web.database import get_session

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    """Register the administration blueprint."""
    app.register_blueprint(bp)


@bp.before_request
@roles_required(Role.admin)
def _admins_only():
    return None


@bp.get("/")
def index():
    """Show the administration front page with counts."""
    session = get_session()

    def count(column) -> int:
        return session.scalar(select(func.count(column))) or 0

    unmapped = session.scalar(select(func.count(InterestTerm.id)).where(InterestTerm.needs_mapping.is_(True))) or 0
    return render_template("admin/index.html", users=count(User.id), offers=count(Offer.id),
                           organisations=count(Organisation.id), mentors=count(Mentor.id),
                           terms=count(InterestTerm.id), unmapped=unmapped)


from matcher.web.admin import auditlog, outbox, taxonomy, transfers, users  # noqa: E402,F401  (registers routes)
