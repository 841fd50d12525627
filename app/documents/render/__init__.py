"""The report as the document an agency publishes: a web page and a Word file.

``layout`` turns a report body into parts and tables of merged cells, derived from the
format definitions; ``html`` and ``docx`` write that one layout out.
"""

from app.documents.render.docx import render_document_docx
from app.documents.render.html import cell_id, document_stylesheet, render_document_html

__all__ = ["cell_id", "document_stylesheet", "render_document_docx", "render_document_html"]
