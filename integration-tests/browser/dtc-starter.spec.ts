import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { chromium, devices, type Browser, type BrowserContext, type Page } from "playwright-core"
import {
  SHOTS,
  buyer,
  checkoutToReview,
  clickInWidget,
  clickPay,
  confirmedOrder,
  serverErrors,
  shot,
} from "../helpers/dtc-checkout"
import { adminOrder, sandboxControl, startDemoStore, type DemoStore } from "../helpers/demo-store"
import {
  applyExample,
  exampleFiles,
  findStarter,
  packPlugin,
  startStorefront,
  stepRunner,
  typeErrorsIn,
  type RunningStorefront,
} from "../helpers/dtc-starter"

/**
 * Medusa's DTC starter storefront with examples/dtc-starter applied, as a store does it: the plugin installed from
 * `npm pack`, a type-check of the files the example adds or changes, `next build`, then purchases in Chromium
 * against the demo store (scripts/demo.js) and its sandbox. Screenshots: artifacts/screenshots/dtc-starter-*.png.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const PORTS = { api: 19300, storefront: 18300, sandbox: 18993, pg: 15633, starter: 18301 }
const PROVIDER_ID = "pp_iamport-paymentwall_paymentwall"
/**
 * The storefront under two names. Desktop at 127.0.0.1, the sandbox's own site: Playwright under jest cannot click
 * inside a cross-site (out-of-process) iframe, and the widget's answer reaches the page by postMessage whatever the
 * site. The phone at localhost, another site than the sandbox's, as Paymentwall is: its return is where the site
 * matters (the SameSite=Strict cart cookie).
 */
const DESKTOP = `http://127.0.0.1:${PORTS.starter}`
const PHONE = `http://localhost:${PORTS.starter}`
// What the example's README tells a store to run: the plugin alone, beside the starter's own packages.
const INSTALL = ["install", "--no-audit", "--no-fund"]

const starter = findStarter()
if ("missing" in starter) {
  console.log(`dtc-starter.spec: skipped, ${starter.missing}`)
}
const describeWithStarter = "dir" in starter ? describe : describe.skip

type SandboxPayment = { imp_uid: string; merchant_uid: string; status: string; buyer_email: string | null }

jest.setTimeout(600_000)

describeWithStarter("Medusa's DTC starter with the example's Paymentwall files", () => {
  let work = ""
  let store = ""
  const steps: Record<string, number> = {}
  let demo: DemoStore | undefined
  let storefront: RunningStorefront | undefined
  let browser: Browser | undefined
  let tsc = { code: null as number | null, output: "" }

  /** Runs a step in the store, timing it; fails with its output when it exits with another code than `ok`. */
  const step = stepRunner(() => store, steps)

  /** The README's steps: the starter copied, the example applied, the plugin installed, then tsc (exit 2: errors). */
  async function prepareStore(): Promise<void> {
    applyExample((starter as { dir: string }).dir, store)
    const tarball = await packPlugin(work)
    await step(
      "npm install",
      "npm",
      [...INSTALL, tarball],
      { ...process.env, npm_config_update_notifier: "false" },
      900_000
    )
    tsc = await step(
      "tsc",
      process.execPath,
      [path.join(store, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "."],
      process.env,
      600_000,
      [0, 1, 2]
    )
  }

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true })
    work = fs.mkdtempSync(path.join(os.tmpdir(), "paymentwall-dtc-starter-"))
    // As root, the demo's PostgreSQL runs as "postgres", which must enter its data directory.
    fs.chmodSync(work, 0o755)
    store = path.join(work, "store")
    const started = Date.now()
    // The demo store migrates and seeds while the starter installs.
    const [demoStarted, prepared] = await Promise.allSettled([
      startDemoStore(PORTS, path.join(work, "demo"), 900_000),
      prepareStore(),
    ])
    demo = demoStarted.status === "fulfilled" ? demoStarted.value : undefined
    for (const outcome of [prepared, demoStarted]) {
      if (outcome.status === "rejected") {
        throw outcome.reason
      }
    }
    steps["install and demo store, side by side"] = Math.round((Date.now() - started) / 1000)
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_PUBLIC_MEDUSA_BACKEND_URL: demo!.api,
      NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY: demo!.publishableKey,
      NEXT_PUBLIC_DEFAULT_REGION: "kr",
      NEXT_PUBLIC_BASE_URL: PHONE,
      // The example's own variable: the sandbox's iamport.js instead of i'mport's CDN.
      NEXT_PUBLIC_IAMPORT_SCRIPT_URL: `${demo!.sandbox}/v1/iamport.js`,
    }
    await step(
      "next build",
      process.execPath,
      [path.join(store, "node_modules/next/dist/bin/next"), "build"],
      env,
      1_200_000
    )
    storefront = await startStorefront(store, PORTS.starter, env, 120_000)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    })
    console.log(
      `dtc-starter.spec: ready in ${Math.round((Date.now() - started) / 1000)} s (${Object.entries(steps)
        .map(([name, s]) => `${name} ${s} s`)
        .join(", ")})`
    )
  }, 2_400_000)

  afterAll(async () => {
    await browser?.close().catch(() => undefined)
    await storefront?.stop()
    await demo?.stop()
    if (work) {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 120_000)

  const payments = async (email: string) =>
    (await sandboxControl<SandboxPayment[]>(demo!, "GET", "/sandbox/payments")).filter(
      (payment) => payment.buyer_email === email
    )

  /** The order Medusa placed: paid through Paymentwall by the given i'mport payment, for this buyer. */
  async function expectPaidOrder(orderId: string, email: string, impUid: string): Promise<void> {
    const order = await adminOrder(demo!, orderId)
    expect(order.email).toBe(email)
    expect(order.payment_status).toBe("captured")
    expect(Number(order.total)).toBe(35000)
    const [payment] = order.payment_collections[0].payments
    expect(payment.provider_id).toBe(PROVIDER_ID)
    expect(payment.captured_at).toBeTruthy()
    expect(payment.data.imp_uid).toBe(impUid)
  }

  async function desktop(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    return { context, page, errors: serverErrors(page, DESKTOP) }
  }

  it("installs the plugin from its tarball without any of Medusa's server packages", () => {
    const installed = (name: string) => fs.existsSync(path.join(store, "node_modules", name, "package.json"))
    expect(installed("medusa-payment-iamport-paymentwall")).toBe(true)
    expect(
      ["@medusajs/medusa", "@medusajs/framework", "@medusajs/cli", "@medusajs/admin-sdk", "@medusajs/ui"].filter(
        installed
      )
    ).toEqual([])
  })

  it("type-checks: tsc reports no error in a file the example adds or changes", () => {
    const files = exampleFiles()
    expect(files.length).toBeGreaterThanOrEqual(7)
    // tsc ran: a clean exit, or errors it reports by file (the starter's own may have some).
    expect(tsc.code === 0 || /error TS\d+/.test(tsc.output)).toBe(true)
    expect(typeErrorsIn(tsc.output, files)).toEqual([])
  })

  it("(a) a desktop payment: the widget pays, the page shows the order, Medusa has it captured", async () => {
    const { context, page, errors } = await desktop()
    const who = buyer("desktop")
    await checkoutToReview(page, DESKTOP, who)
    await shot(page, "a1-review")
    await clickPay(page)
    await clickInWidget(page, "#pw-pay", "a")
    const orderId = await confirmedOrder(page)
    await shot(page, "a2-order-confirmed")
    const [paid] = await payments(who.email)
    expect(paid.status).toBe("paid")
    await expectPaidOrder(orderId, who.email, paid.imp_uid)
    expect(errors).toEqual([])
    await context.close()
  })

  it("(b) a declined card shows the bank's reason and no review hint, then the same cart is paid", async () => {
    const { context, page, errors } = await desktop()
    const who = buyer("decline")
    await checkoutToReview(page, DESKTOP, who)
    await clickPay(page)
    await clickInWidget(page, "#pw-decline", "b-decline")
    await page.getByTestId("paymentwall-error-message").getByText("Card declined").waitFor({ timeout: 60_000 })
    expect(await page.getByTestId("paymentwall-review").count()).toBe(0)
    await shot(page, "b1-declined")
    await clickPay(page)
    await clickInWidget(page, "#pw-pay", "b-pay")
    const orderId = await confirmedOrder(page)
    await shot(page, "b2-order-confirmed")
    const [declined, paid] = await payments(who.email)
    expect([declined.status, paid.status]).toEqual(["failed", "paid"])
    // The same payment session, so the same cart: i'mport's merchant_uid is the session's.
    expect(paid.merchant_uid).toBe(declined.merchant_uid)
    await expectPaidOrder(orderId, who.email, paid.imp_uid)
    expect(errors).toEqual([])
    await context.close()
  })

  it("(c) a mobile browser leaves for Paymentwall and comes back: a decline to the checkout, a payment to its order", async () => {
    const context = await browser!.newContext({ ...devices["Pixel 7"] })
    const page = await context.newPage()
    const errors = serverErrors(page, PHONE)
    const who = buyer("mobile")
    await checkoutToReview(page, PHONE, who)
    await clickPay(page)
    // No overlay on a phone: the page itself goes to the widget (another site), which redirects back.
    await page.waitForURL((url) => url.href.startsWith(`${demo!.sandbox}/widget`), { timeout: 60_000 })
    await page.locator("#pw-decline").click()
    await page.waitForURL(/\/kr\/checkout\?/, { timeout: 60_000 })
    await page.getByTestId("paymentwall-error-message").getByText("Card declined").waitFor({ timeout: 60_000 })
    await shot(page, "c1-mobile-declined")
    await clickPay(page)
    await page.waitForURL((url) => url.href.startsWith(`${demo!.sandbox}/widget`), { timeout: 60_000 })
    const returned = page.waitForURL(/\/kr\/checkout\/paymentwall-return\?/, { timeout: 60_000 })
    await page.locator("#pw-pay").click()
    await returned
    const orderId = await confirmedOrder(page)
    await shot(page, "c2-mobile-order-confirmed")
    const [, paid] = await payments(who.email)
    expect(paid.status).toBe("paid")
    await expectPaidOrder(orderId, who.email, paid.imp_uid)
    expect(errors).toEqual([])
    await context.close()
  })

  it("(d) a payment held for fraud review says so, waits, shows the order once approved, and never offers to pay again", async () => {
    const { context, page, errors } = await desktop()
    const who = buyer("review")
    await checkoutToReview(page, DESKTOP, who)
    await clickPay(page)
    await clickInWidget(page, "#pw-fraud", "d")
    const review = page.getByTestId("paymentwall-review")
    await review.getByText("Paymentwall is reviewing your payment").waitFor({ timeout: 60_000 })
    // Not Paymentwall's raw failure text, and no button to pay a second time.
    expect(await page.getByText("Internal error").count()).toBe(0)
    expect(await page.getByTestId("submit-order-button").count()).toBe(0)
    await shot(page, "d1-under-review")
    const cartCookie = (await context.cookies()).find((cookie) => cookie.name === "_medusa_cart_id")
    expect(cartCookie).toBeDefined()

    // Paymentwall approves later; i'mport's notice reaches Medusa, and the plugin completes the cart.
    const [held] = await payments(who.email)
    expect(held.status).toBe("failed")
    await sandboxControl(demo!, "POST", `/sandbox/payments/${held.imp_uid}/approve`)
    const orderId = await confirmedOrder(page)
    await shot(page, "d2-approved-order-confirmed")
    await expectPaidOrder(orderId, who.email, held.imp_uid)

    // The checkout opened again with the completed cart's cookie: it goes to the order and never enables paying.
    const again = await browser!.newContext({ viewport: { width: 1280, height: 900 } })
    await again.addCookies([cartCookie!])
    let offeredPay = false
    await again.exposeFunction("reportPayOffered", () => (offeredPay = true))
    await again.addInitScript(() => {
      new MutationObserver(() => {
        const button = document.querySelector("[data-testid=submit-order-button]")
        if (button && !button.hasAttribute("disabled")) {
          ;(window as unknown as { reportPayOffered: () => void }).reportPayOffered()
        }
      }).observe(document, { subtree: true, childList: true, attributes: true })
    })
    const revisit = await again.newPage()
    await revisit.goto(`${DESKTOP}/kr/checkout?step=review`)
    expect(await confirmedOrder(revisit)).toBe(orderId)
    expect(offeredPay).toBe(false)
    expect((await payments(who.email)).map((payment) => payment.imp_uid)).toEqual([held.imp_uid])
    expect(errors).toEqual([])
    await Promise.all([context.close(), again.close()])
  })
})
