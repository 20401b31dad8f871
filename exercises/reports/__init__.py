"""The after-action report (AAR/IP): one data assembly (data.py) feeding the HTML page,
the PDF (render.py), the spreadsheets (tables.py), the charts (charts.py) and the
complete JSON export that import_exercise reads back (export.py). docs/report.md.
"""
