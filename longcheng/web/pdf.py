"""A4 PDF documents with an embedded Chinese font (fpdf2 + Debian's Noto CJK), shared by every
module that prints: posters, minutes, rectification orders, reports."""

import io

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


def photo_row(pdf: FPDF, photos: list[tuple[bytes, str]], *, per_row: int = 4) -> None:
    """Photos as thumbnails in rows of `per_row`, each with a one-line caption (when, where):
    the documents that cite photos show them, never full-size pictures."""
    for start in range(0, len(photos), per_row):
        if pdf.get_y() + 40 > pdf.h - pdf.b_margin:
            pdf.add_page()
        y = pdf.get_y() + 1
        for index, (thumb, caption) in enumerate(photos[start : start + per_row]):
            x = pdf.l_margin + 8 + index * 44
            pdf.image(io.BytesIO(thumb), x=x, y=y, h=28, keep_aspect_ratio=True, w=40)
            pdf.set_xy(x, y + 29)
            pdf.set_font("cjk", size=7)
            pdf.cell(40, 3.5, caption[:40])
        pdf.set_xy(pdf.l_margin, y + 34)
