"""Refusals speak the user's language: a French operator reads why a move was refused in
French, on the page and in the API answer the app's scripts show; an API client that asks
for nothing gets English. Codes stay the same."""

import re
from html import unescape

import pytest

from tests.factories import candle_workshop, receive


@pytest.fixture
def shop(app, users):
    candle_workshop()
    return receive("WAX", "100")


def flashes(response) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="flash error"[^>]*>([^<]*)</p>',
                                             response.get_data(as_text=True))]


def test_a_refused_move_is_explained_in_french(client, login_as, shop):
    login_as("operator")
    client.post("/language", data={"locale": "fr", "next": "/"})
    page = client.post(f"/l/{shop}/move", data={"from": "STORE", "to": "SHELF",
                                                "quantity": "250"}, follow_redirects=True)
    (message,) = flashes(page)
    assert shop in message and "250" in message and "cannot take" not in message
    assert "impossible" in message
    page = client.post(f"/l/{shop}/move", data={"from": "STORE", "to": "NOWHERE",
                                                "quantity": "1"}, follow_redirects=True)
    (message,) = flashes(page)
    assert "NOWHERE" in message and "no location" not in message


def test_the_api_answers_in_the_language_asked_with_the_same_code(client, operator, shop):
    move = {"lot": shop, "from": "STORE", "to": "SHELF", "quantity": "250"}
    english = client.post("/api/v1/transfers", json=move, headers=operator)
    french = client.post("/api/v1/transfers", json=move,
                         headers={**operator, "Accept-Language": "fr-FR,fr;q=0.9"})
    assert english.status_code == french.status_code == 409
    assert english.json["error"]["code"] == french.json["error"]["code"] == "insufficient_stock"
    assert "cannot take 250" in english.json["error"]["message"]
    assert french.json["error"]["message"] != english.json["error"]["message"]
    assert shop in french.json["error"]["message"]
    required = client.post("/api/v1/transfers", json={**move, "quantity": ""},
                           headers={**operator, "Accept-Language": "fr"})
    assert required.status_code == 400
    assert required.json["error"]["message"] == "la quantité est obligatoire"
