"""A CSV import's report as JSON."""


def import_report_json(report) -> dict:
    return {"rows": report.rows, "written": report.written, "created": report.created,
            "updated": report.updated,
            "problems": [{"line": p.line, "column": p.column, "reason": p.reason}
                         for p in report.problems]}
