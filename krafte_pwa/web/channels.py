"""Sales channels (admins): list, create, a channel's products, the stock levels it is
still owed (with their error) and a resend button, the latest webhooks it sent."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..domain.vocabulary import CHANNEL_KIND_LABELS, DELIVERY_STATUS_LABELS, OUTBOX_STATUS_LABELS
from ..services import channels
from .api.channels import CHANNEL_FIELDS
from .auth import role_required
from .refused import refusal
from .serializers.channels import webhook_url

bp = Blueprint("channels", __name__, url_prefix="/channels")


def _words(labels: dict) -> dict:
    return {code: _(label) for code, label in labels.items()}


def _kinds() -> dict:
    return _words(CHANNEL_KIND_LABELS)


@bp.get("/")
@role_required("admin")
def index(form=None, status=200):
    return render_template("channels/index.html", channels=channels.list_channels(),
                           kinds=_kinds(), form=form or {},
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
                           statuses=_words(DELIVERY_STATUS_LABELS),
                           outbox_statuses=_words(OUTBOX_STATUS_LABELS),
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
