"""Home: what needs doing."""

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import func, select

from ..extensions import db
from ..models import Item, Lot

bp = Blueprint("pages", __name__)


@bp.get("/")
@login_required
def home():
    counts = {
        "items": db.session.execute(select(func.count(Item.id))).scalar_one(),
        "quarantine": db.session.execute(
            select(func.count(Lot.id)).where(Lot.status == "quarantine")).scalar_one(),
    }
    return render_template("pages/home.html", counts=counts)
