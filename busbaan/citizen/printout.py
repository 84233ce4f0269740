"""The paper the regie hands to the citizen: a QR code (PNG) and a printable page
(PDF) with the link. The code is *not* printed: the regie tells it in person or by
phone, so a lost paper alone opens nothing. Builds bytes only (no files, no network).
"""

from __future__ import annotations

import datetime as dt
import io

import segno
from fpdf import FPDF

__all__ = ["pdf_page", "qr_png"]


def qr_png(url: str, scale: int = 8) -> bytes:
    """The link as a QR code (error correction M, quiet zone 4), PNG bytes."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def pdf_page(url: str, expires: dt.datetime) -> bytes:
    """An A4 page in plain Dutch (B1) with the QR code, the link and its end date."""
    pdf = FPDF(format="A4")
    pdf.set_title("Mijn hulpvraag")
    pdf.set_author("busbaan")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 14, "Mijn hulpvraag", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=13)
    pdf.multi_cell(0, 7, (
        "Op deze pagina ziet u wie u helpt. U ziet ook wat er is gebeurd. "
        "En u kiest zelf wie wat mag weten.\n\n"
        "1. Richt de camera van uw telefoon op het vierkantje hieronder.\n"
        "   Tik op de link die u dan ziet.\n"
        "2. Vul de code van zes tekens in.\n"
        "   Die code vertelt uw hulpverlener u zelf. Schrijf hem niet op dit papier."),
        new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    png = io.BytesIO(qr_png(url, scale=10))
    pdf.image(png, w=70)
    pdf.ln(2)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Geen camera? Typ dan deze link over in uw browser:",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", size=12)
    pdf.multi_cell(0, 6, url, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=13)
    day = expires.astimezone(dt.UTC).date()
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"]
    pdf.multi_cell(0, 7, (
        f"De link werkt één keer, tot {day.day} {months[day.month - 1]} {day.year}. "
        "Werkt hij niet? Vraag uw hulpverlener dan om een nieuwe link.\n\n"
        "Geef dit papier aan niemand anders. Kwijt? Zeg het uw hulpverlener. "
        "Die zet de link dan stop."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
