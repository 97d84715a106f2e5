"""The web UI in a real browser (Chromium via Playwright) against paless-web and a
real worker: sign in, upload by drag and drop, search, edit, bulk tag, saved views,
share links, what a viewer may not do, sign out; axe-core on the main screens; and
the screenshots in docs/ui.md."""

from __future__ import annotations

import base64
import re

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.conftest import Account
from tests.pdfs import text_pdf
from tests.ui.conftest import LOGIN_MAX_FAILURES, assert_accessible, screenshot

# Real processes (web, worker) and a real browser: with the e2e suites.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

# Drop files on the page as a person would: a `drop` event whose DataTransfer holds them.
_DROP = """([files, selector]) => {
  const transfer = new DataTransfer();
  for (const file of files) {
    const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], file.name, {type: "application/pdf"}));
  }
  const target = document.querySelector(selector);
  target.dispatchEvent(new DragEvent("dragover", {bubbles: true, dataTransfer: transfer}));
  target.dispatchEvent(new DragEvent("drop", {bubbles: true, dataTransfer: transfer}));
}"""


def watch_csp(page: Page) -> list[str]:
    """Console errors the page logs; a CSP violation would be one."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text}") if message.type == "error" else None
        ),
    )
    return errors


async def sign_in(page: Page, base_url: str, account: Account) -> None:
    await page.goto(f"{base_url}/login")
    await page.get_by_label("Username").fill(account.username)
    await page.get_by_label("Password").fill(account.password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


async def test_sign_in_refuses_wrong_passwords_throttles_and_signs_out(
    page: Page, live_url: str, account: Account
) -> None:
    errors = watch_csp(page)
    await page.goto(f"{live_url}/documents")
    await expect(page).to_have_url(re.compile(r"/login\?next=%2Fdocuments$"))
    await assert_accessible(page, "sign-in")
    await screenshot(page, "sign-in")

    for _ in range(LOGIN_MAX_FAILURES):
        await page.get_by_label("Username").fill(account.username)
        await page.get_by_label("Password").fill("wrong password")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_have_text("Incorrect username or password.")
    await page.get_by_label("Password").fill(account.password)
    await page.get_by_role("button", name="Sign in").click()
    # Locked out, even with the right password, before it is checked.
    await expect(page.get_by_role("alert")).to_contain_text("too many failed logins")
    assert not [error for error in errors if "Content Security Policy" in error], errors


async def test_a_day_with_paless(
    page: Page, browser: Browser, live_url: str, account: Account
) -> None:
    errors = watch_csp(page)
    await sign_in(page, live_url, account)

    # Upload two PDFs by dropping them on the page; watch both become ready.
    await page.get_by_role("link", name="Upload", exact=True).click()
    files = [
        {"name": "quarterly-report.pdf", "data": text_pdf("Quarterly revenue grew strongly")},
        {"name": "gas-bill.pdf", "data": text_pdf("Gas invoice for March")},
    ]
    for file in files:
        file["data"] = base64.b64encode(file["data"]).decode()
    await expect(page.get_by_role("heading", name="Upload")).to_be_visible()
    await page.evaluate(_DROP, [files, "main"])
    uploads = page.locator("#upload-list li")
    await expect(uploads).to_have_count(2)
    for index in range(2):
        await expect(uploads.nth(index)).to_have_attribute("data-status", "ready", timeout=30_000)
    await assert_accessible(page, "upload")
    await screenshot(page, "upload")

    # Search, with the hit highlighted, and open it.
    await page.get_by_role("link", name="Documents", exact=True).click()
    await page.get_by_label("Full-text search").fill("revenue")
    await page.get_by_label("Full-text search").press("Enter")
    hit = page.locator("table.documents tbody tr").filter(has=page.locator("mark"))
    await expect(hit).to_have_count(1)
    await expect(hit.locator("mark")).to_have_text("revenue")
    await screenshot(page, "search")
    await hit.get_by_role("link").click()

    # The preview comes straight from storage; the metadata is edited in place.
    await expect(page.get_by_role("heading", name="quarterly-report", level=1)).to_be_visible()
    preview = page.locator("iframe#preview")
    storage = httpx.URL(str(await page.evaluate("document.querySelector('#preview').src")))
    assert storage.port != httpx.URL(live_url).port and "X-Amz-Signature" in str(storage)
    await expect(preview).to_be_visible()
    await page.get_by_label("Title").fill("Q3 report")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_text("Saved.")).to_be_visible()
    await assert_accessible(page, "document")
    await screenshot(page, "document")
    document_url = page.url

    # A tag, put on both documents at once.
    await page.get_by_role("link", name="Tags").click()
    await page.get_by_label("Name").fill("Paid")
    await page.get_by_role("button", name="Create tag").click()
    await expect(page.locator("td .tag", has_text="Paid")).to_be_visible()
    await assert_accessible(page, "tags")
    # Edited in place: an inbox tag now.
    await page.get_by_role("link", name="Edit Paid").click()
    await expect(page.get_by_label("Name", exact=True)).to_have_value("Paid")
    await assert_accessible(page, "tag edit")
    await page.get_by_label("Inbox tag").check()
    await page.get_by_role("button", name="Save tag").click()
    await expect(page.locator("td", has_text="inbox")).to_be_visible()
    await page.get_by_role("link", name="Documents", exact=True).click()
    await page.get_by_label("Select all shown documents").check()
    await page.get_by_label("With the selected").select_option("add_tags")
    await page.get_by_label("Target").select_option(label="Paid")
    await page.get_by_role("button", name="Apply to selected").click()
    await expect(page.get_by_text("Changed 2 of 2 document(s).")).to_be_visible()
    await expect(page.locator("table.documents .tag", has_text="Paid")).to_have_count(2)
    await assert_accessible(page, "documents")
    await screenshot(page, "documents")

    # A saved view of the tag, in the sidebar and on the dashboard with its count.
    await page.get_by_label("Tags (all of)").select_option(label="Paid")
    await expect(page).to_have_url(re.compile("tags_all="))
    await page.get_by_label("Thumbnails").check()
    await expect(page.locator("ul.cards li.doc-card")).to_have_count(2)
    await screenshot(page, "documents-thumbnails")
    await page.get_by_text("Save as view", exact=True).click()
    await page.get_by_label("View name").fill("Paid bills")
    await page.get_by_role("button", name="Save view").click()
    sidebar_link = page.locator("#sidebar").get_by_role("link", name=re.compile("Paid bills"))
    await expect(sidebar_link).to_contain_text("2")
    await expect(page.locator("ul.cards li.doc-card")).to_have_count(2)
    await page.get_by_role("link", name="Dashboard").click()
    card = page.get_by_role("region", name=re.compile("Paid bills"))
    await expect(card.locator(".count")).to_have_text("2")
    await assert_accessible(page, "dashboard")
    await screenshot(page, "dashboard")
    await card.get_by_role("link", name="Paid bills").click()
    await expect(page.locator("ul.cards li.doc-card")).to_have_count(2)

    # A share link opens signed out, straight from storage.
    await page.goto(document_url)
    await page.get_by_role("button", name="Create share link").click()
    share_url = await page.locator("a.share-url").first.get_attribute("href")
    assert share_url and "/share/" in share_url
    stranger = await browser.new_context()
    try:
        answer = await stranger.request.get(share_url)
        assert answer.ok and (await answer.body()).startswith(b"%PDF")
        assert httpx.URL(answer.url).port != httpx.URL(live_url).port  # served by storage
    finally:
        await stranger.close()

    # The account screen, on a phone-sized screen too.
    await page.get_by_role("link", name="Account").click()
    await assert_accessible(page, "account")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{live_url}/documents")
    await page.get_by_role("button", name="Menu").click()
    await expect(page.get_by_role("link", name="Upload", exact=True)).to_be_visible()
    await screenshot(page, "phone-documents")

    # Signing out ends the session.
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Sign in to paless")).to_be_visible()
    await page.goto(document_url)
    await expect(page).to_have_url(re.compile("/login"))
    assert not [error for error in errors if "Content Security Policy" in error], errors


async def test_a_viewer_sees_no_edit_controls_and_the_api_refuses_them(
    page: Page, live_url: str, owner_and_viewer: tuple[Account, Account]
) -> None:
    owner, viewer = owner_and_viewer
    async with httpx.AsyncClient(base_url=live_url, headers=owner.headers) as api:
        uploaded = await api.post(
            "/api/v1/documents",
            files={"file": ("contract.pdf", text_pdf("Tenancy contract"), "application/pdf")},
        )
        assert uploaded.status_code == 202, uploaded.text
        document_id = uploaded.json()["id"]
        grants = {
            "owner": str(owner.id),
            "view": {"users": [str(viewer.id)], "groups": []},
            "change": {"users": [], "groups": []},
        }
        granted = await api.put(f"/api/v1/documents/{document_id}/permissions", json=grants)
        assert granted.is_success

    await sign_in(page, live_url, viewer)
    await page.goto(f"{live_url}/documents/{document_id}")
    await expect(page.get_by_role("heading", name="contract", level=1)).to_be_visible()
    await expect(page.get_by_text("You may view this document but not change it.")).to_be_visible()
    for control in ("Save", "Move to trash", "Reprocess", "Add note", "Save permissions"):
        await expect(page.get_by_role("button", name=control)).to_have_count(0)
    # The permissions are shown, read-only.
    shown = page.locator("#permissions-read")
    await expect(shown).to_contain_text(owner.username)
    await expect(shown).to_contain_text(viewer.username)
    await expect(page.get_by_label("Title")).to_have_count(0)
    async with httpx.AsyncClient(base_url=live_url, headers=viewer.headers) as api:
        refused = await api.patch(f"/api/v1/documents/{document_id}", json={"title": "mine now"})
        assert refused.status_code == 403
        assert (await api.delete(f"/api/v1/documents/{document_id}")).status_code == 403
