import http from "node:http"
import type { AddressInfo } from "node:net"
import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox } from ".."

type Answer = { status: number; body: { code: number; message: string | null; response: any } & Record<string, any> }

let sandbox: RunningSandbox
let token: string

async function call(
  method: string,
  path: string,
  body?: unknown,
  options: { auth?: string | null; form?: boolean } = {}
): Promise<Answer> {
  const headers: Record<string, string> = {}
  let payload: string | undefined
  if (body !== undefined) {
    headers["content-type"] = options.form ? "application/x-www-form-urlencoded" : "application/json"
    payload = options.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body)
  }
  const auth = options.auth === undefined ? `Bearer ${token}` : options.auth
  if (auth) {
    headers.authorization = auth
  }
  if (path.startsWith("/sandbox/")) {
    // The control API's rules: the run's token, and JSON on every POST and DELETE, a body or not.
    headers[CONTROL_TOKEN_HEADER] = sandbox.controlToken
    headers["content-type"] = "application/json"
  }
  const res = await fetch(`${sandbox.url}${path}`, { method, headers, body: payload })
  return { status: res.status, body: (await res.json()) as Answer["body"] }
}

async function login(): Promise<string> {
  const res = await call(
    "POST",
    "/users/getToken",
    { imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" },
    { auth: null }
  )
  return res.body.response.access_token as string
}

async function paid(merchantUid: string, amount = 10000, currency = "KRW"): Promise<string> {
  await call("POST", "/payments/prepare", { merchant_uid: merchantUid, amount, currency })
  const res = await call("POST", "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  return res.body.imp_uid as string
}

/** A loopback receiver for the sandbox's webhooks. */
async function receiver(): Promise<{
  url: string
  received: { type: string; body: string }[]
  close: () => Promise<void>
}> {
  const received: { type: string; body: string }[] = []
  const server = http.createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => {
      received.push({ type: req.headers["content-type"] ?? "", body })
      res.end("ok")
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((r) => (server.close(() => r()), server.closeAllConnections())),
  }
}

beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())
beforeEach(async () => {
  sandbox.context.reset()
  token = await login()
})

describe("sandbox: i'mport's REST API", () => {
  it("wraps every answer in i'mport's envelope", async () => {
    const res = await call("POST", "/payments/prepare", { merchant_uid: "env_1", amount: 1000, currency: "KRW" })
    expect(res.body).toEqual({
      code: 0,
      message: null,
      response: { merchant_uid: "env_1", amount: 1000, currency: "KRW" },
    })
  })

  it("gives the same token while it lives, with expired_at 30 minutes past i'mport's now", async () => {
    const again = await call(
      "POST",
      "/users/getToken",
      { imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" },
      { auth: null }
    )
    expect(again.body.response.access_token).toBe(token)
    expect(again.body.response.expired_at - again.body.response.now).toBeGreaterThan(1790)
  })

  it("extends a token by 5 minutes when asked for it in its last minute", async () => {
    sandbox.context.token!.expiresAt = Math.floor(Date.now() / 1000) + 30
    const res = await call(
      "POST",
      "/users/getToken",
      { imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" },
      { auth: null }
    )
    expect(res.body.response.access_token).toBe(token)
    expect(res.body.response.expired_at - res.body.response.now).toBeGreaterThanOrEqual(329)
  })

  it("accepts getToken as a form body", async () => {
    const res = await call(
      "POST",
      "/users/getToken",
      { imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" },
      { auth: null, form: true }
    )
    expect(res.body.code).toBe(0)
  })

  it("answers 401 to bad keys, and to a missing, wrong or expired token", async () => {
    expect((await call("POST", "/users/getToken", { imp_key: "x", imp_secret: "y" }, { auth: null })).status).toBe(401)
    expect((await call("GET", "/payments/imp_1", undefined, { auth: null })).status).toBe(401)
    expect((await call("GET", "/payments/imp_1", undefined, { auth: "Bearer nope" })).status).toBe(401)
    sandbox.context.token!.expiresAt = Math.floor(Date.now() / 1000) - 1
    expect((await call("GET", "/payments/imp_1")).status).toBe(401)
  })

  it("takes the raw token as well as Bearer", async () => {
    expect((await call("GET", "/payments/imp_1", undefined, { auth: token })).status).toBe(404)
  })

  it("answers 404 with code 1 for an unknown payment", async () => {
    const res = await call("GET", "/payments/imp_000000000000")
    expect(res.status).toBe(404)
    expect(res.body.code).toBe(1)
  })

  it("hides test-channel payments unless include_sandbox=true", async () => {
    const impUid = await paid("hide_1")
    expect((await call("GET", `/payments/${impUid}`)).status).toBe(404)
    const shown = await call("GET", `/payments/${impUid}?include_sandbox=true`)
    expect(shown.body.response).toMatchObject({
      imp_uid: impUid,
      sandbox: true,
      status: "paid",
      pg_provider: "paymentwall",
    })
  })

  it("finds by merchant_uid and status, and answers 207 when some of many ids are unknown", async () => {
    const impUid = await paid("find_1")
    expect((await call("GET", "/payments/find/find_1/paid?include_sandbox=true")).body.response.imp_uid).toBe(impUid)
    expect((await call("GET", "/payments/find/find_1/failed?include_sandbox=true")).status).toBe(404)
    const many = await call("GET", `/payments?imp_uid[]=${impUid}&imp_uid[]=imp_404&include_sandbox=true`)
    expect(many.status).toBe(207)
    expect(many.body.response).toHaveLength(1)
  })

  it("refuses a duplicate prepare, and PUT changes a prepared amount (404 if none)", async () => {
    await call("POST", "/payments/prepare", { merchant_uid: "prep_1", amount: 1000, currency: "KRW" })
    expect(
      (await call("POST", "/payments/prepare", { merchant_uid: "prep_1", amount: 1000, currency: "KRW" })).body.code
    ).toBe(1)
    expect(
      (await call("PUT", "/payments/prepare", { merchant_uid: "prep_1", amount: 2000, currency: "KRW" })).body.response
        .amount
    ).toBe(2000)
    expect(
      (await call("PUT", "/payments/prepare", { merchant_uid: "prep_none", amount: 1, currency: "KRW" })).status
    ).toBe(404)
  })

  it("refuses an amount the currency cannot carry", async () => {
    expect(
      (await call("POST", "/payments/prepare", { merchant_uid: "prec_1", amount: 10.5, currency: "KRW" })).body.code
    ).toBe(1)
    expect(
      (await call("POST", "/payments/prepare", { merchant_uid: "prec_2", amount: 10.5, currency: "USD" })).body.code
    ).toBe(0)
  })
})

describe("sandbox: the widget and the prepared amount", () => {
  it("does not open the widget for an amount other than the prepared one", async () => {
    await call("POST", "/payments/prepare", { merchant_uid: "w_1", amount: 1000, currency: "KRW" })
    const res = await call("POST", "/sandbox/pay", { merchant_uid: "w_1", outcome: "paid", amount: 10 })
    expect(res.status).toBe(400)
    expect(sandbox.context.state.payments.size).toBe(0)
  })

  it("records a fraud review as failed, then paid on approval", async () => {
    await call("POST", "/payments/prepare", { merchant_uid: "fr_1", amount: 1000, currency: "KRW" })
    const res = await call("POST", "/sandbox/pay", { merchant_uid: "fr_1", outcome: "fraud_review" })
    expect(res.body).toMatchObject({ status: "failed", fail_reason: "(PG사 결제 장애) Internal error" })
    const approved = await call("POST", `/sandbox/payments/${res.body.imp_uid}/approve`)
    expect(approved.body).toMatchObject({ status: "paid" })
    expect(approved.body.paid_at).toBeGreaterThan(0)
  })

  it("refuses a second payment, or a fraud review, of a merchant_uid already paid (even once refunded), with 409", async () => {
    const first = await paid("twice_1")
    for (const outcome of ["paid", "fraud_review"]) {
      const again = await call("POST", "/sandbox/pay", {
        merchant_uid: "twice_1",
        outcome,
        ignore_prepare: true,
        amount: 10000,
        currency: "KRW",
      })
      expect(again.status).toBe(409)
      expect(again.body.message).toContain(`merchant_uid twice_1 was already paid (${first})`)
    }
    await call("POST", `/sandbox/payments/${first}/console-cancel`, {})
    expect(
      (
        await call("POST", "/sandbox/pay", {
          merchant_uid: "twice_1",
          outcome: "paid",
          ignore_prepare: true,
          amount: 10000,
          currency: "KRW",
        })
      ).status
    ).toBe(409)
    expect(sandbox.context.state.attemptsFor("twice_1").map((p) => p.imp_uid)).toEqual([first])
    // A declined try moves no money, so the widget still shows it.
    expect(
      (
        await call("POST", "/sandbox/pay", {
          merchant_uid: "twice_1",
          outcome: "failed",
          ignore_prepare: true,
          amount: 10000,
          currency: "KRW",
        })
      ).status
    ).toBe(200)
  })

  it("still lets a late approval of an attempt held before the other paid make a second paid attempt, listed by findAll", async () => {
    await call("POST", "/payments/prepare", { merchant_uid: "late_1", amount: 1000, currency: "KRW" })
    const held = await call("POST", "/sandbox/pay", { merchant_uid: "late_1", outcome: "fraud_review" })
    const retried = await call("POST", "/sandbox/pay", { merchant_uid: "late_1", outcome: "paid" })
    expect(retried.body).toMatchObject({ status: "paid" })
    const approved = await call("POST", `/sandbox/payments/${held.body.imp_uid}/approve`)
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ imp_uid: held.body.imp_uid, status: "paid" })
    const all = await call("GET", "/payments/findAll/late_1?include_sandbox=true")
    expect(all.body.response).toMatchObject({ total: 2, previous: 0, next: 0 })
    expect(all.body.response.list.map((p: { imp_uid: string; status: string }) => [p.imp_uid, p.status])).toEqual([
      [retried.body.imp_uid, "paid"],
      [held.body.imp_uid, "paid"],
    ])
    expect((await call("GET", "/payments/findAll/late_1/failed?include_sandbox=true")).status).toBe(404)
    expect((await call("GET", "/payments/findAll/late_1?include_sandbox=false")).status).toBe(404)
  })
})

describe("sandbox: cancels", () => {
  it("checks the checksum against amount - cancel_amount", async () => {
    const impUid = await paid("ck_1", 10000)
    const res = await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 1000, checksum: 9000 })
    expect(res.status).toBe(200)
    expect(res.body.code).toBe(1)
    expect(res.body.message).toContain("checksum")
    expect(sandbox.context.state.tickets.size).toBe(0)
  })

  it("opens a Paymentwall ticket: code 0, status and cancel_amount unchanged", async () => {
    const impUid = await paid("tk_1", 10000)
    const res = await call("POST", "/payments/cancel", {
      imp_uid: impUid,
      amount: 3000,
      checksum: 10000,
      reason: "r",
      enable_webhook: true,
    })
    expect(res.body.code).toBe(0)
    expect(res.body.response).toMatchObject({ status: "paid", cancel_amount: 0, cancel_history: [] })
    const [ticket] = [...sandbox.context.state.tickets.values()]
    expect(ticket).toMatchObject({ imp_uid: impUid, amount: 3000, status: "open" })
  })

  it("settles approved tickets into cancel_history with a cancellation_id each, partial cancels showing cancelled", async () => {
    const impUid = await paid("tk_2", 10000)
    await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 3000, checksum: 10000 })
    await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 2000, checksum: 10000 })
    for (const t of sandbox.context.state.tickets.values()) {
      await call("POST", `/sandbox/tickets/${t.id}/settle`, { result: "approved" })
    }
    const payment = (await call("GET", `/payments/${impUid}?include_sandbox=true`)).body.response
    expect(payment).toMatchObject({ status: "cancelled", cancel_amount: 5000, amount: 10000 })
    expect(payment.cancel_history.map((h: { amount: number }) => h.amount)).toEqual([3000, 2000])
    expect(new Set(payment.cancel_history.map((h: { cancellation_id: string }) => h.cancellation_id)).size).toBe(2)
  })

  it("leaves the payment as it was when Paymentwall rejects a ticket", async () => {
    const impUid = await paid("tk_3", 10000)
    await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 10000, checksum: 10000 })
    const [ticket] = [...sandbox.context.state.tickets.values()]
    const settled = await call("POST", `/sandbox/tickets/${ticket.id}/settle`, { result: "rejected" })
    expect(settled.body).toMatchObject({ status: "rejected", cancellation_id: null })
    expect((await call("GET", `/payments/${impUid}?include_sandbox=true`)).body.response).toMatchObject({
      status: "paid",
      cancel_amount: 0,
    })
  })

  it("refuses a cancel above what is left, and of a payment that is not paid", async () => {
    const impUid = await paid("tk_4", 1000)
    expect((await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 1001 })).body.code).toBe(1)
    expect((await call("POST", "/payments/cancel", { imp_uid: "imp_nope", amount: 1 })).body.code).toBe(1)
  })

  it("refuses every cancel of a payment whose method cannot be refunded", async () => {
    await call("POST", "/payments/prepare", { merchant_uid: "nr_1", amount: 1000, currency: "KRW" })
    const pay = await call("POST", "/sandbox/pay", { merchant_uid: "nr_1", outcome: "paid", refundable: false })
    const res = await call("POST", "/payments/cancel", { imp_uid: pay.body.imp_uid, amount: 100 })
    expect(res.body).toMatchObject({ code: 1, response: null })
    expect(res.body.message).toContain("not supported")
    expect(sandbox.context.state.tickets.size).toBe(0)
  })

  it("settles tickets by itself after the configured delay", async () => {
    await sandbox.close()
    sandbox = await startSandbox({ ticketSettleAfterMs: 20 })
    token = await login()
    const impUid = await paid("auto_1", 1000)
    await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 400 })
    await new Promise((r) => setTimeout(r, 100))
    expect((await call("GET", `/payments/${impUid}?include_sandbox=true`)).body.response.cancel_amount).toBe(400)
  })

  it("cancels at once from the console, with a cancelled webhook carrying the cancellation_id", async () => {
    const hook = await receiver()
    sandbox.context.webhooks.configure({ url: hook.url })
    const impUid = await paid("console_1", 1000)
    const res = await call("POST", `/sandbox/payments/${impUid}/console-cancel`, { amount: 300 })
    expect(res.body).toMatchObject({ cancel_amount: 300, status: "cancelled" })
    await sandbox.context.webhooks.idle()
    const last = JSON.parse(hook.received[hook.received.length - 1].body)
    expect(last).toEqual({
      imp_uid: impUid,
      merchant_uid: "console_1",
      status: "cancelled",
      cancellation_id: res.body.cancel_history[0].cancellation_id,
    })
    await hook.close()
  })
})

describe("sandbox: Paymentwall delivery reports", () => {
  const report = (impUid: string, extra: Record<string, unknown> = {}) => ({
    imp_uid: impUid,
    merchant_uid: "m_delivery",
    type: "physical",
    status: "order_shipped",
    estimated_delivery_datetime: 1_800_000_000,
    estimated_update_datetime: 1_800_000_000,
    refundable: "yes",
    shipping_address_email: "buyer@example.com",
    carrier_tracking_id: "CJ1",
    carrier_type: "CJ Logistics",
    ...extra,
  })

  it("records a complete report, and refuses one missing a field, a shipment without its tracking, or a bad value", async () => {
    sandbox.context.reset()
    token = await login()
    const impUid = await paid("m_delivery")
    expect((await call("POST", "/paymentwall/delivery", report(impUid))).body).toMatchObject({
      code: 0,
      response: { success: 1 },
    })
    const refusals = [
      [{ shipping_address_email: "" }, "missing: shipping_address_email"],
      [{ carrier_tracking_id: undefined }, "missing: carrier_tracking_id"],
      [{ carrier_type: "" }, "missing: carrier_type"],
      [{ status: "lost" }, "status is order_placed"],
      [{ type: "teleport" }, "type is physical or digital"],
      [{ refundable: "maybe" }, "refundable is yes or no"],
      [{ estimated_update_datetime: "soon" }, "the datetimes are UNIX seconds"],
    ] as const
    for (const [change, message] of refusals) {
      const answer = await call("POST", "/paymentwall/delivery", report(impUid, change))
      expect({ change, code: answer.body.code, message: answer.body.message }).toEqual({
        change,
        code: 1,
        message: expect.stringContaining(message),
      })
    }
    // A digital delivery needs no carrier.
    const digital = report(impUid, {
      type: "digital",
      status: "delivered",
      carrier_tracking_id: undefined,
      carrier_type: undefined,
    })
    expect((await call("POST", "/paymentwall/delivery", digital)).body.code).toBe(0)
    expect(sandbox.context.state.deliveries.map((d) => d.status)).toEqual(["order_shipped", "delivered"])
  })
})

describe("sandbox: webhooks and faults", () => {
  it("sends JSON or form-encoded notifications", async () => {
    const hook = await receiver()
    sandbox.context.webhooks.configure({ url: hook.url, format: "form" })
    const impUid = await paid("wh_1")
    await sandbox.context.webhooks.idle()
    expect(hook.received).toEqual([
      { type: "application/x-www-form-urlencoded", body: `imp_uid=${impUid}&merchant_uid=wh_1&status=paid` },
    ])
    await hook.close()
  })

  it("sends duplicates at once, and holds then reverses notifications for out-of-order delivery", async () => {
    const hook = await receiver()
    sandbox.context.webhooks.configure({ url: hook.url, copies: 3 })
    await paid("dup_1")
    await sandbox.context.webhooks.idle()
    expect(hook.received).toHaveLength(3)
    hook.received.length = 0
    sandbox.context.webhooks.configure({ copies: 1, hold: true })
    const first = await paid("ord_1")
    const second = await paid("ord_2")
    expect(hook.received).toHaveLength(0)
    await call("POST", "/sandbox/webhooks/flush")
    expect(hook.received.map((r) => JSON.parse(r.body).imp_uid)).toEqual([second, first])
    await hook.close()
  })

  it("injects a 5xx before processing, and one after processing that hides the outcome", async () => {
    const impUid = await paid("fault_1", 1000)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    expect((await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 100 })).status).toBe(503)
    expect(sandbox.context.state.tickets.size).toBe(0)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "5xx_after", times: 1, delayMs: 0 })
    expect((await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 100 })).status).toBe(502)
    expect(sandbox.context.state.tickets.size).toBe(1)
  })

  it("acts at once and answers late on a slow_after fault: the ticket exists while the caller still waits", async () => {
    const impUid = await paid("slow_after_1", 1000)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "slow_after", times: 1, delayMs: 300 })
    const answer = call("POST", "/payments/cancel", { imp_uid: impUid, amount: 100 })
    let answered = false
    void answer.then(() => (answered = true))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect([...sandbox.context.state.tickets.values()].filter((t) => t.imp_uid === impUid)).toHaveLength(1)
    expect(answered).toBe(false)
    expect((await answer).body).toMatchObject({ code: 0 })
  })

  it("answers a non_envelope fault with a proxy's HTML 404 page instead of i'mport's envelope", async () => {
    const impUid = await paid("proxy_1", 1000)
    const fault = await call("POST", "/sandbox/faults", {
      route: "GET /payments/{imp_uid}",
      kind: "non_envelope",
      times: 1,
    })
    expect(fault.status).toBe(200)
    const res = await fetch(`${sandbox.url}/payments/${impUid}`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(404)
    expect(res.headers.get("content-type")).toContain("text/html")
    expect(await res.text()).toContain("<h1>404 Not Found</h1>")
    expect((await call("GET", `/payments/${impUid}?include_sandbox=true`)).body).toMatchObject({
      code: 0,
      response: { imp_uid: impUid },
    })
  })

  it("answers a non_envelope fault with the status and body asked for", async () => {
    await call("POST", "/sandbox/faults", {
      route: "GET /payments/{imp_uid}",
      kind: "non_envelope",
      status: 502,
      body: "json",
      times: 1,
    })
    await call("POST", "/sandbox/faults", {
      route: "GET /payments/{imp_uid}",
      kind: "non_envelope",
      body: "empty",
      times: 1,
    })
    const json = await fetch(`${sandbox.url}/payments/imp_1`, { headers: { authorization: `Bearer ${token}` } })
    expect(json.status).toBe(502)
    expect(await json.json()).not.toHaveProperty("code")
    const empty = await fetch(`${sandbox.url}/payments/imp_1`, { headers: { authorization: `Bearer ${token}` } })
    expect(empty.status).toBe(404)
    expect(await empty.text()).toBe("")
  })

  it("refuses a non_envelope fault with a body it cannot give", async () => {
    const res = await call("POST", "/sandbox/faults", { route: "*", kind: "non_envelope", body: "xml" })
    expect(res.status).toBe(400)
    expect(sandbox.context.faults).toHaveLength(0)
  })

  it("slows an answer down by the injected delay", async () => {
    sandbox.context.faults.push({ route: "GET /payments/{imp_uid}", kind: "slow", times: 1, delayMs: 200 })
    const started = Date.now()
    await call("GET", "/payments/imp_1")
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
  })

  it("counts requests per endpoint", async () => {
    await call("GET", "/payments/imp_1")
    await call("GET", "/payments/imp_2")
    expect((await call("GET", "/sandbox/stats")).body["GET /payments/{imp_uid}"]).toBe(2)
  })
})
