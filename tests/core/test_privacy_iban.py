"""A bank account number (IBAN) is personal data (outside17, session 14): live, a Belgian
IBAN in a question to the wegwijzer was answered (nothing refused it, and `!baan` would
have put it in a team's intake room), and a Dutch one was refused as "een telefoonnummer"
because its last ten digits read as one."""

from __future__ import annotations

import pytest

from busbaan.privacy import find_personal_data, name_kinds, redact


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


@pytest.mark.parametrize("text", [
    "Mevrouw wil dat de gemeente de huur betaalt van rekening NL91ABNA0417164300.",
    "rekening NL91 ABNA 0417 1643 00, ze heeft schulden",
    "IBAN BE68 5390 0754 7034 en schulden bij de bank",
    "zijn Duitse rekening DE89370400440532013000 staat rood",
    "iban be68539007547034 (kleine letters)",
    "FR1420041010050500013M02606",
])
def test_an_iban_is_refused_and_named_as_one(text: str) -> None:
    """Dutch, Belgian, German, French; together or in groups of four; any case: one
    finding, the IBAN, not a phone number."""
    assert kinds(text) == ["iban"]


def test_the_refusal_names_a_bank_account_number() -> None:
    findings = find_personal_data("rekening NL91ABNA0417164300")
    assert name_kinds(findings) == "een rekeningnummer (IBAN)"
    assert name_kinds(findings, "en") == "a bank account number (IBAN)"


def test_an_iban_beside_other_data_is_named_with_them() -> None:
    assert kinds("BSN 111222333, rekening NL91ABNA0417164300") == ["bsn", "iban"]
    assert kinds("bel 020 123 4567 over NL91ABNA0417164300") == ["iban", "phone"]


@pytest.mark.parametrize("text", [
    "Cliënt NL12 heeft 2 kinderen en schulden bij ING",
    "AB12 CDEF GHIJ KLMN schulden",
    "formulier BE12 3456 7890 1234 is kwijt",   # the shape, but the check fails
])
def test_what_only_looks_like_an_iban_is_not_refused(text: str) -> None:
    assert "iban" not in kinds(text)


def test_a_log_line_shows_no_iban() -> None:
    assert redact("rekening NL91 ABNA 0417 1643 00 en BE68539007547034") == \
        "rekening [iban] en [iban]"
