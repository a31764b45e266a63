"""What every area's JSON shares: who sees costs, a page of rows."""

from flask_login import current_user


def shows_costs() -> bool:
    return bool(getattr(current_user, "sees_costs", False))


def page_json(page, rows) -> dict:
    return {"items": rows, "total": page.total, "page": page.page, "per_page": page.per_page}


def list_json(rows) -> dict:
    """A whole list answered as one page."""
    return {"items": rows, "total": len(rows), "page": 1, "per_page": len(rows)}
