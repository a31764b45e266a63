"""Sales channels (admins): list, create, a channel's products, the stock levels it is
still owed (with their error) and a resend button, the latest webhooks it sent."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..models import CHANNEL_KINDS
from ..services import channels
from .api.channels import CHANNEL_FIELDS
from .auth import role_required
from .refused import refusal
from .serializers.channels import webhook_url

bp = Blueprint("channels", __name__, url_prefix="/channels")


def _kinds() -> dict:
    return {"shopify": "Shopify", "woocommerce": "WooCommerce",
            "generic": _("Generic (a till, another shop)")}


@bp.get("/")
@role_required("admin")
def index(form=None, status=200):
    return render_template("channels/index.html", channels=channels.list_channels(),
                           kinds=_kinds(), kind_codes=CHANNEL_KINDS, form=form or {},
                           webhook_url=webhook_url), status


@bp.post("/")
@role_required("admin")
def create():
    with refusal() as refused:
        channel = channels.create_channel(**{k: request.form.get(k) or None
                                             for k in CHANNEL_FIELDS})
        flash(_("Channel %(name)s created.", name=channel.name), "success")
    if refused:
        return index(form=request.form, status=400)
    return redirect(url_for("channels.show", name=channel.name))


@bp.get("/<name>")
@role_required("admin")
def show(name, form=None, status=200):
    return render_template("channels/show.html", view=channels.channel_view(name),
                           kinds=_kinds(), webhook_url=webhook_url(name),
                           statuses={"processed": _("Processed"), "ignored": _("Ignored"),
                                     "failed": _("Failed")},
                           form=form or {}), status


@bp.post("/<name>/products")
@role_required("admin")
def map_product(name):
    with refusal() as refused:
        channels.map_product(name, request.form.get("item"), request.form.get("external_id"))
        flash(_("Product offered on %(name)s; its stock level will be sent.", name=name),
              "success")
    if refused:
        return show(name, form=request.form, status=400)
    return redirect(url_for("channels.show", name=name))


@bp.post("/<name>/outbox/<int:message_id>/resend")
@role_required("admin")
def resend(name, message_id):
    with refusal() as refused:
        channels.resend(name, message_id)
        flash(_("The stock level will be sent again."), "success")
    if refused:
        return show(name, status=400)
    return redirect(url_for("channels.show", name=name) + "#outbox")
