"""People and their API tokens."""

import hashlib
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

    def get_id(self) -> str:
        # The session names the password too: changing it ends every other session.
        stamp = hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]
        return f"{self.id}.{stamp}"

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

    user = relationship(User)
