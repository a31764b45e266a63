"""The OpenAPI document lists every /api/v1 call the app answers, with its methods, and
nothing the app does not answer."""

import re


def _paths(rule: str) -> list[str]:
    """/imports/<any(items, 'opening-stock'):kind> -> /imports/items, /imports/opening-stock;
    /lots/<code> -> /lots/{code}."""
    choice = re.search(r"<any\(([^)]*)\):\w+>", rule)
    if choice:
        return [p for value in choice.group(1).split(",")
                for p in _paths(rule.replace(choice.group(0), value.strip(" '\"")))]
    return [re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)]


def test_every_api_route_is_in_the_openapi_document(app, client):
    document = client.get("/api/v1/openapi.json").json
    documented = {(p, m) for p, ops in document["paths"].items() for m in ops
                  if m in {"get", "post", "put", "patch", "delete"}}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for path in _paths(rule.rule.removeprefix("/api/v1")):
            routes.update((path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"})
    routes.discard(("/openapi.json", "get"))
    assert sorted(routes - documented) == [], "routes missing from the document"
    assert sorted(documented - routes) == [], "documented calls the app does not answer"
    assert {"/scan", "/scan/image", "/imports/opening-stock"} <= set(document["paths"])
    image = document["paths"]["/scan/image"]["post"]
    assert "multipart/form-data" in image["requestBody"]["content"]
