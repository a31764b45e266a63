"""The line forms (receipt, purchase order, shipment, recipe, picks): parallel
`request.form` lists, one entry per line, read back as one dict per line."""

from flask import g, has_request_context


def form_rows(form, fields, *, keep=None, name=None) -> list[dict]:
    """One dict per line, values stripped; a line is kept when `keep(row)` says so (it sees
    every field, blanks as ""), every line without `keep`; the rows returned leave blank
    fields out. With `name` (the list's name in the service's field paths, e.g. "lines"),
    a refusal during this request names a line by the number the page showed: a blank line
    left out does not renumber the lines after it."""
    rows, numbers = numbered_form_rows(form, fields, keep=keep)
    if name and has_request_context():
        g.setdefault("row_numbers", {})[name] = numbers
    return rows


def numbered_form_rows(form, fields, *, keep=None) -> tuple[list[dict], list[int]]:
    """`form_rows`, and the number the page showed for each row kept (1 for the first line
    of the form): a blank line left out does not renumber the lines after it."""
    columns = {f: form.getlist(f) for f in fields}
    rows, numbers = [], []
    for i in range(len(columns[fields[0]])):
        row = {f: (values[i] if i < len(values) else "").strip()
               for f, values in columns.items()}
        if keep is None or keep(row):
            rows.append({k: v for k, v in row.items() if v != ""})
            numbers.append(i + 1)
    return rows, numbers


def any_of(*fields):
    """A `keep` for form_rows: the line has a value in one of `fields`."""
    return lambda row: any(row[f] for f in fields)


def all_of(*fields):
    """A `keep` for form_rows: the line has a value in every one of `fields`."""
    return lambda row: all(row[f] for f in fields)
