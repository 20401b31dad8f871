"""The after-action report (AAR/IP): one data assembly (data.py: build_report) of typed rows
(rows.py; offers and commitments in offer_rows.py, rounds and the timeline in timeline.py, each
team's assessment and the lesson in assessment.py) feeding the HTML page, the PDF (render.py),
the spreadsheets (tables.py), the charts (charts.py) and the complete JSON export that
import_exercise reads back (export.py). docs/report.md.
"""
