"""The journal page (managers), its downloads, closing a month and the account map
(admins); operators get a 403 and never see a cost."""

from tests.accounting_factories import workshop_month


def test_journal_page_and_downloads(client, users, login_as):
    month = workshop_month()
    period = f"from={month['first'].isoformat()}&to={month['last'].isoformat()}"
    login_as("operator")
    assert client.get("/accounting/").status_code == 403
    login_as("manager")
    page = client.get(f"/accounting/?{period}").get_data(as_text=True)
    assert "Stock journal" in page and "RC-" in page and "408" in page
    assert "Close the month" not in page and "account_raw_materials" not in page
    fec = client.get(f"/accounting/?{period}&format=fec")
    assert fec.status_code == 200 and fec.data.startswith(b"JournalCode\tJournalLib\t")
    assert "Content-Length" not in fec.headers  # streamed
    assert client.post("/accounting/close", data={"month": "2020-01"}).status_code == 403
    login_as("admin")
    page = client.get("/accounting/").get_data(as_text=True)
    assert "Close the month" in page and 'name="account_raw_materials"' in page
    form = {f"account_{name}": number for name, number in {
        "raw_materials": "310", "intermediates": "351", "wip": "331", "finished_goods": "355",
        "variation_raw_materials": "6031", "variation_wip": "7133",
        "variation_products": "7135", "goods_received_not_invoiced": "408",
        "cost_of_goods_sold": "7135", "production_absorbed": "7135",
        "adjustment_loss": "658", "adjustment_gain": "758", "count_loss": "658",
        "count_gain": "758", "scrap": "658", "opening_stock": "471", "rounding": "658",
    }.items()}
    saved = client.post("/accounting/settings", data={**form, "method": "periodic",
                                                       "siren": "123456789"})
    assert saved.status_code == 302
    page = client.get(f"/accounting/?{period}").get_data(as_text=True)
    assert "310" in page and "Change in stock" in page
    closed = client.post("/accounting/close", data={"month": month["first"].strftime("%Y-%m")},
                         follow_redirects=True)
    assert "is closed: its journal is frozen" in closed.get_data(as_text=True)


def test_unit_costs_on_pages_show_four_decimals_below_one(client, users, login_as):
    month = workshop_month()
    login_as("manager")
    page = client.get(f"/l/{month['lots']['pres']}").get_data(as_text=True)
    assert "€0.0360" in page  # preservative at 0.036 a gram
    page = client.get(f"/l/{month['lots']['shea_3']}").get_data(as_text=True)
    assert "€10.50" in page
