"""Templates translate with the catalogue of the request's locale, looked up once per
request, and follow a locale forced for a while (flask_babel.force_locale) and back."""

from flask import g, render_template_string
from flask_babel import force_locale

from krafte_pwa.web import pwa

PAGE = ('{{ _("Offline") }} · '
        '{{ ngettext("Expiring within %(num)d day", "Expiring within %(num)d days", 2) }}')


def test_templates_follow_a_forced_locale_and_come_back(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        g.pop("_flask_babel", None)
        assert render_template_string(PAGE) == "Offline · Expiring within 2 days"
        with force_locale("fr"):
            assert render_template_string(PAGE) == "Hors ligne · Péremption d’ici 2 jours"
        assert render_template_string(PAGE) == "Offline · Expiring within 2 days"


def test_the_script_strings_are_the_json_tojson_wrote(app):
    with app.test_request_context("/"):
        assert str(pwa.js_strings_json()) == render_template_string(
            "{{ strings()|tojson }}", strings=pwa.js_strings)


def test_the_script_strings_are_made_once_per_language(client, login_as):
    login_as("operator")
    first = client.get("/").get_data(as_text=True)
    assert client.get("/menu").status_code == 200
    made = client.application.extensions["krafte_js_strings"]
    assert list(made) == ["en"] and str(made["en"]) in first
