"""A refusal in every language of the app: the API's error carries its message in English
and in French (`translations`), whatever language the request asked for, so the offline
queue shows a refusal it kept in the language of the page that reads it later. The receive
page names a refused line by the number the user saw, blank lines in between or not."""

import pytest

from tests.factories import candle_workshop, receive

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def shop(app, users):
    candle_workshop()
    return receive("WAX", "100")


def test_a_refusal_carries_its_message_in_every_language(client, operator, shop):
    move = {"lot": shop, "from": "STORE", "to": "SHELF", "quantity": "2500.5"}
    english = client.post("/api/v1/transfers", json=move, headers=operator)
    french = client.post("/api/v1/transfers", json=move, headers={**operator, **FR})
    assert english.status_code == french.status_code == 409
    for answer in (english, french):
        texts = answer.json["error"]["translations"]
        assert texts == {
            "en": f"lot {shop} has 100 g here, cannot take 2,500.5",
            "fr": f"le lot {shop} n’a que 100 g ici : impossible d’en prendre 2\u202f500,5"}
        assert answer.json["error"]["details"]["requested"] == "2500.5"  # for machines
    assert english.json["error"]["message"] == english.json["error"]["translations"]["en"]
    assert french.json["error"]["message"] == french.json["error"]["translations"]["fr"]


def test_the_words_inside_a_refusal_are_translated_too(client, operator, shop):
    """A field name and a line's place are sentences of their own: made again in French."""
    answer = client.post("/api/v1/receipts", headers=operator, json={
        "supplier": "Cires du Sud", "location": "STORE",
        "lines": [{"item": "WAX", "quantity": "1"}, {"item": "WAX", "quantity": "0"}]})
    assert answer.status_code == 400
    assert answer.json["error"]["translations"] == {
        "en": "Line 2: quantity must be greater than zero",
        "fr": "Ligne 2 : la quantité doit être une valeur supérieure à zéro"}
    word = client.post("/api/v1/receipts", headers=operator, json={
        "supplier": "Cires du Sud", "location": "STORE",
        "lines": [{"item": "WAX", "quantity": "1"}, {"item": "WAX", "quantity": "beaucoup"}]})
    assert word.json["error"]["translations"]["fr"] == \
        "Ligne 2 : la quantité : « beaucoup » n’est pas un nombre"  # a plain module's error
    required = client.post("/api/v1/transfers", headers=operator, json={
        "lot": shop, "from": "STORE", "to": "SHELF", "quantity": ""})
    assert required.json["error"]["translations"]["fr"] == "la quantité est obligatoire"
    assert required.json["error"]["details"]["field"] == "quantity"


def test_a_blank_line_does_not_renumber_the_lines_after_it(client, login_as, shop):
    login_as("operator")
    page = client.post("/receive", data={
        "supplier": "Cires du Sud", "location": "STORE", "item": ["WAX", "", "WAX"],
        "quantity": ["100", "", "0"], "unit": ["", "", ""], "unit_cost": ["", "", ""],
        "expiry": ["", "", ""], "supplier_lot": ["", "", ""]})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Line 3: quantity must be greater than zero" in text
    assert "Line 2:" not in text


def test_counts_follow_each_languages_plural_rule(client, login_as):
    from tests.planning_factories import soap_workshop

    soap_workshop()
    login_as("manager")
    client.post("/language", data={"locale": "fr", "next": "/"})
    html = client.get("/planning/make/BAR?quantity=100").get_data(as_text=True)
    assert "Planifier l’ordre et ses 2 ordres liés" in html
    assert "(s)" not in html
    planned = client.post("/planning/make/BAR", data={"quantity": "100"},
                          follow_redirects=True).get_data(as_text=True)
    assert "planifié avec 2 ordres liés." in planned


@pytest.mark.parametrize("path, form", [
    ("/purchasing/new", {"supplier": "Cires du Sud", "item": ["WAX", "", "WAX"],
                         "quantity": ["100", "", "0"], "unit": ["", "", ""],
                         "price": ["", "", ""], "line_expected_date": ["", "", ""]}),
    ("/sales/new", {"customer": "Boutique Lune", "item": ["WAX", "", "WAX"],
                    "quantity": ["1", "", "0"], "unit_price": ["", "", ""]}),
    ("/shipments/new", {"customer": "Boutique Lune", "item": ["WAX", "", "WAX"],
                        "quantity": ["1", "", "0"]}),
    ("/production/recipes/CANDLE", {"yield_quantity": "1", "item": ["WAX", "", "WICK"],
                         "quantity": ["200", "", "0"], "unit": ["", "", ""],
                         "loss_percent": ["", "", ""]}),
])
def test_every_line_form_names_a_refused_line_as_the_page_showed_it(client, login_as, shop,
                                                                       path, form):
    login_as("manager")
    page = client.post(path, data=form)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Line 3: quantity" in text
    assert "Line 2:" not in text
