"""The city admin's side of the registry (mounted under /kota/ by city/urls.py): registering a
cooperative and inviting its first manager, correcting its legal data and AD/ART settings,
marking it dissolved or merged. City staff read the registry; only city admins write here.

Views are thin: forms parse, `cooperatives.services` / `cooperatives.invitations` write (one
transaction each, audited)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.forms import apply_validation_error
from users.invitations import qr_data_uri, whatsapp_link
from users.phone import normalize_phone
from users.security import sensitive_action

from . import access, invitations, services
from .models import Cooperative

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

AD_ART_FIELDS = [
    "book_year_end_month", "quorum_fraction", "quorum_more_than", "rat_deadline_months", "invitation_notice_days",
    "simpanan_pokok_amount", "simpanan_wajib_monthly_amount",
]
LEGAL_FIELDS = ["name", "legal_entity_number", "nik_koperasi", "kind", "kecamatan", "kelurahan", "address",
                "founded_on", "registered_on"]


class _RegionCheck:
    """The model's own validation runs here too (every field's problem at once); the service
    validates again inside its transaction."""

    def clean(self):
        data = super().clean()
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if kecamatan and kelurahan and kelurahan.kecamatan_id != kecamatan.pk:
            self.add_error("kelurahan", _("This kelurahan is not in the chosen kecamatan."))
        return data


def _clean_phone(form, name):
    try:
        return normalize_phone(form.cleaned_data[name])
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


# Paths of the city's pages beside /kota/koperasi/<slug>/: a cooperative with such a slug could
# never reach its profile there.
RESERVED_SLUGS = {"baru", "unduh"}


class CooperativeRegistrationForm(_RegionCheck, forms.ModelForm):
    manager_name = forms.CharField(label=gettext_lazy("First manager's full name"), max_length=150)
    manager_phone = forms.CharField(
        label=gettext_lazy("First manager's phone number"), max_length=20,
        help_text=gettext_lazy("The invitation link is sent to this number; the manager confirms it and chooses a password."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    manager_email = forms.EmailField(label=gettext_lazy("First manager's email (optional)"), required=False)

    class Meta:
        model = Cooperative
        fields = ["name", "slug", *LEGAL_FIELDS[1:], *AD_ART_FIELDS]
        widgets = {"founded_on": DATE_WIDGET, "registered_on": DATE_WIDGET}
        help_texts = {"slug": gettext_lazy("Letters, digits and dashes; left empty, it is made from the name.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_manager_phone(self):
        return _clean_phone(self, "manager_phone")

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("name"):
            data["slug"] = slugify(data["name"])[:80]
            if not data["slug"]:
                self.add_error("slug", _("Choose an address of letters, digits and dashes."))
            elif Cooperative.objects.filter(slug=data["slug"]).exists():
                self.add_error("slug", _("This address is taken; choose another."))
        if data.get("slug") in RESERVED_SLUGS and "slug" not in self.errors:
            self.add_error("slug", _("This address is taken; choose another."))
        return data


class CooperativeRegistryForm(_RegionCheck, forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = [*LEGAL_FIELDS, *AD_ART_FIELDS]
        widgets = {"founded_on": DATE_WIDGET, "registered_on": DATE_WIDGET}


class RegistryStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), widget=forms.RadioSelect, choices=[
        ("dissolved", gettext_lazy("Dissolved (bubar)")), ("merged", gettext_lazy("Merged into another cooperative")),
    ])
    on = forms.DateField(label=gettext_lazy("Since"), widget=DATE_WIDGET,
                         help_text=gettext_lazy("The date of the dissolution or merger decision."))
    merged_into = forms.ModelChoiceField(label=gettext_lazy("Merged into"), queryset=Cooperative.objects.none(), required=False,
                                         help_text=gettext_lazy("Only for a merger: the cooperative that continues."))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("e.g. the RAT's decision of … or the ministry's letter no. …"))

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = (
            Cooperative.objects.filter(registry_status="registered").exclude(pk=cooperative.pk).order_by("name")
        )
        if cooperative.registry_status != "registered":
            # the one change left: taking back a dissolution or merger recorded by mistake
            self.fields["status"].choices = [("registered", gettext_lazy("Registered again (a mistake is corrected)"))]
            self.fields["status"].initial = "registered"
            self.fields["on"].required = False
            del self.fields["merged_into"]
            self.fields["reason"].help_text = gettext_lazy("Why the recorded dissolution or merger was wrong.")

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on and on > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return on

    def clean(self):
        data = super().clean()
        if data.get("status") == "merged" and not data.get("merged_into"):
            self.add_error("merged_into", _("Choose the cooperative it merged into."))
        return data


class RoleInvitationForm(forms.Form):
    manager_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    manager_phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    manager_email = forms.EmailField(label=gettext_lazy("Email (optional)"), required=False)

    def clean_manager_phone(self):
        return _clean_phone(self, "manager_phone")


def _invitation_shown_once(request, cooperative, new, template, context):
    """The answer that shows a new invitation's link, QR code and WhatsApp link: never cached;
    the token is in this answer only."""
    url = request.build_absolute_uri(reverse("role_invitations:accept", args=[new.token]))
    text = invitations.role_invitation_message(invitation=new.invitation, url=url)
    context.update({"cooperative": cooperative, "new": new, "url": url, "qr": qr_data_uri(url), "message": text,
                    "whatsapp": whatsapp_link(phone=new.invitation.phone, text=text)})
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


def _cooperative(slug):
    return get_object_or_404(Cooperative.objects.select_related("kecamatan", "kelurahan", "merged_into"), slug=slug)


@access.city_view(roles={access.CITY_ADMIN})
@sensitive_action  # gives the manager role by invitation: the password again after 15 minutes
def cooperative_register(request):
    form = CooperativeRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cooperative, new = services.cooperative_register(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s is registered. Send the invitation below to its first manager.") % {
                "name": cooperative.name})
            return _invitation_shown_once(request, cooperative, new, "cooperatives/registry_invitation.html", {
                "open": [], "form": None, "registered": True})
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperatives/registry_form.html", {"form": form, "title": _("Register a cooperative")}, status=status)


@access.city_view(roles={access.CITY_ADMIN})
def cooperative_edit(request, slug):
    cooperative = _cooperative(slug)
    # the form validates a copy, so the page keeps showing the stored name while it has errors
    form = CooperativeRegistryForm(request.POST or None, instance=_cooperative(slug))
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperative_registry_update(actor=request.user, cooperative=cooperative,
                                                 **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The registry data of %(name)s was saved.") % {"name": cooperative.name})
            return redirect("city:cooperative", slug=cooperative.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperatives/registry_form.html", {
        "form": form, "cooperative": cooperative, "title": _("Edit registry data")}, status=status)


@access.city_view(roles={access.CITY_ADMIN})
def cooperative_status(request, slug):
    cooperative = _cooperative(slug)
    form = RegistryStatusForm(request.POST or None, cooperative=cooperative)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["status"] == "registered":
                services.cooperative_reinstate(actor=request.user, cooperative=cooperative, reason=data["reason"])
            elif data["status"] == "merged":
                services.cooperative_merge(actor=request.user, cooperative=cooperative, into=data["merged_into"],
                                           on=data["on"], reason=data["reason"])
            else:
                services.cooperative_dissolve(actor=request.user, cooperative=cooperative, on=data["on"], reason=data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The registry status of %(name)s was changed.") % {"name": cooperative.name})
            return redirect("city:cooperative", slug=cooperative.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperatives/registry_status.html", {"form": form, "cooperative": cooperative}, status=status)


@access.city_view(roles={access.CITY_ADMIN})
@sensitive_action  # gives the manager role by invitation: the password again after 15 minutes
def manager_invitation(request, slug):
    """The first manager's invitation: the open ones (revocable) and a new one (which revokes
    them), e.g. when the link was lost or expired."""
    cooperative = _cooperative(slug)
    latest = invitations.latest_invitation(cooperative=cooperative)
    initial = {"manager_name": latest.full_name, "manager_phone": latest.phone, "manager_email": latest.email} if latest else {}
    form = RoleInvitationForm(request.POST or None, initial=initial)
    context = {"cooperative": cooperative, "open": invitations.open_invitations(cooperative=cooperative),
               "accepted": latest if latest and latest.accepted_at else None, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            new = invitations.role_invitation_create(
                actor=request.user, cooperative=cooperative, full_name=form.cleaned_data["manager_name"],
                phone=form.cleaned_data["manager_phone"], email=form.cleaned_data["manager_email"],
                role=access.MANAGER, title=_("Chair"))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            context.update({"open": [], "form": None})
            return _invitation_shown_once(request, cooperative, new, "cooperatives/registry_invitation.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperatives/registry_invitation.html", context, status=status)


@access.city_view(roles={access.CITY_ADMIN})
@sensitive_action
@require_POST
def manager_invitation_revoke(request, slug, pk):
    from django_scopes import scope

    from .models import RoleInvitation

    cooperative = _cooperative(slug)
    with scope(cooperative=cooperative):
        invitation = get_object_or_404(RoleInvitation, pk=pk)
    try:
        invitations.role_invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The invitation was revoked; its link no longer works."))
    return redirect("city:registry_invitation", slug=cooperative.slug)
