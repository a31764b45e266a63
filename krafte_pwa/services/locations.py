"""Storage locations: create, rename, move, archive; the tree pages show."""

from typing import NamedTuple

from sqlalchemy import func, select

from ..errors import BadInput, Conflict
from ..extensions import db
from ..messages import _, ngettext
from ..models import Balance, Location
from . import _inputs as read
from ._tx import transactional


@transactional
def create_location(*, code, name, parent=None) -> Location:
    code = read.code(code, "code")
    name = read.text(name, "name", max_length=120)
    if db.session.execute(select(Location.id).where(Location.code == code)).first():
        raise Conflict(_("a location with code '%(code)s' exists already", code=code),
                       code="duplicate_location")
    location = Location(code=code, name=name, kind="storage")
    if parent:
        location.parent = active_location(parent, "parent")
    db.session.add(location)
    return location


def active_location(code, field: str) -> Location:
    """A location to put something under or into: archived ones are refused."""
    location = read.location(code)
    if location.archived:
        raise BadInput(_("location %(code)s is archived", code=location.code),
                       details={"field": field})
    return location


def get_location(code) -> Location:
    """A storage location by code (work-in-progress locations are not maintained by hand)."""
    return read.location(code)


@transactional
def update_location(*, code, name=None, parent=None, archived=None) -> Location:
    """Rename, move under another parent ("" puts it at the top level) or archive/restore
    a storage location; None leaves that field as it is. The code never changes: it is on
    the printed labels. Refused: a parent inside the location itself (a cycle), archiving
    a location that still holds stock or contains active locations."""
    location = read.location(code)
    changes = {}
    if name is not None:
        changes["name"] = read.text(name, "name", max_length=120)
    if parent is not None:
        new_parent = None
        if not read.blank(parent):
            new_parent = active_location(parent, "parent")
            ancestor, seen = new_parent, set()
            while ancestor is not None and ancestor.id not in seen:
                if ancestor.id == location.id:
                    raise BadInput(_("%(parent)s is inside %(code)s: a location cannot be "
                                     "placed inside itself",
                                     parent=new_parent.code, code=location.code),
                                   code="location_cycle", details={"field": "parent"})
                seen.add(ancestor.id)
                ancestor = ancestor.parent
        changes["parent"] = new_parent
    if archived is not None:
        archived = read.flag(archived, "archived")
        if archived and not location.archived:
            _check_can_archive_location(location)
        parent_after = changes.get("parent", location.parent)
        if not archived and parent_after is not None and parent_after.archived:
            raise Conflict(_("location %(parent)s, which contains %(code)s, is archived: "
                             "restore it first", parent=parent_after.code, code=location.code),
                           code="location_archived")
        changes["archived"] = archived
    for field, value in changes.items():
        setattr(location, field, value)
    return location


def _check_can_archive_location(location: Location) -> None:
    lots = db.session.execute(
        select(func.count()).select_from(Balance)
        .where(Balance.location_id == location.id, Balance.quantity > 0)).scalar_one()
    if lots:
        raise Conflict(ngettext("location %(code)s still holds stock (%(num)d lot): move it "
                                "out before archiving",
                                "location %(code)s still holds stock (%(num)d lots): move it "
                                "out before archiving", lots, code=location.code),
                       code="location_in_use")
    children = db.session.execute(
        select(Location.code).where(Location.parent_id == location.id,
                                    Location.archived.is_(False))
        .order_by(Location.code)).scalars().all()
    if children:
        raise Conflict(_("location %(code)s contains %(children)s: move or archive them "
                         "first", code=location.code, children=", ".join(children)),
                       code="location_in_use")


class LocationRow(NamedTuple):
    location: Location
    depth: int
    path: str  # "STORE › SHELF-A": the codes of its parents and its own


def location_tree(*, archived: bool = False) -> list[LocationRow]:
    """Storage locations, each followed by the ones inside it (by code at each level)."""
    rows = db.session.execute(
        select(Location).where(Location.kind == "storage", Location.archived.is_(archived))
        .order_by(Location.code)).scalars().all()
    ids = {loc.id for loc in rows}
    children: dict[int | None, list[Location]] = {}
    for loc in rows:
        children.setdefault(loc.parent_id if loc.parent_id in ids else None, []).append(loc)
    result: list[LocationRow] = []

    def walk(parent_id, depth, path):
        for loc in children.get(parent_id, []):
            own = [*path, loc.code]
            result.append(LocationRow(loc, depth, " › ".join(own)))
            walk(loc.id, depth + 1, own)

    walk(None, 0, [])
    return result
