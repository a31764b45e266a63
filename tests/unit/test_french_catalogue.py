"""The French catalogue: every text of the app (pages, scripts' strings, refusal messages,
field names) has its French, with the same placeholders."""

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2] / "krafte_pwa"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue():
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as f:
        return read_po(f)


def test_every_text_of_the_app_has_its_french():
    french = catalogue()
    missing = []
    for filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), [("**.py", "python"), ("**/templates/**.html", "jinja2")],
            keywords={**DEFAULT_KEYWORDS, "_l": None},
            options_map={"**/templates/**.html": {}}):
        msgid = message if isinstance(message, str) else message[0]
        found = french.get(msgid)
        if not found or not found.string:
            missing.append((filename, msgid))
    assert not missing, missing


def test_french_keeps_the_placeholders():
    wrong = []
    for message in catalogue():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append((ids[0], text))
            elif expected:
                text % {name: 1 for name in expected}  # formats: no stray %
    assert not wrong, wrong
