#!/usr/bin/env node
/* Shows the plugin working end to end against the local sandbox, with no network and no database:
 * checkout (prepare, widget, authorize), a webhook, a refund that becomes a Paymentwall cancel ticket, and the
 * ticket's settlement. Uses the built plugin (`npm run build`). */
const http = require("node:http")
const path = require("node:path")

const built = path.join(__dirname, "..", ".medusa", "server", "src")
const { startSandbox } = require(path.join(built, "sandbox"))
const { IamportPaymentwallProviderService } = require(path.join(built, "providers", "iamport-paymentwall", "service"))

const step = (text) => console.log(`\n== ${text}`)
const show = (label, value) => console.log(`   ${label}: ${typeof value === "string" ? value : JSON.stringify(value)}`)

async function post(base, route, body) {
  const res = await fetch(`${base}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) })
  return res.json()
}

async function main() {
  // Stands in for the store's /hooks/payment/iamport-paymentwall_paymentwall route.
  const received = []
  const hooks = http.createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => (received.push(JSON.parse(body)), res.end("OK")))
  })
  await new Promise((r) => hooks.listen(0, "127.0.0.1", r))
  const sandbox = await startSandbox({ webhook: { url: `http://127.0.0.1:${hooks.address().port}/hooks/payment/iamport-paymentwall_paymentwall` } })
  const logger = { warn: (m) => console.log(`   [warn] ${m}`), info() {}, error: console.error, debug() {} }
  const provider = new IamportPaymentwallProviderService(
    { logger },
    { impKey: "sandbox_imp_key", impSecret: "sandbox_imp_secret", impCode: "imp12345678", channelKey: "channel-key-demo", mode: "test", apiBaseUrl: sandbox.url }
  )
  console.log(`i'mport + Paymentwall sandbox on ${sandbox.url}`)

  step("Checkout: Medusa creates a payment session; the provider registers the amount with i'mport (prepare)")
  const session = await provider.initiatePayment({
    amount: { value: "49.90", precision: 20 },
    currency_code: "usd",
    data: { session_id: "payses_01DEMO0000000000000000000A" },
    context: { customer: { id: "cus_demo", email: "jiwoo@example.com", first_name: "Jiwoo", last_name: "Park" } },
  })
  show("IMP.request_pay data for the storefront", session.data)

  step("A tampered widget call (another amount) does not open: i'mport checks the prepared amount")
  show("sandbox", (await post(sandbox.url, "/sandbox/pay", { merchant_uid: session.data.merchant_uid, amount: 0.5, outcome: "paid" })).message)

  step("The buyer pays in Paymentwall's widget")
  const paid = await post(sandbox.url, "/sandbox/pay", { merchant_uid: session.data.merchant_uid, outcome: "paid" })
  show("i'mport payment", { imp_uid: paid.imp_uid, status: paid.status, amount: paid.amount, currency: paid.currency })

  step("Medusa authorizes: the provider looks the payment up by merchant_uid and verifies it")
  const authorized = await provider.authorizePayment({ data: session.data })
  show("session status", authorized.status)

  await sandbox.context.webhooks.idle()
  step("i'mport's webhook arrives; the provider decides from a fresh lookup, not from the body")
  show("webhook body", received[0])
  show("action for Medusa", await provider.getWebhookActionAndData({ data: received[0], rawData: "", headers: {} }))
  show("a forged webhook", await provider.getWebhookActionAndData({ data: { imp_uid: "imp_999999999999", status: "paid" }, rawData: "", headers: {} }))

  step("An admin refunds 20.00 USD: Paymentwall opens a cancellation ticket instead of refunding at once")
  const refunded = await provider.refundPayment({ amount: 20, data: authorized.data, context: { idempotency_key: "ref_demo" } })
  show("recorded in payment.data", refunded.data.cancel_requests)
  const [ticket] = await fetch(`${sandbox.url}/sandbox/tickets`).then((r) => r.json())
  show("Paymentwall ticket", { id: ticket.id, amount: ticket.amount, status: ticket.status })
  show("i'mport still says", (await provider.retrievePayment({ data: refunded.data })).data.iamport.status + ", cancel_amount 0: Waiting for cancellation")

  step("Paymentwall approves the ticket; i'mport records the cancellation and sends a webhook")
  await post(sandbox.url, `/sandbox/tickets/${ticket.id}/settle`, { result: "approved" })
  await sandbox.context.webhooks.idle()
  show("webhook body", received[received.length - 1])
  const after = await provider.retrievePayment({ data: refunded.data })
  show("i'mport now says", { status: after.data.iamport.status, cancel_amount: after.data.iamport.cancel_amount, cancellations: after.data.iamport.cancellation_ids })

  console.log("\nDone: no network was used and no card was charged.")
  await sandbox.close()
  hooks.close()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
