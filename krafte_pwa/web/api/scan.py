"""POST /api/v1/scan (a payload) and /api/v1/scan/image (a photo or camera frame)."""

from flask import request

from ...errors import BadInput
from ...messages import _
from ...services import scan
from ..labels import label_base
from ..serializers.scan import decoded_json, resolved_json
from . import body, bp


@bp.post("/scan")
def scan_payload():
    data = body()
    return resolved_json(scan.resolve(data.get("payload")), label_base()[0])


@bp.post("/scan/image")
def scan_image():
    upload = request.files.get("image")
    if upload is None:
        raise BadInput(_("send the picture as multipart field 'image'"), code="no_image")
    results = scan.decode_and_resolve(upload.read(), live=request.args.get("live") == "1")
    return decoded_json(results, label_base()[0])
