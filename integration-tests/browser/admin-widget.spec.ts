import fs from "node:fs"
import path from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"
import { buildAdmin } from "../helpers/admin-build"
import { refundsOf, settleAll } from "../helpers/refunds"
import { markDelivered, shipOrder, TRACKING_NUMBER } from "../helpers/fulfillment"
import { describeStore } from "../helpers/runner"
import { sandboxPost, waitFor } from "../helpers/sandbox"
import { ADMIN_PASSWORD, orderWithPayments, paidOrder, type Store } from "../helpers/store"

const SHOTS = path.resolve(__dirname, "../../artifacts/screenshots")
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

// Registered before the runner's own hooks, so the dashboard is built before the app that serves it boots.
beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true })
  await buildAdmin(__dirname)
}, 900_000)

/** The dashboard scrolls inside its own container, so the page is shot with the widget in view, then the widget. */
async function shot(page: Page, name: string, focus = page.getByTestId("paymentwall-widget")): Promise<void> {
  if (await focus.count()) {
    await focus.scrollIntoViewIfNeeded()
    await focus.screenshot({ path: path.join(SHOTS, `${name}-widget.png`) })
  }
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) })
}

describeStore(({ api, getContainer, sandbox, store: seeded }) => {
  let browser: Browser
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>
  const base = () => String(api.defaults.baseURL)

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // As root in a container, with no network beyond loopback.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    })
  })
  afterAll(async () => {
    await browser?.close()
  })

  beforeEach(async () => {
    store = seeded()
    paid = await paidOrder(api, store, (merchantUid) =>
      sandboxPost(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
    )
  })

  async function signedInPage(storage: Record<string, string> = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
    await context.addInitScript((entries: Record<string, string>) => {
      for (const [key, value] of Object.entries(entries)) {
        window.localStorage.setItem(key, value)
      }
    }, storage)
    const page = await context.newPage()
    await page.goto(`${base()}/app/login`)
    await page.locator("input[name=email]").fill(store.adminEmail)
    await page.locator("input[name=password]").fill(ADMIN_PASSWORD)
    await page.locator("button[type=submit]").click()
    await page.waitForURL(/\/app\/orders/, { timeout: 60_000 })
    return page
  }

  const ticketStatus = (page: Page) => page.getByTestId("paymentwall-ticket").first().getAttribute("data-status")

  it("a partial refund from the stock Refund form waits for Paymentwall, then completes", async () => {
    const page = await signedInPage()
    await page.goto(`${base()}/app/orders/${paid.orderId}`)
    const widget = page.getByTestId("paymentwall-widget")
    await widget.waitFor({ timeout: 60_000 })
    await widget.getByText(paid.impUid).waitFor()
    expect(await widget.getByTestId("paymentwall-iamport-status").textContent()).toBe("Paid")
    await widget.getByText("No refund has been requested for this payment.").waitFor()
    await shot(page, "1-order-paid")

    // The dashboard's own Refund form, for this payment.
    await page.goto(`${base()}/app/orders/${paid.orderId}/refund?paymentId=${paid.paymentId}`)
    const amount = page.locator("input[name=amount]")
    await amount.waitFor()
    await amount.fill("3000")
    await page.locator("textarea[name=note]").fill("Wrong size")
    await shot(page, "2-refund-form", page.locator("form"))
    await page.getByRole("button", { name: "Save" }).click()
    await page.waitForURL(new RegExp(`/app/orders/${paid.orderId}(\\?|$)`), { timeout: 30_000 })

    await waitFor(
      "the widget to show the waiting ticket",
      async () => ((await ticketStatus(page)) === "waiting_for_cancellation" ? true : undefined),
      30_000
    )
    await widget.getByTestId("paymentwall-ticket").first().getByText("Waiting for cancellation").waitFor()
    await page.getByTestId("paymentwall-waiting-explained").waitFor()
    // The plugin's own word at the top of the page, and its toast: the stock toast said "successful".
    const banner = page.getByTestId("paymentwall-waiting-banner")
    await banner.getByText("Sent to Paymentwall: waiting for cancellation").waitFor()
    await banner.getByText(/₩3,000|KRW\s?3,000/).waitFor()
    await page
      .getByText("The refund is a cancellation request at Paymentwall.", { exact: false })
      .first()
      .waitFor({ timeout: 15_000 })
    // Medusa shows no refund yet.
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, store, paid.orderId)).payment_status).toBe("captured")
    await shot(page, "3-waiting-for-cancellation")

    await settleAll(sandbox(), paid.impUid, "approved")
    await waitFor(
      "the widget to show the completed ticket",
      async () => ((await ticketStatus(page)) === "completed" ? true : undefined),
      60_000
    )
    await page.getByText("Partially refunded").first().waitFor({ timeout: 30_000 })
    // The settled ticket made the widget ask i'mport again.
    await widget.getByText("Partially cancelled").waitFor({ timeout: 15_000 })
    await shot(page, "4-completed")
    // Settled: the banner is gone, and the widget's polls show i'mport's refreshed word.
    expect(await page.getByTestId("paymentwall-waiting-banner").count()).toBe(0)

    const order = await orderWithPayments(api, store, paid.orderId)
    expect(order.payment_status).toBe("partially_refunded")
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([3000])
    await page.context().close()
  })

  it("a suspected rejection waits for the admin, who confirms it, in the dark theme, in Korean", async () => {
    await api.post(`/admin/payments/${paid.paymentId}/refund`, { amount: 5000, note: "Late delivery" }, store.admin)
    await settleAll(sandbox(), paid.impUid, "rejected")
    await waitFor(
      "the rejection to be suspected",
      async () => {
        const tickets = await getContainer()
          .resolve<any>("iamport_paymentwall")
          .listCancelTickets({ payment_id: paid.paymentId })
        return tickets[0]?.rejection_suspected_at ? true : undefined
      },
      30_000
    )

    const page = await signedInPage({ medusa_admin_theme: "dark", lng: "ko" })
    await page.goto(`${base()}/app/orders/${paid.orderId}`)
    const widget = page.getByTestId("paymentwall-widget")
    await widget.waitFor({ timeout: 60_000 })
    // The notice alone rejects nothing: the ticket still waits, flagged, with the instruction.
    await widget.getByText("거절 의심").waitFor()
    await page.getByTestId("paymentwall-suspected-explained").waitFor()
    expect(await ticketStatus(page)).toBe("waiting_for_cancellation")
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true)
    await shot(page, "5-rejection-suspected-dark-ko")

    // It frees the reserved amount: a confirmation first, and going back changes nothing.
    await widget.getByRole("button", { name: "Paymentwall이 거절함" }).click()
    const dialog = page.getByRole("alertdialog")
    await dialog.getByText("Paymentwall이 이 환불을 거절했나요?").waitFor()
    await shot(page, "5b-confirm-rejection-ko")
    await dialog.getByRole("button", { name: "돌아가기" }).click()
    await dialog.waitFor({ state: "hidden" })
    expect(await ticketStatus(page)).toBe("waiting_for_cancellation")
    await widget.getByRole("button", { name: "Paymentwall이 거절함" }).click()
    await page.getByRole("alertdialog").getByRole("button", { name: "네, 거절되었습니다" }).click()
    await waitFor(
      "the widget to show the rejected ticket",
      async () => ((await ticketStatus(page)) === "rejected" ? true : undefined),
      30_000
    )
    await widget.getByText("취소 거절").waitFor()
    await widget.getByText("아임포트에서 지금 확인").waitFor()
    await shot(page, "6-rejected-dark-ko")
    await page.context().close()
  })

  it("a returned cancellation that Medusa cannot book is closed by hand, with a reason, and shows who closed it", async () => {
    expect((await api.post("/admin/order-edits", { order_id: paid.orderId }, store.admin)).status).toBe(200)
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 1500,
      reason: "Chargeback",
    })
    await waitFor(
      "the cancellation to be returned, not booked",
      async () => {
        const tickets = await getContainer()
          .resolve<any>("iamport_paymentwall")
          .listCancelTickets({ payment_id: paid.paymentId })
        return tickets[0]?.status === "returned" ? true : undefined
      },
      30_000
    )

    const page = await signedInPage()
    await page.goto(`${base()}/app/orders/${paid.orderId}`)
    const widget = page.getByTestId("paymentwall-widget")
    await widget.waitFor({ timeout: 60_000 })
    expect(await ticketStatus(page)).toBe("returned")
    await widget.getByTestId("paymentwall-close-open").click()
    const form = widget.getByTestId("paymentwall-close-form")
    const close = form.getByRole("button", { name: "Close the ticket" })
    // No reason, no closing.
    expect(await close.isDisabled()).toBe(true)
    await form.locator("textarea").fill("Booked by hand in the accounting system")
    await shot(page, "7-close-returned")
    await close.click()
    await waitFor(
      "the widget to show the closed ticket",
      async () => ((await ticketStatus(page)) === "closed" ? true : undefined),
      30_000
    )
    await widget.getByText("Closed because: Booked by hand in the accounting system").waitFor()
    await widget.getByText(/Closed by \S+ at /).waitFor()
    await shot(page, "8-closed-by-hand")
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    await page.context().close()
  })

  it("the delivery reports to Paymentwall show in the widget: shipped with its tracking number, then delivered", async () => {
    const page = await signedInPage()
    await page.goto(`${base()}/app/orders/${paid.orderId}`)
    const widget = page.getByTestId("paymentwall-widget")
    await widget.waitFor({ timeout: 60_000 })
    await widget.getByText("Nothing reported yet", { exact: false }).waitFor()

    const fulfillmentId = await shipOrder(api, store, paid.orderId)
    await page.reload()
    const shipped = widget.locator('[data-testid="paymentwall-delivery"][data-status="order_shipped"]')
    await shipped.waitFor({ timeout: 60_000 })
    await waitFor(
      "the shipment report to be sent",
      async () => ((await shipped.getAttribute("data-state")) === "sent" ? true : undefined),
      30_000
    )
    await shipped.getByText(TRACKING_NUMBER, { exact: false }).waitFor()
    await shipped.getByText("Sent").waitFor()

    await markDelivered(api, store, paid.orderId, fulfillmentId)
    await page.reload()
    const delivered = widget.locator('[data-testid="paymentwall-delivery"][data-status="delivered"]')
    await delivered.waitFor({ timeout: 60_000 })
    await waitFor(
      "the delivery report to be sent",
      async () => ((await delivered.getAttribute("data-state")) === "sent" ? true : undefined),
      30_000
    )
    expect((sandbox().context.state.deliveries as { status: string }[]).map((d) => d.status)).toEqual([
      "order_shipped",
      "delivered",
    ])
    await shot(page, "7-delivery-reported", page.getByTestId("paymentwall-deliveries"))
    await page.context().close()
  })
}, __dirname)
