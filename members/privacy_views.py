"""Personal-data pages (UU 27/2022; docs/SECURITY.md "Personal-data requests").

The person's own page, /saya/data-pribadi/: download everything the portal holds about them
(JSON or PDF), ask a cooperative to delete their data, follow and withdraw their requests. No
cooperative or member number in these URLs: everything is found from the logged-in user.

The manager's pages, /c/<slug>/permintaan-hapus/…: the cooperative's requests, approved
(the register row is anonymised) or refused with a reason. Thin views over members.deletion.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cooperatives import access
from portal.forms import apply_validation_error

from . import deletion, personal_data
from .models import DeletionStatus

MANAGERS = {access.MANAGER}


class DeletionRequestForm(forms.Form):
    cooperative = forms.ChoiceField(label=gettext_lazy("Cooperative"))
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"), required=False, max_length=deletion.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why you want your data deleted; it helps the manager answer."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my name, NIK, phone, address and birth data will be removed from this "
                           "cooperative's register, and my login closed if I have no other cooperative in the portal."),
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {m.cooperative.slug: m for m in memberships}
        self.fields["cooperative"].choices = [(m.cooperative.slug, f"{m.cooperative.name} ({m.number})") for m in memberships]

    def member(self):
        return self.memberships[self.cleaned_data["cooperative"]]


def _requestable(memberships, requests):
    pending = {r.member_id for r in requests if r.status == DeletionStatus.PENDING}
    return [m for m in memberships if not m.anonymised_at and m.pk not in pending]


def _page(request, *, form=None, status=200):
    memberships = deletion.own_memberships(request.user)
    requests = deletion.requests_of_user(request.user)
    requestable = _requestable(memberships, requests)
    if form is None and requestable:
        form = DeletionRequestForm(memberships=requestable)
    return render(request, "members/personal_data.html", {
        "memberships": memberships, "requests": requests, "form": form if requestable else None,
    }, status=status)


@login_required
def personal_data_page(request):
    return _page(request)


@login_required
def personal_data_download(request):
    """?format=json|pdf: everything about the logged-in user, audited in each cooperative."""
    fmt = request.GET.get("format", "")
    if fmt not in personal_data.FORMATS:
        return HttpResponse(_("Unknown download format: choose json or pdf.") + "\n", status=400,
                            content_type="text/plain; charset=utf-8")
    content, content_type, filename = personal_data.personal_data_export(user=request.user, fmt=fmt, via="page", request=request)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def deletion_request_create(request):
    memberships = deletion.own_memberships(request.user)
    requestable = _requestable(memberships, deletion.requests_of_user(request.user))
    form = DeletionRequestForm(request.POST, memberships=requestable)
    if form.is_valid():
        try:
            deletion.deletion_request_create(actor=request.user, member=form.member(), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your request was sent to the cooperative's manager. You will see the answer on this page."))
            return redirect("personal_data:page")
    return _page(request, form=form, status=400)


@require_POST
@login_required
def deletion_request_withdraw(request, pk):
    found = [r for r in deletion.requests_of_user(request.user) if r.pk == pk]
    if not found:
        raise Http404
    try:
        deletion.deletion_request_withdraw(actor=request.user, request=found[0])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your request was withdrawn."))
    return redirect("personal_data:page")


# --- the manager's pages ----------------------------------------------------------------------

class RefuseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for refusing"), max_length=deletion.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("The member reads it on their personal-data page."))


@access.cooperative_view(roles=MANAGERS)
def deletion_request_list(request, slug):
    return render(request, "members/deletion_requests.html", {"requests": deletion.request_list(cooperative=request.cooperative)})


@access.cooperative_view(roles=MANAGERS)
def deletion_request_detail(request, slug, pk):
    """The request, what approving would clear and keep; POST action=approve, or action=refuse
    with a reason."""
    cooperative = request.cooperative
    found = deletion.request_by_pk(cooperative=cooperative, pk=pk)
    if found is None:
        raise Http404
    refuse_form = RefuseForm(request.POST if request.method == "POST" and request.POST.get("action") == "refuse" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                deletion.deletion_request_approve(actor=request.user, request=found)
                messages.success(request, _("The member's personal data was deleted; their financial history is kept."))
                return redirect("deletion_requests:list", slug=slug)
            if action == "refuse" and refuse_form.is_valid():
                deletion.deletion_request_refuse(actor=request.user, request=found, reason=refuse_form.cleaned_data["reason"])
                messages.success(request, _("The request was refused; the member sees your reason."))
                return redirect("deletion_requests:list", slug=slug)
            if action not in ("approve", "refuse"):
                messages.error(request, _("Choose to approve or to refuse the request."))
        except ValidationError as exc:
            if action == "refuse" and hasattr(exc, "error_dict"):
                apply_validation_error(refuse_form, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
        status = 400
        found = deletion.request_by_pk(cooperative=cooperative, pk=pk)
    return render(request, "members/deletion_request_detail.html", {
        "req": found, "refusal": deletion.approval_refusal(found), "refuse_form": refuse_form,
        "cleared_fields": deletion.CLEARED_FIELDS,
    }, status=status)
