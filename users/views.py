"""The person's own profile (/akun/profil/): name, phone, email, and links to allauth's password
change and two-factor authentication (MFA)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.forms import apply_validation_error

from .forms import ProfileForm
from .services import user_update_profile


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_update_profile(actor=request.user, user=request.user, full_name=data["full_name"],
                                phone=data["phone"], email=data["email"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("users:profile")
    mfa_active = False
    try:
        from allauth.mfa.models import Authenticator

        mfa_active = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    except Exception:  # allauth.mfa missing: the page still works
        mfa_active = False
    return render(request, "users/profile.html", {"form": form, "mfa_active": mfa_active})
