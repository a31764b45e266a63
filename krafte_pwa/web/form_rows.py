"""The line forms (receipt, purchase order, shipment, recipe, picks): parallel
`request.form` lists, one entry per line, read back as one dict per line."""


def form_rows(form, fields, *, keep=None) -> list[dict]:
    """One dict per line, values stripped; a line is kept when `keep(row)` says so (it sees
    every field, blanks as ""), every line without `keep`; the rows returned leave blank
    fields out."""
    columns = {f: form.getlist(f) for f in fields}
    rows = []
    for i in range(len(columns[fields[0]])):
        row = {f: (values[i] if i < len(values) else "").strip()
               for f, values in columns.items()}
        if keep is None or keep(row):
            rows.append({k: v for k, v in row.items() if v != ""})
    return rows


def any_of(*fields):
    """A `keep` for form_rows: the line has a value in one of `fields`."""
    return lambda row: any(row[f] for f in fields)


def all_of(*fields):
    """A `keep` for form_rows: the line has a value in every one of `fields`."""
    return lambda row: all(row[f] for f in fields)
