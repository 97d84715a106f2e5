"""A document's way from original to `ready`: ingest reads (and converts, decrypts)
the original and, when pages need OCR, fans them out to the OCR queue one page per
job; the last page to land asks for the assembly of the archive.

- `ingest`: the `ingest` job (default queue).
- `ocr_jobs`: `ocr_page` (OCR queue) and `assemble_archive` (default queue).
- `files`: work on files that runs in a PDF process (never on the event loop).
- `steps`: what the jobs share (S3 layout of a run, failing a document).
"""
