"""paless-cli: the paless API from a shell.

    paless-cli login --url http://127.0.0.1:8000 --username admin
    paless-cli upload invoice.pdf scans/*.pdf photo.jpg --tag invoices --wait
    paless-cli upload brief.tiff --ocr force --languages deu+eng
    paless-cli ls
    paless-cli search "electricity 2026"
    paless-cli get 1dcffe12-...
    paless-cli download 1dcffe12-... -o invoice.pdf

Errors print the API's problem title and detail on stderr and exit 1; a command line
that does not parse exits 2.
"""

from __future__ import annotations

import argparse
import getpass
import html
import json
import re
import sys
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from rich.text import Text

from paless_cli import config
from paless_cli.api import Api, ApiError, login
from paless_cli.transfer import download_file, progress_bar, upload_file
from paless_client.models import Document, DocumentSummary, SearchHit

# Not a terminal (a pipe, a file): no width limit to fit, so no column gets squeezed out.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Failed(Exception):
    """A command that ran but did not achieve what was asked (already reported)."""


# Formatting -----------------------------------------------------------------------------


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def print_json(data: Any) -> None:
    # Plain print: rich would wrap long strings and break the JSON for scripts.
    print(json.dumps(data, indent=2, ensure_ascii=False))


def snippet_text(snippet: str) -> Text:
    """The API's HTML snippet (escaped text, hits in <mark>) as terminal text."""
    text = Text()
    for index, part in enumerate(re.split(r"</?mark>", snippet)):
        # Pages are separated by form feeds, lines by newlines: one line here.
        flat = re.sub(r"\s+", " ", html.unescape(part))
        text.append(flat, style="bold yellow" if index % 2 else "")
    return text


def documents_table(items: Iterable[DocumentSummary], *, search: bool = False) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("ID", no_wrap=True, min_width=36)
    table.add_column("TITLE", overflow="ellipsis", max_width=40)
    table.add_column("STATUS", no_wrap=True)
    if search:
        table.add_column("SCORE", justify="right", no_wrap=True)
        table.add_column("MATCH", overflow="ellipsis")
    else:
        table.add_column("PAGES", justify="right", no_wrap=True)
        table.add_column("SIZE", justify="right", no_wrap=True)
        table.add_column("ADDED", no_wrap=True)
    for item in items:
        cells = [Text(str(item.id)), Text(item.title), Text(str(item.status))]
        if search:
            hit = item.search if isinstance(item.search, SearchHit) else None
            cells += [
                Text(f"{hit.score:.3f}" if hit else ""),
                snippet_text(hit.snippet if hit and isinstance(hit.snippet, str) else ""),
            ]
        else:
            cells += [
                Text("" if item.page_count is None else str(item.page_count)),
                Text(human_size(item.size_bytes)),
                Text(item.added_at.strftime("%Y-%m-%d %H:%M")),
            ]
        table.add_row(*cells)
    return table


def document_table(document: Document, tag_names: list[str]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    rows: list[tuple[str, Any]] = [
        ("id", document.id),
        ("title", document.title),
        ("status", document.status),
        ("failure reason", document.failure_reason),
        ("file", document.original_filename),
        ("size", human_size(document.size_bytes)),
        ("pages", document.page_count),
        ("sha256", document.sha256),
        ("duplicate of", document.duplicate_of),
        ("tags", ", ".join(tag_names)),
        ("created", document.created_at.isoformat()),
        ("added", document.added_at.isoformat()),
        ("modified", document.modified_at.isoformat()),
    ]
    if document.content:
        excerpt = " ".join(document.content.split())
        rows.append(("content", excerpt[:300] + ("…" if len(excerpt) > 300 else "")))
    for name, value in rows:
        if value not in (None, "", []):
            table.add_row(name, Text(str(value)))
    return table


# Commands -------------------------------------------------------------------------------


def cmd_login(args: argparse.Namespace) -> None:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.username}: ")
    token = login(args.url, args.username, password)
    path = config.save(
        config.Credentials(
            url=args.url,
            token=token.access_token,
            username=args.username,
            expires_at=token.expires_at.isoformat(),
        )
    )
    err.print(f"logged in as {args.username}; token saved in {path}", markup=False)


def _upload_one(
    api: Api, path: Path, args: argparse.Namespace, tag_ids: list[uuid.UUID], progress: Any
) -> Document:
    post = api.start_upload(path.name, args.title)
    upload_file(post, path, progress)
    languages = args.languages.replace(",", "+").split("+") if args.languages else None
    document = api.complete_upload(post.upload_id, ocr_mode=args.ocr, languages=languages)
    if tag_ids:
        document = api.set_tags(document.id, tag_ids)
    if args.wait:
        document = api.wait_until_processed(document.id, timeout=args.timeout)
    return document


def cmd_upload(args: argparse.Namespace) -> None:
    paths: list[Path] = args.files
    if args.title and len(paths) > 1:
        raise Failed("--title applies to one file; upload the files one by one to title each")
    for path in paths:
        if not path.is_file():
            raise Failed(f"{path}: no such file")
    failures = 0
    with Api(config.load()) as api:
        tag_ids = api.tag_ids(args.tag) if args.tag else []
        with progress_bar(err) as progress:
            progress.disable = args.quiet
            for path in paths:
                try:
                    document = _upload_one(api, path, args, tag_ids, progress)
                except ApiError as exc:
                    failures += 1
                    report(exc, prefix=f"{path}: ")
                    continue
                if document.status == "failed":
                    failures += 1
                    err.print(f"{path}: failed: {document.failure_reason}", markup=False)
                print(f"{document.id}\t{document.status}\t{path}", flush=True)
    if failures:
        raise Failed(f"{failures} of {len(paths)} uploads failed")


def cmd_ls(args: argparse.Namespace) -> None:
    with Api(config.load()) as api:
        page = api.list_documents(limit=args.limit, cursor=args.cursor)
    if args.json:
        print_json(page.to_dict())
        return
    out.print(documents_table(page.items))
    if page.next_cursor:
        err.print(f"more: paless-cli ls --cursor {page.next_cursor}", markup=False)


def cmd_search(args: argparse.Namespace) -> None:
    with Api(config.load()) as api:
        page = api.search(args.query, limit=args.limit)
    if args.json:
        print_json(page.to_dict())
        return
    if not page.items:
        err.print(f"no document matches {args.query!r}", markup=False)
        return
    out.print(documents_table(page.items, search=True))


def cmd_get(args: argparse.Namespace) -> None:
    with Api(config.load()) as api:
        document = api.get_document(args.id)
        tags = document.tags if isinstance(document.tags, list) else []
        tag_names = [] if args.json else api.tag_names(tags)
    if args.json:
        print_json(document.to_dict())
    else:
        out.print(document_table(document, tag_names))


def _target(document: Document, output: Path | None) -> Path:
    # The stored name comes from whoever uploaded it: keep only its last part.
    name = Path(document.original_filename.replace("\\", "/")).name or f"{document.id}.pdf"
    if output is None:
        return Path(name)
    return output / name if output.is_dir() else output


def cmd_download(args: argparse.Namespace) -> None:
    with Api(config.load()) as api:
        document = api.get_document(args.id)
        signed = api.download_url(args.id)
    target = _target(document, args.output)
    with progress_bar(err) as progress:
        progress.disable = args.quiet
        size = download_file(signed.url, target, progress, target.name)
    print(target, flush=True)
    if not args.quiet:
        err.print(f"saved {human_size(size)} to {target}", markup=False)


# Command line ---------------------------------------------------------------------------


def _limit(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 200:
        raise argparse.ArgumentTypeError("must be between 1 and 200")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paless-cli",
        description="Upload, find and download paless documents.",
        epilog="Credentials: PALESS_URL and PALESS_TOKEN, else the file `login` writes "
        "($PALESS_CLI_CONFIG, default ~/.config/paless/cli.json).",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    login_ = commands.add_parser("login", help="get a token and save it")
    login_.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    login_.add_argument("--username", "-u", required=True)
    login_.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    login_.set_defaults(run=cmd_login)

    upload = commands.add_parser(
        "upload",
        help="upload PDFs and images (JPEG, PNG, TIFF, WebP, GIF, BMP, HEIC) straight to storage",
    )
    upload.add_argument("files", nargs="+", type=Path, metavar="FILE")
    upload.add_argument("--title", help="the document's title (one file only)")
    upload.add_argument(
        "--tag", action="append", default=[], metavar="NAME", help="tag it (created if new)"
    )
    upload.add_argument(
        "--ocr", choices=("auto", "redo", "force", "off"), help="OCR mode (the server's default)"
    )
    upload.add_argument("--languages", metavar="eng+deu", help="OCR languages")
    upload.add_argument("--wait", action="store_true", help="wait until ready or failed")
    upload.add_argument("--timeout", type=float, default=300.0, help="seconds --wait waits (300)")
    upload.set_defaults(run=cmd_upload)

    ls = commands.add_parser("ls", help="list your documents, newest first")
    ls.add_argument("--limit", type=_limit, default=50, help="1-200 (50)")
    ls.add_argument("--cursor", help="next page: the cursor the previous page printed")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=cmd_ls)

    search = commands.add_parser("search", help="full-text search")
    search.add_argument("query")
    search.add_argument("--limit", type=_limit, default=20, help="1-200 (20)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=cmd_search)

    get = commands.add_parser("get", help="a document's details")
    get.add_argument("id", type=uuid.UUID)
    get.add_argument("--json", action="store_true")
    get.set_defaults(run=cmd_get)

    download = commands.add_parser("download", help="download a document's original")
    download.add_argument("id", type=uuid.UUID)
    download.add_argument(
        "-o", "--output", type=Path, help="file or folder (default: its name, here)"
    )
    download.set_defaults(run=cmd_download)
    return parser


def report(exc: ApiError, prefix: str = "") -> None:
    err.print(f"paless-cli: {prefix}{exc.title}: {exc.detail}", markup=False)
    if exc.status == 401:
        err.print("paless-cli: log in again with `paless-cli login`", markup=False)


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command: Callable[[argparse.Namespace], None] = args.run
    try:
        command(args)
    except ApiError as exc:
        report(exc)
    except (Failed, config.NotLoggedIn, TimeoutError) as exc:
        err.print(f"paless-cli: {exc}", markup=False)
    except httpx.HTTPError as exc:
        err.print(f"paless-cli: {type(exc).__name__}: {exc}", markup=False)
    except KeyboardInterrupt:
        return 130
    else:
        return 0
    return 1


def main() -> None:
    sys.exit(run())
