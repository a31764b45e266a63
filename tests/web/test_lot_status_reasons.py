"""Why a lot has its status: the reason of the last change in the API, and the status
history (who, when, why) on the lot page."""

from tests.factories import candle_workshop, receive


def test_status_reason_and_history_by_the_api_and_on_the_lot_page(app, users, client,
                                                                   manager, login_as):
    candle_workshop()
    code = receive("WAX", "1000")
    first = client.get(f"/api/v1/lots/{code}", headers=manager).json
    assert first["status_reason"] is None and first["status_history"] == []
    blocked = client.post(f"/api/v1/lots/{code}/status", headers=manager,
                          json={"status": "blocked", "reason": "smells of smoke"})
    assert blocked.status_code == 200 and blocked.json["status_reason"] == "smells of smoke"
    client.post(f"/api/v1/lots/{code}/status", headers=manager,
                json={"status": "quarantine", "reason": "sample sent to the lab"})
    seen = client.get(f"/api/v1/lots/{code}", headers=manager).json
    assert (seen["status"], seen["status_reason"]) == ("quarantine", "sample sent to the lab")
    assert [(h["previous"], h["status"], h["reason"]) for h in seen["status_history"]] == [
        ("blocked", "quarantine", "sample sent to the lab"),
        ("released", "blocked", "smells of smoke")]
    assert {h["user"] for h in seen["status_history"]} == {"manager"}
    assert all(h["at"].endswith("Z") for h in seen["status_history"])
    text = login_as("manager").get(f"/l/{code}").data.decode()
    assert "Why: sample sent to the lab" in text.replace("</p>", "")
    assert "Status history" in text and "smells of smoke" in text
    history = text.split("Status history")[1]
    assert history.count("manager") >= 2 and "UTC" in history
