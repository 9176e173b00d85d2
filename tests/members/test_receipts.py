"""Receipts (bukti setoran / penarikan): what each carries, the amount in words, and the A5 PDF
(one page per receipt, a whole collection in one file, nothing fetched from outside)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django_scopes import scope

from members import receipts, savings
from members import savings_selectors as sel
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date
A5 = (148 / 25.4 * 72, 210 / 25.4 * 72)  # points


def loaded(cooperative, txn):
    with scope(cooperative=cooperative):
        return sel.transaction_by_number(cooperative=cooperative, number=txn.number)


def receipt_of(cooperative, txn):
    with scope(cooperative=cooperative), translation.override("en"):
        return receipts.receipts_for(cooperative, [loaded(cooperative, txn)])[0]


def test_a_deposit_receipt(ksp, manager, member):
    ksp.legal_entity_number = "518/BH/XIII.4/2010"
    txn = savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 3, 5),
                                  period=D(2024, 3, 1), via="bank")
    r = receipt_of(ksp, txn)
    assert r.number == txn.number and r.title == "Savings deposit receipt" and r.identity.name == ksp.name
    assert r.identity.legal_entity_number == "518/BH/XIII.4/2010" and "Kota Sukabumi" in r.identity.address
    assert (r.member_number, r.member_name) == (member.number, member.full_name)
    assert r.type_label == "Simpanan wajib" and r.period_label == "March 2024" and r.via == "Bank"
    assert r.amount == Decimal("25000") and r.amount_in_words == "dua puluh lima ribu rupiah"
    assert r.balance_after == Decimal("25000") and r.entry_number == txn.journal_entry.number
    assert r.recorded_by == manager.full_name and r.signer_member == "Depositor" and "officer" in r.signer_officer
    assert r.place_date.endswith("5 March 2024")


def test_withdrawal_and_reversal_receipts(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1250000", date=D(2024, 3, 5))
    out = savings.savings_withdraw(actor=manager, member=member, savings_type="sukarela", amount="1100", date=D(2024, 3, 6))
    r = receipt_of(ksp, out)
    assert r.title == "Savings withdrawal receipt" and r.amount_in_words == "seribu seratus rupiah" and r.via == "Kas"
    assert r.balance_after == Decimal("1248900") and r.signer_member == "Received by (member)" and not r.is_deposit
    back = savings.savings_reverse(actor=manager, transaction_=out, date=D(2024, 3, 7), reason="salah")
    r = receipt_of(ksp, back)
    assert r.title == "Reversal receipt" and r.reverses_number == out.number and r.balance_after == Decimal("1250000")
    assert receipt_of(ksp, out).reversed_by_number == back.number


def test_refund_receipt_on_leaving(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="100000", date=D(2024, 1, 10))
    refund = savings.member_leave(actor=manager, member=member, reason="resignation", date=D(2024, 6, 30))[0]
    r = receipt_of(ksp, refund)
    assert r.title == "Savings refund receipt" and r.amount_in_words == "seratus ribu rupiah" and r.balance_after == 0


def test_pdf_is_a5_one_page_per_receipt(ksp, manager):
    members = MemberFactory.create_batch(7, cooperative=ksp, joined_on=D(2024, 1, 1))
    txns = savings.wajib_collect(actor=manager, cooperative=ksp, members=members, period=D(2024, 3, 1), date=D(2024, 3, 5))
    with scope(cooperative=ksp):
        collection = sel.collection_transactions(cooperative=ksp, entry_number=txns[0].journal_entry.number)
        document = receipts.render_document(receipts.receipts_for(ksp, collection))
        single = receipts.render_document(receipts.receipts_for(ksp, collection[:1]))
    assert len(collection) == 7 and len(document.pages) == 7 and len(single.pages) == 1
    width, height = document.pages[0].width * 0.75, document.pages[0].height * 0.75  # CSS px → pt
    assert abs(width - A5[0]) < 1 and abs(height - A5[1]) < 1
    assert document.write_pdf().startswith(b"%PDF")


def test_print_html_loads_nothing_from_outside_and_says_the_words(ksp, manager, member):
    txn = savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="100000", date=D(2024, 1, 10))
    with scope(cooperative=ksp):
        html = receipts.render_html(receipts.receipts_for(ksp, [loaded(ksp, txn)]))
    assert "http://" not in html and "https://" not in html and "<link" not in html and "<img" not in html
    assert "Seratus ribu rupiah" in html and "@page { size: A5" in html


def test_receipts_of_many_transactions_cost_two_queries(ksp, manager, django_assert_max_num_queries):
    members = MemberFactory.create_batch(20, cooperative=ksp, joined_on=D(2024, 1, 1))
    txns = savings.wajib_collect(actor=manager, cooperative=ksp, members=members, period=D(2024, 3, 1), date=D(2024, 3, 5))
    with scope(cooperative=ksp):
        collection = sel.collection_transactions(cooperative=ksp, entry_number=txns[0].journal_entry.number)
        ksp.kelurahan, ksp.kecamatan  # noqa: B018 - loaded like the middleware does
        with django_assert_max_num_queries(1):
            built = receipts.receipts_for(ksp, collection)
    assert len(built) == 20 and {r.entry_number for r in built} == {txns[0].journal_entry.number}
