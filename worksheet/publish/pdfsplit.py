"""Compiled PDFs into many, split at named destinations, and booklets whose parts start on odd pages."""

from __future__ import annotations

import io

from ..errors import RenderError


def page_ranges(pdf: bytes, tags: list[str]) -> tuple[object, dict[str, range]]:
    """The reader and the pages of each tag: from its destination to the next one's (or the end).
    Tags must be in the order their bodies were typeset."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    dests = reader.named_destinations
    starts = []
    for tag in tags:
        if tag not in dests:
            raise RenderError(f"the compiled PDF has no destination {tag!r}; a body lost its \\pdfdest")
        starts.append(reader.get_destination_page_number(dests[tag]))
    ends = [*starts[1:], len(reader.pages)]
    ranges = {}
    for tag, start, end in zip(tags, starts, ends):
        if end <= start:
            raise RenderError(f"the body {tag!r} has no pages of its own in the compiled PDF")
        ranges[tag] = range(start, end)
    return reader, ranges


def _writer():
    from pypdf import PdfWriter

    writer = PdfWriter()
    # No creation date and no file identifier: the same pages give the same bytes.
    writer.add_metadata({"/Producer": "worksheet with pypdf"})
    return writer


def _bytes(writer) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def extract(reader, pages: range) -> bytes:
    writer = _writer()
    for n in pages:
        writer.add_page(reader.pages[n])
    return _bytes(writer)


def booklet(parts: list[tuple[object, range]]) -> bytes:
    """The parts (a reader and its pages: one compiled PDF or several) one after the other, a
    blank page after each odd-length part so that every part starts on a right-hand (odd) page
    when printed double-sided."""
    writer = _writer()
    count = 0
    for reader, pages in parts:
        for n in pages:
            writer.add_page(reader.pages[n])
        count += len(pages)
        if count % 2:
            box = reader.pages[pages[-1]].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
            count += 1
    return _bytes(writer)


def split(pdf: bytes, tags: list[str]) -> dict[str, bytes]:
    """Each tag's pages as a PDF of its own."""
    reader, ranges = page_ranges(pdf, tags)
    return {tag: extract(reader, ranges[tag]) for tag in tags}


def booklet_of(pdfs: list[bytes]) -> bytes:
    """`booklet` of separate PDFs."""
    from pypdf import PdfReader

    readers = [PdfReader(io.BytesIO(data)) for data in pdfs]
    return booklet([(r, range(len(r.pages))) for r in readers])


def append_pdfs(first: bytes, others: list[bytes]) -> bytes:
    """`first` followed by the pages of `others`."""
    from pypdf import PdfReader

    writer = _writer()
    for data in (first, *others):
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    return _bytes(writer)
