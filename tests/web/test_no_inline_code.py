"""The Content-Security-Policy allows no inline script or style: every template, the
server-drawn charts and the scripts must do without (scripts in static/js, styles as
classes in static/css/app.css)."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import krafte_pwa
from krafte_pwa.web.charts import line_chart

PACKAGE = Path(krafte_pwa.__file__).parent
TEMPLATES = PACKAGE / "templates"
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}  # data, never run


class InlineCode(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self._script = [], None

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, _value in attrs:
            if name == "style":
                self.problems.append(f"line {line}: style attribute on <{tag}>")
            elif name.startswith("on"):
                self.problems.append(f"line {line}: {name} handler on <{tag}>")
            elif name in ("href", "src", "action", "formaction") and \
                    (_value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: javascript: URL on <{tag}>")
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        if tag == "script":
            kind = (dict(attrs).get("type") or "").strip().lower()
            self._script = {"line": line, "src": "src" in dict(attrs),
                            "data": kind in DATA_SCRIPT_TYPES, "body": ""}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None:
            self._script["body"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            script, self._script = self._script, None
            if script["data"]:
                return
            if script["body"].strip():
                self.problems.append(f"line {script['line']}: inline script")
            elif not script["src"]:
                self.problems.append(f"line {script['line']}: <script> without src")


def inline_code(html: str) -> list[str]:
    # Jinja tags become a neutral word between spaces, keeping line numbers.
    parser = InlineCode()
    parser.feed(JINJA.sub(lambda m: " x " + "\n" * m.group(0).count("\n"), html))
    parser.close()
    return parser.problems


def test_the_checker_finds_inline_code():
    assert inline_code('<div style="color:red">') == ["line 1: style attribute on <div>"]
    assert inline_code('<button onclick="go()">') == ["line 1: onclick handler on <button>"]
    assert inline_code("<p>\n<script>alert(1)</script>") == ["line 2: inline script"]
    assert inline_code("<script type=module>go()</script>") == ["line 1: inline script"]
    assert inline_code("<style>p{}</style>") == ["line 1: <style> element"]
    assert inline_code('<a href="javascript:go()">') == ["line 1: javascript: URL on <a>"]
    assert inline_code('<p {% if x %}style="{{ y }}"{% endif %}>') == \
        ["line 1: style attribute on <p>"]
    assert inline_code('<script src="{{ asset_url(\'js/a.js\') }}" defer></script>'
                       '<script type="application/json" id="d">{{ data|tojson }}</script>'
                       '<p data-on="1" class="one">{% set one = 1 %}</p>') == []


def test_no_template_has_inline_script_style_or_handlers():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50
    problems = [f"{path.relative_to(TEMPLATES)} {problem}" for path in templates
                for problem in inline_code(path.read_text(encoding="utf-8"))]
    assert problems == []


def test_charts_draw_without_style_attributes():
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(5)]
    svg = str(line_chart(days, [("Wax", [Decimal(n) for n in range(5)])], title="Stock"))
    assert 'class="chart"' in svg
    assert inline_code(svg) == []


def test_scripts_write_no_inline_style_or_handlers():
    """`el.style.x = …` is allowed under the CSP; style or on… attributes set from a
    string (setAttribute, innerHTML) are not, nor is code built from strings."""
    forbidden = re.compile(r"setAttribute\(\s*[\"'](style|on\w+)[\"']|innerHTML|outerHTML"
                           r"|insertAdjacentHTML|document\.write|\beval\(|new Function\("
                           r"|setTimeout\(\s*[\"'`]|setInterval\(\s*[\"'`]")
    found = [f"{path.name}: {m.group(0)}" for path in sorted((PACKAGE / "static/js").glob("*.js"))
             for m in forbidden.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
