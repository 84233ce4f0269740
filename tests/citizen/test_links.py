"""The citizen's way in: tokens, codes, attempts and lock-out (pure)."""

from __future__ import annotations

import datetime as dt
import math

from busbaan.citizen import links
from busbaan.citizen.links import CodeOutcome, LinkState, LinkStatus

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


def _link(**kw: object) -> LinkState:
    base: dict[str, object] = {"link_id": "L-1", "case_id": "C-1",
                               "expires_at": NOW + dt.timedelta(days=1)}
    base.update(kw)
    return LinkState(**base)  # type: ignore[arg-type]


def test_a_token_has_at_least_128_bits_and_is_well_formed() -> None:
    """A new token carries 256 random bits as 43 URL-safe characters."""
    token = links.new_token()
    assert links.well_formed_token(token)
    assert len(token) * 6 >= 256 > 128
    assert links.new_token() != token


def test_malformed_tokens_are_recognised() -> None:
    """Too short, too long, or with characters outside base64url: not a token."""
    good = links.new_token()
    for bad in ("", good[:-1], good + "A", good[:-1] + "/", "C-7KQ2MX4A", "../../etc"):
        assert not links.well_formed_token(bad), bad


def test_the_store_keeps_only_hashes() -> None:
    """The token hash and code hash differ from the secrets and from each other."""
    token, code = links.new_token(), links.new_code()
    assert token not in links.token_hash(token)
    assert len(links.token_hash(token)) == 64
    assert links.code_hash(token, code) != links.code_hash(links.new_token(), code)


def test_a_code_is_six_unambiguous_characters() -> None:
    """Codes avoid 0/O and 1/I and are typed case- and space-insensitively."""
    code = links.new_code()
    assert len(code) == 6 and set(code) <= set(links.CODE_ALPHABET)
    assert not set("01IO") & set(links.CODE_ALPHABET)
    token = links.new_token()
    spaced = f" {code[:3].lower()} - {code[3:].lower()} "
    assert links.check_code(links.code_hash(token, code), token, spaced, 0).outcome \
        is CodeOutcome.RIGHT


def test_wrong_codes_count_and_the_last_one_locks() -> None:
    """Each wrong code uses an attempt; the fifth locks the link."""
    token = links.new_token()
    stored = links.code_hash(token, "ABCDEF")
    attempts = 0
    outcomes = []
    for _ in range(links.MAX_ATTEMPTS):
        check = links.check_code(stored, token, "ZZZZZZ", attempts)
        attempts = check.attempts
        outcomes.append(check.outcome)
    assert outcomes[:-1] == [CodeOutcome.WRONG] * (links.MAX_ATTEMPTS - 1)
    assert outcomes[-1] is CodeOutcome.LOCKED_NOW
    assert attempts == links.MAX_ATTEMPTS


def test_link_status_names_the_first_reason() -> None:
    """Revoked beats locked beats used beats closed beats expired; otherwise open."""
    assert links.link_status(_link(), NOW) is LinkStatus.OPEN
    assert links.link_status(_link(expires_at=NOW), NOW) is LinkStatus.EXPIRED
    assert links.link_status(_link(case_closed=True), NOW) is LinkStatus.CLOSED
    assert links.link_status(_link(used_at=NOW, case_closed=True), NOW) is LinkStatus.USED
    assert links.link_status(_link(locked_at=NOW, used_at=NOW), NOW) is LinkStatus.LOCKED
    assert links.link_status(_link(revoked_at=NOW, locked_at=NOW), NOW) is LinkStatus.REVOKED


def test_guessing_a_code_before_lock_out_is_hopeless() -> None:
    """Five tries at a 30-bit code: the chance is below one in a hundred million."""
    space = len(links.CODE_ALPHABET) ** links.CODE_LENGTH
    assert math.log2(space) >= 30
    assert links.MAX_ATTEMPTS / space < 1e-8


def _pdf_text(pdf: bytes) -> str:
    """The text shown on a PDF made by fpdf2 (its content streams, inflated)."""
    import re
    import zlib

    shown = []
    # The zlib stream ends itself: what follows it (the newline before "endstream") is
    # left over, never cut from the data (a compressed stream may itself end in "\r").
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            content = zlib.decompressobj().decompress(stream)
        except zlib.error:
            continue
        shown += [m.decode("latin-1") for m in re.findall(rb"\((.*?)\) ?Tj", content)]
    return " ".join(shown).replace("\\(", "(").replace("\\)", ")")


def test_the_printable_page_has_the_qr_code_link_and_date_but_not_the_code() -> None:
    """One A4 page with the QR image, the link to type over, the end date in Dutch and
    what to do when it does not work or is lost; never the code itself; the QR code
    is a PNG of the link."""
    from busbaan.citizen.printout import pdf_page, qr_png

    token, code = links.new_token(), links.new_code()
    url = f"https://busbaan.example/burger/l/{token}"
    pdf = pdf_page(url, dt.datetime(2026, 12, 17, 12, tzinfo=dt.UTC))
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page\n") == 1
    assert b"/Subtype /Image" in pdf
    text = _pdf_text(pdf)
    assert "17 december 2026" in text and "nieuwe link" in text and "Kwijt?" in text
    assert url.replace(" ", "") in text.replace(" ", "")
    assert code not in text and "code van zes tekens" in text
    png = qr_png(url)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
