"""People: create, list, change, authenticate; their sessions and API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import BadInput, Conflict, NotFound, Unauthorized
from ..extensions import db
from ..messages import _
from ..models import ROLES, ApiToken, User, UserSession
from ..models.types import utcnow
from . import _inputs as read
from ._tx import transactional

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


@transactional
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


@transactional
def update_user(*, username, role=None, active=None, locale=None, password=None,
                acting_user_id=None, keep_session_id=None) -> User:
    """Change what is given; None leaves a field as it is, locale "" follows the browser
    again. Never leaves the shop without an active admin. Deactivating or a new password
    revokes the user's API tokens and ends their sessions (a later reactivation does not
    bring them back); `keep_session_id` is the session of an admin who changes their own
    password, which stays open."""
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
            _revoke_everything(user.id)
    if locale is not None:
        user.locale = locale or None
    if password is not None:
        user.password_hash = _hash(password)
        _revoke_everything(user.id, keep_session_id=keep_session_id)
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


def _revoke_everything(user_id: int, *, keep_session_id=None) -> None:
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
    sessions = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_session_id is not None:
        sessions = sessions.where(UserSession.id != keep_session_id)
    db.session.execute(sessions)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Sessions: the Flask-Login id is "<user id>.<key>"; the key names a user_session row.

def _duration(value, default: timedelta) -> timedelta:
    if value is None:
        return default
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def session_lifetime(remember: bool) -> timedelta:
    """Remembered: as long as the remember cookie. Otherwise a day: the cookie itself ends
    with the browser, the row must end too if a copy was saved."""
    config = current_app.config
    if remember:
        return _duration(config.get("REMEMBER_COOKIE_DURATION"), timedelta(days=14))
    return _duration(config.get("SESSION_ROW_LIFETIME"), timedelta(hours=24))


@transactional
def start_session(user: User, *, remember: bool = False) -> User:
    """A new logged-in session for the user; `user.get_id()` names it afterwards."""
    now = utcnow()
    key = secrets.token_urlsafe(32)
    # the user's ended sessions go now (one user's rows: no lock contention between logins)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.expires_at <= now))
    row = UserSession(user_id=user.id, key_hash=_digest(key), created_at=now,
                      expires_at=now + session_lifetime(remember))
    db.session.add(row)
    user.session_key, user.session_row_id = key, row.id
    return user


@lru_cache(maxsize=1)
def _session_statement():
    """A session with its user, by key hash (bind parameter key_hash), built once: every
    page view runs it."""
    return (select(UserSession).options(joinedload(UserSession.user))
            .where(UserSession.key_hash == bindparam("key_hash")))


def session_user(session_id) -> User | None:
    """The user of a live session, or None: unknown, ended, expired or deactivated.
    Reads only: a page view writes nothing."""
    number, _dot, key = str(session_id).partition(".")
    if not number.isdigit() or not key:
        return None
    row = db.session.execute(_session_statement(), {"key_hash": _digest(key)}).scalar()
    if row is None or row.user_id != int(number) or row.expires_at <= utcnow():
        return None
    user = row.user
    if not user.active:
        return None
    user.session_key, user.session_row_id = key, row.id
    return user


@transactional
def end_session(user) -> None:
    """Logout: the session's row goes, so a saved copy of its cookies opens nothing."""
    row_id = getattr(user, "session_row_id", None)
    if row_id is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == row_id))


# API tokens: random, stored as sha256, with an expiry.

@dataclass
class IssuedToken:
    secret: str  # shown once, never stored
    row: ApiToken


def token_days() -> int:
    return int(current_app.config.get("TOKEN_DAYS", 90))


@transactional
def issue_token(*, username, password, name=None) -> IssuedToken:
    name = read.text(name, "name", required=False, max_length=100)
    user = authenticate(username, password)
    now = utcnow()
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id,
                                              ApiToken.expires_at <= now))
    secret = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_digest(secret), name=name, created_at=now,
                   expires_at=now + timedelta(days=token_days()))
    db.session.add(row)
    return IssuedToken(secret, row)


def create_token(*, username, password, name=None) -> str:
    return issue_token(username=username, password=password, name=name).secret


def token_login(token: str) -> tuple[User, int] | None:
    """The user and token id of a live token; None when unknown, expired or inactive."""
    row = db.session.execute(  # the user in the same statement: every API call pays this
        select(ApiToken).options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == _digest(token))
    ).scalar()
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row.user, row.id


@dataclass
class TokenPage:
    rows: list
    total: int
    page: int
    per_page: int


def list_tokens(user_id: int, *, page=1, per_page=50) -> TokenPage:
    from .queries import paging

    page, per_page = paging(page, per_page)
    query = select(ApiToken).where(ApiToken.user_id == user_id)
    total = db.session.execute(
        select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return TokenPage(list(rows), total, page, per_page)


@transactional
def revoke_token(user_id: int, token_id) -> int:
    """Revokes one of the user's own tokens; someone else's is as unknown as a missing one."""
    if isinstance(token_id, bool) or not isinstance(token_id, int):
        raise NotFound(_("token not found"), code="unknown_token")
    deleted = db.session.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
    ).rowcount
    if not deleted:
        raise NotFound(_("token not found"), code="unknown_token")
    return token_id


@transactional
def set_locale(user: User, locale) -> None:
    if locale not in ("en", "fr", None, ""):
        raise BadInput(_("locale must be en or fr"))
    user.locale = locale or None
