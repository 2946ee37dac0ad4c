"""The plan reader: a plan (PDF or text) in, catalogue candidates out.

This package is the reader's wing; today it holds the reading stage
(:mod:`geo.reader.reading`): a plan's text and where each line of it came from.
Importing it needs only the standard library; reading a PDF imports pdfplumber.
"""

from __future__ import annotations

from ._layout import LineKind
from .reading import DroppedLine, PlanText, TextLine, check_plan_text, text_from_path, text_from_pdf, text_from_txt

__all__ = ["DroppedLine", "LineKind", "PlanText", "TextLine", "check_plan_text", "text_from_path",
           "text_from_pdf", "text_from_txt"]
