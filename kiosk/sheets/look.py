"""How the workbooks written for a clerk look, shared by the templates and
the error report: the same header colours, and printed as wide as the paper."""

from __future__ import annotations

from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="EFE9DF")
REQUIRED_FONT = Font(bold=True, color="B71C1C")
OPTIONAL_FONT = Font(bold=True)


def print_across(ws: Worksheet, title_rows: str | None = None) -> None:
    """Printed, a sheet is landscape with every column on the page (rows run on
    over as many pages as they need); ``title_rows`` repeat on each page."""
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if title_rows:
        ws.print_title_rows = title_rows
