"""Writing audit events. Services call `audit_record` inside their own transaction."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# What each action code means to a person reading the trail; unknown codes show as they are.
ACTION_LABELS = {
    "cooperative.create": _("Cooperative registered"),
    "cooperative.update": _("Cooperative profile changed"),
    "role.assign": _("Role given"),
    "role.revoke": _("Role removed"),
    "city_role.assign": _("City role given"),
    "city.export": _("City list or ODS workbook downloaded"),
    "user.create": _("Login created"),
    "member.admit": _("Member admitted"),
    "member.update": _("Member data changed"),
    "member.statement_export": _("Savings statement downloaded by the member"),
    "member.import": _("Member register imported from a file"),
    "member.export": _("Member register downloaded"),
    "member.view": _("Member's data viewed"),
    "member.api_list": _("Member register read through the API"),
    "member.data_export": _("Member downloaded all their personal data"),
    "member.deletion_request": _("Member asked for their personal data to be deleted"),
    "member.deletion_approve": _("Member's personal data deleted (anonymised) on their request"),
    "member.deletion_refuse": _("Member's deletion request refused"),
    "member.deletion_withdraw": _("Member withdrew their deletion request"),
    "savings.receipt_export": _("Savings receipt downloaded"),
    "meeting.export": _("Meeting paper naming members downloaded"),
    "shu.export": _("Members' SHU shares downloaded"),
    "invitation.create": _("Portal invitation made"),
    "invitation.revoke": _("Portal invitation revoked"),
    "invitation.accept": _("Portal invitation accepted"),
    "user.update": _("Login details changed"),
    "member.leave": _("Member left; savings refunded"),
    "savings.deposit": _("Savings deposit recorded"),
    "savings.withdraw": _("Savings withdrawal recorded"),
    "savings.reverse": _("Savings transaction reversed"),
    "savings.wajib_collect": _("Monthly wajib collection recorded"),
    "savings.arrears_export": _("Wajib arrears list downloaded"),
    "ledger.chart_apply": _("Chart of accounts applied"),
    "ledger.account_create": _("Account added"),
    "ledger.account_update": _("Account changed"),
    "ledger.account_delete": _("Account deleted"),
    "ledger.entry_draft": _("Journal draft saved"),
    "ledger.entry_draft_delete": _("Journal draft deleted"),
    "ledger.entry_post": _("Journal entry posted"),
    "ledger.entry_reverse": _("Journal entry reversed"),
    "ledger.year_prepare": _("Book year prepared for closing"),
    "ledger.year_close": _("Book year closed"),
    "ledger.year_reopen": _("Book year reopened"),
    "ledger.report_export": _("Ledger report downloaded"),
    "meeting.document_upload": _("Meeting document uploaded"),
    "meeting.document_supersede": _("Meeting document replaced by a new version"),
    "meeting.document_delete": _("Meeting document deleted"),
    "meeting.document_download": _("Meeting document downloaded"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance, fields):
    """The values of `fields` on `instance`, JSON-ready, for before/after records."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit_record(*, actor, action, cooperative=None, obj=None, changes=None):
    return AuditEvent.objects.with_scopes_disabled().create(
        cooperative=cooperative,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
    )
