"""People: create, authenticate, API tokens."""

import hashlib
import secrets

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import BadInput, Conflict, Unauthorized
from ..extensions import db
from ..models import ROLES, ApiToken, User
from . import _inputs as read
from ._tx import commit

# Checked against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = generate_password_hash("not a password")


def create_user(*, username, password, role="operator", locale=None) -> User:
    username = read.text(username, "username", max_length=60)
    if role not in ROLES:
        raise BadInput(f"role must be one of {', '.join(ROLES)}", details={"field": "role"})
    if not isinstance(password, str) or len(password) < 8:
        raise BadInput("password must have at least 8 characters", details={"field": "password"})
    if locale not in (None, "en", "fr"):
        raise BadInput("locale must be en or fr", details={"field": "locale"})
    if _find(username):
        raise Conflict(f"user '{username}' exists already", code="duplicate_user")
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    user = User(username=username, password_hash=generate_password_hash(password, method),
                role=role, locale=locale)
    db.session.add(user)
    commit()
    return user


def _find(username: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.lower())
    ).scalar()


def authenticate(username, password) -> User:
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise Unauthorized("username and password are required", code="bad_credentials")
    user = _find(username.strip())
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        raise Unauthorized("wrong username or password", code="bad_credentials")
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
        raise BadInput("locale must be en or fr")
    user.locale = locale or None
    commit()
