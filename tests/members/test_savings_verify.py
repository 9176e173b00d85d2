import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scope

from members import savings
from members.models import SavingsBalance

pytestmark = pytest.mark.django_db


def test_command_passes_on_whole_books_and_fails_on_a_tampered_balance(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="5000", date=datetime.date(2024, 2, 1))
    call_command("savings_verify", "--cooperative", ksp.slug)
    with scope(cooperative=ksp):
        SavingsBalance.objects.filter(member=member).update(balance=1)
    with pytest.raises(CommandError):
        call_command("savings_verify")
