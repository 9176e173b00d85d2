"""The city admin's side of the registry: registering a cooperative with its first manager."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import apply_validation_error
from users.phone import normalize_phone
from users.services import user_get_or_create

from . import access, services
from .models import Cooperative


class CooperativeRegistrationForm(forms.ModelForm):
    manager_name = forms.CharField(label=gettext_lazy("First manager's full name"), max_length=150)
    manager_phone = forms.CharField(label=gettext_lazy("First manager's phone number"), max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    manager_email = forms.EmailField(label=gettext_lazy("First manager's email (optional)"), required=False)

    class Meta:
        model = Cooperative
        fields = ["name", "slug", "legal_entity_number", "nik_koperasi", "kind", "kecamatan", "kelurahan", "address",
                  "founded_on", "registered_on"]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"slug": gettext_lazy("Letters, digits and dashes; left empty, it is made from the name.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_manager_phone(self):
        return normalize_phone(self.cleaned_data["manager_phone"])

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("name"):
            data["slug"] = slugify(data["name"])[:80]
            if Cooperative.objects.filter(slug=data["slug"]).exists():
                self.add_error("slug", _("This address is taken; choose another."))
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if kecamatan and kelurahan and kelurahan.kecamatan_id != kecamatan.pk:
            self.add_error("kelurahan", _("This kelurahan is not in the chosen kecamatan."))
        return data

    def _post_clean(self):
        pass  # the service validates the model and writes in one transaction


@access.city_view(roles={access.CITY_ADMIN})
def cooperative_register(request):
    form = CooperativeRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                manager, password = user_get_or_create(
                    actor=request.user, phone=data.pop("manager_phone"), full_name=data.pop("manager_name"),
                    email=data.pop("manager_email"),
                )
                cooperative = services.cooperative_create(actor=request.user, first_manager=manager, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s is registered; %(manager)s is its first manager.") % {"name": cooperative.name, "manager": manager.full_name})
            if password:
                messages.warning(request, _("Temporary password for %(phone)s: %(password)s — give it to the manager in person; it is shown only once.") % {"phone": manager.phone_display, "password": password})
            return redirect("city:registry")
    return render(request, "cooperatives/registry_form.html", {"form": form})
