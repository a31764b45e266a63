"""Cells a spreadsheet would run as formulas (OWASP "CSV injection"), both ways.

A spreadsheet runs a cell starting with = + - @ as a formula (some skip a tab, CR or
LF first; some fold the full-width forms to ASCII), so an item, lot or partner named
`=HYPERLINK(...)` could act when an exported file is opened. Exports put a leading
apostrophe before such text: spreadsheets show the cell as text and hide the
apostrophe. Imports remove it again, so an exported file imports back unchanged.
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(text: str) -> str:
    """A leading apostrophe on text a spreadsheet would run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """What `neutralise` protected, as it was; any other text unchanged."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
