"""Writes that belong to the site shell: the audit log."""

from typing import Any

from .models import AuditEvent


def audit_record(
    *, actor, action: str, object_type: str = "", object_id: Any = "", detail: dict | None = None
) -> AuditEvent:
    """Append one row to the audit log. Call it inside the same transaction as the change it records."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "get_username", lambda: "")() if actor is not None else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
    )
