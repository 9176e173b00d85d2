from portal.models import AuditEvent

from .models import RoleAssignment


def role_assignment_list(*, cooperative):
    return RoleAssignment.objects.filter(cooperative=cooperative).select_related("user").order_by("role", "user__full_name")


def audit_event_list(*, cooperative, action_prefix: str = ""):
    events = AuditEvent.objects.filter(cooperative=cooperative).select_related("actor")
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    return events
