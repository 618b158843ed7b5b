import fs from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"
import { startDemoStore, type DemoStore } from "../helpers/demo-store"

/**
 * The demo's whole story, as a person clicks it: `npm run demo` (scripts/demo.js) on its own ports and data
 * directory, a purchase on its storefront through the sandbox's widget, a refund from the admin that waits for
 * Paymentwall, the approval on the sandbox control page, and a declined payment. Screenshots of each step go to
 * artifacts/screenshots/demo-*.png.
 */
const ROOT = path.resolve(__dirname, "../..")
const SHOTS = path.join(ROOT, "artifacts/screenshots")
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const PORTS = { api: 19000, storefront: 18000, sandbox: 18891, pg: 15433 }
const API = `http://localhost:${PORTS.api}`
const STOREFRONT = `http://localhost:${PORTS.storefront}`
const SANDBOX = `http://localhost:${PORTS.sandbox}`

let demo: DemoStore
let browser: Browser
// Private (0700), as mkdtemp makes it: as root, PostgreSQL runs as "postgres", which cannot enter it, so the demo
// must keep its database elsewhere and say so.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "paymentwall-demo-test-"))
const AS_ROOT = process.getuid?.() === 0
const output = () => demo?.output() ?? ""

jest.setTimeout(600_000)

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true })
  // A first run: the dashboard is built as part of it (its bundler sets NODE_ENV=production in its own process).
  fs.rmSync(path.join(ROOT, "demo/public/admin"), { recursive: true, force: true })
  demo = await startDemoStore(PORTS, dataDir, 540_000)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  })
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await demo?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
  const moved = /the database lives in (\S+)/.exec(output())?.[1]
  if (moved) {
    fs.rmSync(path.dirname(moved), { recursive: true, force: true })
  }
})

/** Whether anything accepts a TCP connection on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "localhost" })
    socket.once("connect", () => (socket.destroy(), resolve(true)))
    socket.once("error", () => resolve(false))
  })
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `demo-${name}.png`), fullPage: true })

/** The admin login the demo printed. */
function adminLogin(): { email: string; password: string } {
  const match = /Admin\s+\S+\s+\((\S+) \/ (\S+)\)/.exec(output())
  if (!match) {
    throw new Error(`the demo printed no admin login:\n${output()}`)
  }
  return { email: match[1], password: match[2] }
}

/** The order's payment id, through the admin API with the printed login. */
async function paymentOf(orderId: string): Promise<string> {
  const login = await (
    await fetch(`${API}/auth/user/emailpass`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(adminLogin()),
    })
  ).json()
  const res = await fetch(`${API}/admin/orders/${orderId}?fields=*payment_collections.payments`, {
    headers: { authorization: `Bearer ${login.token}` },
  })
  const { order } = await res.json()
  return order.payment_collections[0].payments[0].id
}

async function buy(page: Page, button: "#pw-pay" | "#pw-decline" | "#pw-fraud"): Promise<void> {
  await page.goto(STOREFRONT)
  await page.locator("input[name=variant]").first().waitFor({ timeout: 60_000 })
  await page.getByTestId("region").selectOption({ label: "Korea (KRW)" })
  await page.getByText("₩32,000").waitFor()
  await page.locator("input[name=variant]").nth(1).check()
  await page.getByTestId("pay").click()
  const widget = page.frameLocator("iframe[title='Paymentwall (sandbox)']")
  await widget.locator(button).waitFor({ timeout: 60_000 })
  await shot(page, button === "#pw-pay" ? "1-widget" : button === "#pw-decline" ? "5-widget-decline" : "7-widget-fraud")
  await widget.locator(button).click()
}

describe("npm run demo", () => {
  it("starts on a first run from a shell, prints the four addresses, the admin login and the publishable key", () => {
    for (const url of [STOREFRONT, `${API}/app`, SANDBOX, API]) {
      expect(output()).toContain(url)
    }
    expect(adminLogin().email).toContain("@")
    expect(output()).toMatch(/built the admin dashboard/)
    const key = /Publishable key\s+(pk_\w+)/.exec(output())?.[1]
    expect(key).toBe(JSON.parse(fs.readFileSync(path.join(dataDir, "store.json"), "utf8")).publishable_key)
    if (AS_ROOT) {
      // The "postgres" user cannot enter the private data folder: the database moved, in one line.
      expect(output()).toMatch(/the "postgres" user cannot enter \S+, so the database lives in \S+/)
    }
  })

  it("a purchase on the storefront, a refund from the admin that waits for Paymentwall, then Paymentwall's approval", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await buy(page, "#pw-pay")
    const confirmation = page.getByTestId("confirmation")
    await confirmation.getByText("Thank you: order placed").waitFor({ timeout: 60_000 })
    const orderId = await confirmation.getAttribute("data-order-id")
    expect(orderId).toMatch(/^order_/)
    await shot(page, "2-order-placed")

    const { email, password } = adminLogin()
    const admin = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await admin.goto(`${API}/app/login`)
    await admin.locator("input[name=email]").fill(email)
    await admin.locator("input[name=password]").fill(password)
    await admin.locator("button[type=submit]").click()
    await admin.waitForURL(/\/app\/orders/, { timeout: 60_000 })
    // The dashboard's own Refund form, for the order's Paymentwall payment (as its payment row opens it).
    await admin.goto(`${API}/app/orders/${orderId}/refund?paymentId=${await paymentOf(orderId!)}`)
    const amount = admin.locator("input[name=amount]")
    await amount.waitFor({ timeout: 60_000 })
    // The form shows the payment it refunds once it has loaded it; fill the amount after that.
    await admin
      .getByText(/\(#\w+\)/)
      .first()
      .waitFor({ timeout: 60_000 })
    await amount.fill("10000")
    expect(await amount.inputValue()).toMatch(/^10,?000$/)
    await admin.getByRole("button", { name: "Save" }).click()
    await admin.waitForURL(new RegExp(`/app/orders/${orderId}(\\?|$)`), { timeout: 60_000 }).catch(async (error) => {
      // What the dashboard said instead (its toast), for the report.
      await shot(admin, "failed-refund")
      throw error
    })
    const widget = admin.getByTestId("paymentwall-widget")
    await widget
      .getByTestId("paymentwall-ticket")
      .first()
      .getByText("Waiting for cancellation")
      .waitFor({ timeout: 60_000 })
    await widget.scrollIntoViewIfNeeded()
    await shot(admin, "3-waiting-for-cancellation")

    const control = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await control.goto(SANDBOX)
    const ticket = control.locator("#tickets [data-ticket]")
    await ticket.first().waitFor({ timeout: 30_000 })
    expect(await ticket.count()).toBe(1)
    expect(await control.locator("#calls").textContent()).toContain("POST /payments/cancel")
    expect(await control.content()).not.toMatch(/sandbox_imp_(key|secret)/)
    await ticket.getByRole("button", { name: "Approve" }).click()
    await control.locator("#settled").getByText("approved").waitFor({ timeout: 30_000 })
    await shot(control, "4-control-page-approved")

    await admin.reload()
    await admin.getByTestId("paymentwall-widget").getByText("Partially cancelled").waitFor({ timeout: 60_000 })
    await admin.getByText("Partially refunded").first().waitFor({ timeout: 30_000 })
    await shot(admin, "4-order-refunded")
    await Promise.all([page.close(), admin.close(), control.close()])
  })

  it("a declined payment shows Paymentwall's reason on the storefront and places no order", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await buy(page, "#pw-decline")
    await page
      .getByTestId("status")
      .getByText("Paymentwall did not take the payment: Card declined")
      .waitFor({ timeout: 60_000 })
    // A decline is not a review: no hint that it may still become an order, and the buyer may pay again.
    expect(await page.getByTestId("status").textContent()).not.toMatch(/review/i)
    expect(await page.getByTestId("pay").isEnabled()).toBe(true)
    expect(await page.getByTestId("confirmation").isHidden()).toBe(true)
    await shot(page, "6-declined")
    await page.close()
  })

  it("a payment held for fraud review tells the buyer, and the order appears once it is approved on the control page", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await buy(page, "#pw-fraud")
    await page.getByTestId("status").getByText("Paymentwall is reviewing this payment").waitFor({ timeout: 60_000 })
    // Not Paymentwall's raw failure text, and no second payment offered while it is held.
    expect(await page.getByTestId("status").textContent()).not.toContain("PG사")
    expect(await page.getByTestId("pay").isDisabled()).toBe(true)
    // Showing another region's products meanwhile offers no second payment either.
    await page.getByTestId("region").selectOption({ label: "United States (USD)" })
    await page.getByText("24.50").waitFor()
    await page.getByTestId("region").selectOption({ label: "Korea (KRW)" })
    await page.getByText("₩32,000").waitFor()
    expect(await page.getByTestId("pay").isDisabled()).toBe(true)
    await shot(page, "8-under-review")

    const control = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await control.goto(SANDBOX)
    const held = control.locator("#payments [data-state='held for fraud review']")
    await held.first().waitFor({ timeout: 30_000 })
    // The decline of the test before is told apart: nothing to approve on it.
    expect(await control.locator("#payments [data-state='declined'] button").count()).toBe(0)
    await shot(control, "9-control-page-held")
    await held.first().getByRole("button", { name: "Approve after fraud review" }).click()
    await page.getByTestId("confirmation").getByText("Thank you: order placed").waitFor({ timeout: 90_000 })
    await shot(page, "10-order-after-review")
    await Promise.all([page.close(), control.close()])
  })

  it("stops every process it started on Ctrl-C", async () => {
    const exited = new Promise<number | null>((resolve) => demo.child.once("exit", (code) => resolve(code)))
    demo.child.kill("SIGINT")
    expect(await exited).toBe(0)
    expect(output()).toContain("stopped")
    for (const port of Object.values(PORTS)) {
      expect(await listening(port)).toBe(false)
    }
  })
})
