"""Messages people read: a refused line names its place in words ("Line 2: quantity …"),
never a field path, while the API's details keep the path; barcode, GS1, number and unit
errors of the plain-Python modules come in the user's language; counts agree in French."""

import pytest

from tests.factories import candle_workshop

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def shop(app, users):
    candle_workshop()


def receipt(client, headers, second_line):
    return client.post("/api/v1/receipts", headers=headers, json={
        "supplier": "Cires du Sud", "location": "STORE",
        "lines": [{"item": "WAX", "quantity": "100"}, second_line]})


def test_a_refused_receipt_line_is_named_in_words_in_both_languages(client, operator, shop):
    english = receipt(client, operator, {"item": "WAX", "quantity": "-3"})
    french = receipt(client, {**operator, **FR}, {"item": "WAX", "quantity": "-3"})
    assert english.status_code == french.status_code == 400
    assert english.json["error"]["details"]["field"] == "lines[1].quantity"
    assert french.json["error"]["details"]["field"] == "lines[1].quantity"
    assert english.json["error"]["message"] == "Line 2: quantity must be greater than zero"
    assert french.json["error"]["message"] == \
        "Ligne 2 : la quantité doit être une valeur supérieure à zéro"
    unit = receipt(client, {**operator, **FR}, {"item": "WAX", "quantity": "1", "unit": "pcs"})
    assert unit.json["error"]["details"]["field"] == "lines[1].quantity"
    assert unit.json["error"]["message"].startswith("Ligne 2 : la quantité : impossible de "
                                                    "convertir des pcs en g")
    word = receipt(client, {**operator, **FR}, {"item": "WAX", "quantity": "beaucoup"})
    assert word.json["error"]["message"] == \
        "Ligne 2 : la quantité : « beaucoup » n’est pas un nombre"
    for answer in (english, french, unit, word):
        assert "lines[" not in answer.json["error"]["message"]


def test_a_receipt_refused_on_the_page_shows_a_sentence(client, login_as, shop):
    login_as("operator")
    page = client.post("/receive", data={
        "supplier": "Cires du Sud", "location": "STORE", "item": ["WAX", "WAX"],
        "quantity": ["100", "0"], "unit": ["", ""], "unit_cost": ["", ""],
        "expiry": ["", ""], "supplier_lot": ["", ""]}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "lines[" not in text
    assert "Line 2: quantity must be greater than zero" in text


@pytest.mark.parametrize("payload, english, french", [
    ("4006381333932", "4006381333932 is not a valid GTIN: wrong check digit.",
     "4006381333932 n’est pas un GTIN valable : la clé de contrôle est fausse."),
    ("]C101095011010209121727050010ABCD12",
     "GS1 (01): 09501101020912 has a wrong check digit.",
     "GS1 (01) : la clé de contrôle de 09501101020912 est fausse."),
    ("]C1XYZ", "XYZ is not a valid GS1 barcode.", "XYZ n’est pas un code-barres GS1 valable."),
])
def test_barcode_and_gs1_refusals_speak_the_users_language(client, operator, shop,
                                                          payload, english, french):
    answers = [client.post("/api/v1/scan", json={"payload": payload}, headers=headers)
               for headers in (operator, {**operator, **FR})]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json["error"]["code"] == answers[1].json["error"]["code"]
    assert [a.json["error"]["message"] for a in answers] == [english, french]


def test_an_order_refused_by_its_status_is_explained_in_french(client, operator, users):
    from krafte_pwa.services import production
    from tests.production_factories import candle_batch_workshop

    candle_batch_workshop()
    number = production.plan_order(item="CANDLE", quantity="1").number
    answers = [client.post(f"/api/v1/production-orders/{number}/complete", json={
        "quantity": "1"}, headers=headers) for headers in (operator, {**operator, **FR})]
    assert [a.status_code for a in answers] == [409, 409]
    assert [a.json["error"]["message"] for a in answers] == [
        f"{number}: cannot complete an order that is planned",
        f"{number} : impossible de terminer un ordre planifié"]


def test_moments_are_written_in_the_users_locale_for_the_device_to_localise(client, login_as,
                                                                          shop):
    import re

    from krafte_pwa.services import stock
    from tests.factories import receive

    code = receive("WAX", "100")
    stock.change_lot_status(lot=code, status="blocked", reason="smells of smoke")
    login_as("operator")
    client.post("/language", data={"locale": "fr", "next": "/"})
    page = client.get(f"/l/{code}").get_data(as_text=True)
    moment = re.search(r'<time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)" data-local>'
                       r'(\d\d/\d\d/\d{4} \d\d:\d\d) UTC</time>', page)
    assert moment, page
    day, month, year = moment.group(2)[:10].split("/")
    assert moment.group(1).startswith(f"{year}-{month}-{day}")


def test_a_date_in_a_refusal_is_written_in_the_users_locale(client, operator, users):
    from krafte_pwa.services import production
    from tests.factories import in_days, receive
    from tests.production_factories import candle_batch_workshop

    candle_batch_workshop()
    expired = receive("WAX", "500", expiry=in_days(-2))
    number = production.plan_order(item="CANDLE", quantity="1").number
    answers = [client.post(f"/api/v1/production-orders/{number}/start", headers=headers,
                           json={"picks": [{"lot": expired, "quantity": "200"}]})
               for headers in ({**operator, **FR}, operator)]
    assert [a.json["error"]["code"] for a in answers] == ["lot_expired", "lot_expired"]
    day = in_days(-2)
    assert f"le {day:%d/%m/%Y}" in answers[0].json["error"]["message"]
    assert f"{day:%b} {day.day}, {day.year}" in answers[1].json["error"]["message"]


def test_a_label_refusal_speaks_the_users_language(client, login_as, shop):
    from tests.factories import receive

    code = receive("WAX", "100")
    login_as("operator")
    english = client.get(f"/labels/lots.pdf?codes={code}&layout=a9-1x1")
    client.post("/language", data={"locale": "fr", "next": "/"})
    french = client.get(f"/labels/lots.pdf?codes={code}&layout=a9-1x1")
    assert english.status_code == french.status_code == 400
    assert english.json["error"]["code"] == french.json["error"]["code"] == "unknown_layout"
    assert english.json["error"]["message"].startswith("unknown label layout 'a9-1x1'")
    assert french.json["error"]["message"].startswith("planche d’étiquettes inconnue « a9-1x1 »")
