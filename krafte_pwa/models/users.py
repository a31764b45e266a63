"""People, their sessions and their API tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import utcnow

ROLES = ("admin", "manager", "operator")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(12), default="operator")
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (CheckConstraint("role IN ('admin', 'manager', 'operator')", name="role"),)

    # Set on the instance that stands for a logged-in session (services.users), never stored.
    session_key = None
    session_row_id = None

    def get_id(self) -> str:
        # "<id>.<key>": the key names a row of user_session, which logout deletes.
        return f"{self.id}.{self.session_key}" if self.session_key else str(self.id)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def sees_costs(self) -> bool:
        return self.role in ("admin", "manager")

    def has_role(self, *roles: str) -> bool:
        # admin may do everything a manager may
        return self.role in roles or (self.role == "admin" and "manager" in roles)


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256: tokens are random
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    name: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user = relationship(User)


class UserSession(db.Model):
    """A logged-in browser. The cookie carries a random key; only its sha256 is stored.
    Logout, a new password or deactivation delete the row, which ends the session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    user = relationship(User)
