"""Finishing touches to WeasyPrint's tagged PDFs that its PDF/UA-1 variant does not make yet.

Table header cells get a ``/Scope`` attribute (``Column`` in a table head, ``Row`` elsewhere), so assistive
technology can tell which header belongs to which data cell (PDF/UA-1 7.5, checked as UA-15-003 by ``pdfua``).
"""
from __future__ import annotations

import io

import pikepdf


def _children(element: pikepdf.Dictionary) -> list:
    kids = element.get("/K")
    if isinstance(kids, pikepdf.Array):
        return list(kids)
    return [kids] if isinstance(kids, pikepdf.Dictionary) else []


def _scope_headers(element: pikepdf.Dictionary, in_head: bool = False) -> None:
    kind = element.get("/S")
    if kind == "/TH" and "/A" not in element:
        element.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Column if in_head else pikepdf.Name.Row)
    in_head = in_head or kind == "/THead"
    for child in _children(element):
        if isinstance(child, pikepdf.Dictionary) and "/S" in child:
            _scope_headers(child, in_head)


def with_table_header_scopes(pdf_bytes: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return pdf_bytes
        for child in _children(root):
            if isinstance(child, pikepdf.Dictionary):
                _scope_headers(child)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
