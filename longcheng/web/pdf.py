"""A4 PDF documents with an embedded Chinese font (fpdf2 + Debian's Noto CJK), shared by every
module that prints: posters, minutes, rectification orders, reports."""

from django.conf import settings
from fpdf import FPDF


def new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(
        "cjk",
        fname=settings.LONGCHENG_CJK_FONT,
        collection_font_number=settings.LONGCHENG_CJK_FONT_INDEX,
    )
    pdf.add_page()
    return pdf
