"""Plain business documents as PDF (a purchase order to send, a recall report): a title,
a few facts, tables, a footer. Text is given already formatted; nothing here knows
Flask or the database. The font is Vera, shipped inside reportlab (accents, €)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .labels.text import FONT_FILES

FONT, BOLD = "KrafteDocSans", "KrafteDocSans-Bold"
INK = colors.HexColor("#1f2a30")
RULE = colors.HexColor("#9aa7ad")
SHADE = colors.HexColor("#eef2f3")


@dataclass
class Grid:
    """A table: headings, rows of text, right-aligned columns (numbers), an optional
    last row drawn as a total."""

    headings: list[str]
    rows: list[list[str]]
    right: set[int] = field(default_factory=set)
    total: list[str] | None = None
    widths: list[float] | None = None  # fractions of the text width


@dataclass
class Section:
    title: str | None
    body: Grid | str


@lru_cache(maxsize=1)
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILES[False])))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_FILES[True])))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles():
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=18, leading=22,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14,
                                   spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=base, fontName=BOLD, fontSize=11.5,
                                  leading=15, spaceBefore=10, spaceAfter=4),
        "text": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=8.5, leading=10.5,
                                     alignment=2),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5),
        "head_right": ParagraphStyle("head_right", parent=base, fontName=BOLD, fontSize=8.5,
                                     leading=10.5, alignment=2),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10,
                                textColor=colors.HexColor("#55646b")),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"),
                     style)


def _grid(grid: Grid, styles, width: float) -> Table:
    def cells(values, head=False):
        kind = "head" if head else "cell"
        return [_p(v, styles[f"{kind}_right" if i in grid.right else kind])
                for i, v in enumerate(values)]

    data = [cells(grid.headings, True)] + [cells(r) for r in grid.rows]
    if grid.total is not None:
        data.append(cells(grid.total, True))
    widths = [f * width for f in grid.widths] if grid.widths else None
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for row in range(2, len(data), 2):
        style.append(("BACKGROUND", (0, row), (-1, row), SHADE))
    if grid.total is not None:
        style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                  ("BACKGROUND", (0, -1), (-1, -1), colors.white)]
    else:
        style.append(("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE))
    table.setStyle(TableStyle(style))
    return table


def render(title: str, *, subtitle: str | None = None, facts=(), sections=(),
           footer: str | None = None, paper: str = "A4", author: str = "Krafte") -> bytes:
    """`facts`: (label, value) pairs shown under the title; `sections`: Section list."""
    _fonts()
    styles = _styles()
    buffer = io.BytesIO()
    size = LETTER if paper.lower() == "letter" else A4
    doc = SimpleDocTemplate(buffer, pagesize=size, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=title,
                            author=author)
    story = [_p(title, styles["title"])]
    if subtitle:
        story.append(_p(subtitle, styles["subtitle"]))
    if facts:
        rows = [[_p(label, styles["head"]), _p(value, styles["text"])] for label, value in facts]
        table = Table(rows, colWidths=[0.25 * doc.width, 0.75 * doc.width], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story += [table, Spacer(1, 6)]
    for section in sections:
        if section.title:
            story.append(_p(section.title, styles["heading"]))
        if isinstance(section.body, Grid):
            story.append(_grid(section.body, styles, doc.width))
        else:
            story.append(_p(section.body, styles["text"]))
    if footer:
        story += [Spacer(1, 10), _p(footer, styles["small"])]

    def number_pages(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(RULE)
        canvas.drawRightString(size[0] - 18 * mm, 9 * mm, f"{title} · {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    return buffer.getvalue()
