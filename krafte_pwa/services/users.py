"""People: create, list, change, authenticate, API tokens."""

import hashlib
import secrets

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import BadInput, Conflict, NotFound, Unauthorized
from ..extensions import db
from ..messages import _
from ..models import ROLES, ApiToken, User
from . import _inputs as read
from ._tx import commit

# Checked against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = generate_password_hash("not a password")


def _check_role(role) -> str:
    if role not in ROLES:
        raise BadInput(_("role must be one of %(roles)s", roles=", ".join(ROLES)),
                       details={"field": "role"})
    return role


def _check_password(password) -> str:
    if not isinstance(password, str) or len(password) < 8:
        raise BadInput(_("password must have at least 8 characters"),
                       details={"field": "password"})
    return password


def _check_locale(locale) -> str | None:
    if locale not in (None, "en", "fr"):
        raise BadInput(_("locale must be en or fr"), details={"field": "locale"})
    return locale


def _hash(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method)


def create_user(*, username, password, role="operator", locale=None) -> User:
    username = read.text(username, "username", max_length=60)
    _check_role(role)
    _check_password(password)
    _check_locale(locale)
    if _find(username):
        raise Conflict(_("user '%(username)s' exists already", username=username),
                       code="duplicate_user")
    user = User(username=username, password_hash=_hash(password), role=role, locale=locale)
    db.session.add(user)
    commit()
    return user


def _find(username: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.lower())
    ).scalar()


def list_users() -> list[User]:
    return list(db.session.execute(
        select(User).order_by(func.lower(User.username), User.id)
    ).scalars())


def get_user(username) -> User:
    user = _find(username.strip()) if isinstance(username, str) and username.strip() else None
    if user is None:
        raise NotFound(_("user '%(username)s' not found", username=username), code="unknown_user")
    return user


def update_user(*, username, role=None, active=None, locale=None, password=None,
                acting_user_id=None) -> User:
    """Change what is given; None leaves a field as it is, locale "" follows the browser
    again. Never leaves the shop without an active admin. Deactivating or a new password
    revokes the user's API tokens and ends their sessions (a later reactivation does not
    bring them back)."""
    if role is not None:
        _check_role(role)
    if active is not None and not isinstance(active, bool):
        raise BadInput(_("active must be true or false"), details={"field": "active"})
    if locale != "":
        _check_locale(locale)
    if password is not None:
        _check_password(password)
    user = get_user(username)
    # Lock the user and every active admin (in id order) so that two admins demoting each
    # other at the same moment cannot both succeed; SQLite writers are serial already.
    locked = db.session.execute(
        select(User)
        .where(or_(User.id == user.id, and_(User.role == "admin", User.active.is_(True))))
        .order_by(User.id).with_for_update().execution_options(populate_existing=True)
    ).scalars().all()
    is_admin = user.role == "admin" and user.active
    stays_admin = ((role or user.role) == "admin"
                   and (user.active if active is None else active))
    if is_admin and not stays_admin and not any(
            u.id != user.id and u.role == "admin" and u.active for u in locked):
        if acting_user_id is not None and acting_user_id == user.id:
            message = _("you are the last active admin: make another user admin "
                        "before you give up the role or deactivate yourself")
        else:
            message = _("'%(username)s' is the last active admin: make another user "
                        "admin first", username=user.username)
        raise Conflict(message, code="last_admin")
    if role is not None:
        user.role = role
    if active is not None:
        user.active = active
        if not active:
            db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    if locale is not None:
        user.locale = locale or None
    if password is not None:
        user.password_hash = _hash(password)  # ends the user's sessions (User.get_id)
        db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    commit()
    return user


def authenticate(username, password) -> User:
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise Unauthorized(_("username and password are required"), code="bad_credentials")
    user = _find(username.strip())
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        raise Unauthorized(_("wrong username or password"), code="bad_credentials")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, username, password) -> str:
    user = authenticate(username, password)
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    commit()
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == _digest(token))
    ).scalar()
    if row is None or not row.user.active:
        return None
    return row.user


def set_locale(user: User, locale) -> None:
    if locale not in ("en", "fr", None, ""):
        raise BadInput(_("locale must be en or fr"))
    user.locale = locale or None
    commit()
