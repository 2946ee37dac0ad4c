"""The plan reader: a plan (PDF or text) in, catalogue candidates out.

The reader's wing, one module per step, each importing only those before it:

- :mod:`~geo.reader.reading` (+ ``_layout``): a plan's text from a PDF's text layer or a
  text file, one record per line with its pages and table cells;
- :mod:`~geo.reader.lexicon`: the words of the genre (facility heads, generic words, verbs);
- :mod:`~geo.reader.clauses`: sentences, page noise, PDF wraps;
- :mod:`~geo.reader.names`: generic words, openers, proper parts, categories of names;
- :mod:`~geo.reader.spans`: the mention record and the span helpers of its rules;
- :mod:`~geo.reader.networks`: rules for water bodies, grid and gas works, sectors over places;
- :mod:`~geo.reader.structures`: rules for counted lists, firms, projects and programmes;
- :mod:`~geo.reader.mentions`: facility mentions in the clauses, lists expanded (the head rule,
  then the rules above, one mention per entity);
- :mod:`~geo.reader.candidates`: catalogue rows from the mentions;
- :mod:`~geo.reader.compare`: recall and precision against a curated list.

Importing the package needs only the standard library; reading a PDF imports pdfplumber,
finding mentions imports jieba (on first use).
"""

from __future__ import annotations

from ._layout import LineKind
from .candidates import candidates_from_text, candidates_to_csv
from .reading import DroppedLine, PlanText, TextLine, check_plan_text, text_from_path, text_from_pdf, text_from_txt

__all__ = ["DroppedLine", "LineKind", "PlanText", "TextLine", "candidates_from_text", "candidates_to_csv",
           "check_plan_text", "text_from_path", "text_from_pdf", "text_from_txt"]
