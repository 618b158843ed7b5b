import { MedusaError } from "@medusajs/framework/utils"
import type { Logger } from "@medusajs/framework/types"
import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox } from "../../../sandbox"
import type { Fault } from "../../../sandbox"
import { IamportPaymentwallProviderService } from "../service"
import { RECORD_ONLY_MAX_AGE_MS } from "../record-only"
import { SAVED_METHODS_REFUSAL } from "../saved-methods"
import type { IamportPaymentwallOptions } from "../../../lib/paymentwall/options"
import type { PaymentwallData } from "../../../lib/paymentwall/payment-data"

const SECRET = "sandbox_imp_secret"
let sandbox: RunningSandbox
let warnings: string[]
let sessionCounter = 0

function provider(extra: Partial<IamportPaymentwallOptions> = {}): IamportPaymentwallProviderService {
  warnings = []
  const logger = {
    warn: (m: string) => warnings.push(m),
    info: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  } as unknown as Logger
  return new IamportPaymentwallProviderService(
    { logger },
    {
      impKey: "sandbox_imp_key",
      impSecret: SECRET,
      impCode: "imp12345678",
      channelKey: "ch-pw",
      mode: "test",
      apiBaseUrl: sandbox.url,
      ...extra,
    }
  )
}

const newSessionId = (): string => `payses_01TEST${String(++sessionCounter).padStart(20, "0")}`
const calls = (route: string): number => sandbox.context.stats.get(route) ?? 0

/** Something other than i'mport (a wrong apiBaseUrl, a proxy) answers `route` with an HTML 404 page. */
function notIamport(route: string, extra: Partial<Fault> = {}): void {
  sandbox.context.faults.push({ route, kind: "non_envelope", times: 10, delayMs: 0, ...extra })
}
const NOT_IAMPORT = "not i'mport's answer. Check apiBaseUrl"

async function sandboxPost<T = any>(path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
    body: JSON.stringify(body),
  })
  return (await res.json()) as T
}

async function started(
  p = provider(),
  amount: unknown = 10000,
  currency = "krw"
): Promise<PaymentwallData & Record<string, unknown>> {
  const out = await p.initiatePayment({
    amount: amount as number,
    currency_code: currency,
    data: { session_id: newSessionId() },
    context: { customer: { id: "cus_1", email: "buyer@example.com", first_name: "Jiwoo", last_name: "Park" } },
  })
  return out.data as PaymentwallData & Record<string, unknown>
}

async function paidSession(p = provider(), amount: unknown = 10000, currency = "krw") {
  const data = await started(p, amount, currency)
  const payment = await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "paid" })
  const authorized = await p.authorizePayment({ data })
  return { data: authorized.data as PaymentwallData & Record<string, unknown>, impUid: payment.imp_uid as string }
}

async function errorOf(promise: Promise<unknown>): Promise<MedusaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(MedusaError)
  return error as MedusaError
}

beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.context.reset())

describe("initiatePayment", () => {
  it("registers the amount with i'mport and returns what IMP.request_pay needs, and no secret", async () => {
    const data = await started(provider(), { value: "12.50", precision: 20 }, "usd")
    expect(data).toMatchObject({
      imp_code: "imp12345678",
      channel_key: "ch-pw",
      pg: null,
      amount: 12.5,
      currency: "USD",
      name: "Order",
      buyer_email: "buyer@example.com",
      buyer_name: "Jiwoo Park",
      mode: "test",
    })
    expect(data.merchant_uid).toBe(`pw_${data.session_id}`)
    expect(data.merchant_uid.length).toBeLessThanOrEqual(40)
    expect(sandbox.context.state.prepared.get(data.merchant_uid)).toEqual({
      merchant_uid: data.merchant_uid,
      amount: 12.5,
      currency: "USD",
    })
    expect(JSON.stringify(data)).not.toContain(SECRET)
    expect(JSON.stringify(data)).not.toContain("sandbox_imp_key")
  })

  it("gives every session its own merchant_uid", async () => {
    const a = await started()
    const b = await started()
    expect(a.merchant_uid).not.toBe(b.merchant_uid)
  })

  it("takes a guest's buyer hints from the session data when there is no customer", async () => {
    const out = await provider().initiatePayment({
      amount: 1000,
      currency_code: "krw",
      data: { session_id: newSessionId(), buyer_email: "guest@example.com", buyer_name: "Guest Buyer" },
    })
    expect(out.data).toMatchObject({ buyer_email: "guest@example.com", buyer_name: "Guest Buyer" })
  })

  it("refuses an amount the currency cannot carry, before calling i'mport", async () => {
    const error = await errorOf(started(provider(), 10.5, "krw"))
    expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(error.message).toContain("more decimals than KRW allows")
    expect(calls("POST /payments/prepare")).toBe(0)
  })

  it("refuses a currency Paymentwall's channel does not take", async () => {
    expect((await errorOf(started(provider(), 10, "chf"))).message).toContain('Currency "chf" is not available')
  })

  it("fails loudly, without trying PUT, when something other than i'mport answers the registration", async () => {
    notIamport("POST /payments/prepare")
    const error = await errorOf(started())
    expect(error.message).toContain("Could not register the payment amount: POST /payments/prepare answered HTTP 404")
    expect(calls("PUT /payments/prepare")).toBe(0)
  })

  it("survives a retried initiate: the merchant_uid is prepared again with PUT", async () => {
    const p = provider()
    const sessionId = newSessionId()
    const input = { amount: 500, currency_code: "krw", data: { session_id: sessionId } }
    await p.initiatePayment(input)
    await expect(p.initiatePayment({ ...input, amount: 600 })).resolves.toMatchObject({ data: { amount: 600 } })
    expect(sandbox.context.state.prepared.get(`pw_${sessionId}`)?.amount).toBe(600)
  })
})

describe("updatePayment", () => {
  it("registers the new amount when it changes, and makes no call when it does not", async () => {
    const p = provider()
    const data = await started(p, 10000)
    await p.updatePayment({ amount: 10000, currency_code: "krw", data })
    expect(calls("PUT /payments/prepare")).toBe(0)
    const updated = await p.updatePayment({ amount: 12000, currency_code: "krw", data })
    expect(updated.data).toMatchObject({ amount: 12000, merchant_uid: data.merchant_uid })
    expect(sandbox.context.state.prepared.get(data.merchant_uid)?.amount).toBe(12000)
  })
})

describe("authorizePayment", () => {
  it("waits (pending_authorization) while i'mport has no payment yet", async () => {
    await expect(provider().authorizePayment({ data: await started() })).resolves.toMatchObject({
      status: "pending_authorization",
    })
  })

  it("fails loudly when something other than i'mport answers the lookup with a 404 page, instead of waiting", async () => {
    const p = provider()
    const data = await started(p)
    notIamport("GET /payments/find/{merchant_uid}")
    const error = await errorOf(p.authorizePayment({ data }))
    expect(error.type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(error.message).toContain(
      "Could not look up the payment: GET /payments/find/{merchant_uid}/paid answered HTTP 404"
    )
    expect(error.message).toContain(NOT_IAMPORT)
    expect(error.message).not.toContain(SECRET)
  })

  it("waits while the payment is ready", async () => {
    const p = provider()
    const data = await started(p)
    await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "ready" })
    await expect(p.authorizePayment({ data })).resolves.toMatchObject({ status: "pending_authorization" })
  })

  it("captures a paid payment with one lookup and keeps i'mport's view in the data", async () => {
    const p = provider()
    const data = await started(p)
    const paid = await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "paid" })
    sandbox.context.stats.clear()
    const out = await p.authorizePayment({ data })
    expect(out.status).toBe("captured")
    expect(out.data).toMatchObject({ imp_uid: paid.imp_uid, iamport: { status: "paid", amount: 10000, sandbox: true } })
    expect(calls("GET /payments/find/{merchant_uid}")).toBe(1)
    expect([...sandbox.context.stats.values()].reduce((a, b) => a + b, 0)).toBe(1)
  })

  it("turns a failed payment into an error that carries Paymentwall's reason", async () => {
    const p = provider()
    const data = await started(p)
    await sandboxPost("/sandbox/pay", {
      merchant_uid: data.merchant_uid,
      outcome: "failed",
      fail_reason: "Insufficient funds",
    })
    const error = await errorOf(p.authorizePayment({ data }))
    expect(error.type).toBe(MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR)
    expect(error.message).toContain("Insufficient funds")
  })

  it("never captures a payment whose amount differs, and logs it as suspected tampering", async () => {
    const p = provider()
    const data = await started(p, 10000)
    await sandboxPost("/sandbox/pay", {
      merchant_uid: data.merchant_uid,
      outcome: "paid",
      amount: 100,
      ignore_prepare: true,
    })
    const error = await errorOf(p.authorizePayment({ data }))
    expect(error.message).toContain("amount is 100, expected 10000")
    expect(warnings.join("\n")).toContain("suspected tampering")
  })

  it("never captures a payment in another currency", async () => {
    const p = provider()
    const data = await started(p, 10, "usd")
    await sandboxPost("/sandbox/pay", {
      merchant_uid: data.merchant_uid,
      outcome: "paid",
      amount: 10,
      currency: "EUR",
      ignore_prepare: true,
    })
    expect((await errorOf(p.authorizePayment({ data }))).message).toContain("currency is EUR, expected USD")
  })

  it("refuses a test-channel payment in live mode", async () => {
    const live = provider({ mode: "live" })
    const data = await started(live)
    await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "paid", sandbox: true })
    // Without include_sandbox i'mport does not even show it: the store keeps waiting and never captures.
    await expect(live.authorizePayment({ data })).resolves.toMatchObject({ status: "pending_authorization" })
  })

  it("refuses a payment that went through another PG", async () => {
    const p = provider()
    const data = await started(p)
    await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "paid", pg_provider: "html5_inicis" })
    expect((await errorOf(p.authorizePayment({ data }))).message).toContain("pg_provider is html5_inicis")
  })
})

describe("a cancel ticket sent from the kept snapshot (cancelAtIamport: one i'mport call)", () => {
  const total = () => [...sandbox.context.stats.values()].reduce((a, b) => a + b, 0)
  const REASON = "Refund requested in Medusa"
  const kept = (data: PaymentwallData) => data.iamport ?? null

  it("sends the cancel with the snapshot's balance as checksum, and nothing else", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(total()).toBe(1)
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(out).toMatchObject({ kind: "accepted", history_before: [] })
  })

  it("re-reads and sends once more when i'mport refuses a stale snapshot's checksum, naming what it showed before", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    await sandboxPost("/sandbox/cancel-mode", { mode: "immediate" })
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, { amount: 2000 })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(calls("POST /payments/cancel")).toBe(2)
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
    // The console's 2000 was in i'mport's history before this request: never its answer.
    expect(out.history_before).toHaveLength(2)
    expect(out).toMatchObject({ kind: "completed", entry: { amount: 3000 } })
  })

  it("does not send again when the refusal was not about the snapshot", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "refused", times: 1, delayMs: 0 })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(out).toMatchObject({ kind: "refused", message: expect.stringContaining("PG refused") })
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
  })

  it("never sends again, and waits as unanswered, when a cancellation that may be this one is new since the snapshot", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    // As if i'mport had applied the cancel and still answered with a refusal: a new entry of exactly this amount,
    // with the request's reason (give or take spaces).
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, { amount: 3000, reason: ` ${REASON} ` })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(out).toMatchObject({
      kind: "unknown",
      message: expect.stringContaining("new cancellation of the same amount"),
    })
  })

  it("sends once more when the new cancellation of the same amount has another reason (a console refund)", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, { amount: 3000 })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(calls("POST /payments/cancel")).toBe(2)
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
    // Accepted: Paymentwall opened a ticket for it.
    expect(out).toMatchObject({ kind: "accepted" })
  })

  it("never sends again after a lost answer", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(calls("GET /payments/{imp_uid}")).toBe(0)
    expect(out.kind).toBe("unknown")
  })

  it("reads i'mport first when the snapshot keeps no history keys (older data)", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.stats.clear()
    await p.cancelAtIamport(impUid, { amount: 1000, reason: REASON }, { ...data.iamport!, history_keys: undefined })
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
    expect(calls("POST /payments/cancel")).toBe(1)
  })
})

describe("refundPayment in record-only mode (the plugin's settlement booking a cancellation i'mport shows)", () => {
  // A marker that passes these checks takes the settlement's ledger claim in the database: pinned in
  // integration-tests/http/money-gate.spec.ts ("one booking marker books one Refund").
  it("refuses a marker whose amount is not the refund's", async () => {
    const p = provider()
    const { data } = await paidSession(p)
    const marked = {
      ...data,
      iamport_record_only: { cancellation_id: "cxl_1", amount: 2500, reason: null, set_at: new Date().toISOString() },
    }
    const error = await errorOf(p.refundPayment({ amount: 2600, data: marked, context: { idempotency_key: "ref_S" } }))
    expect(error.type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(error.message).toContain("does not match the cancellation it books")
  })

  it("refuses a marker with no set_at, as left by an interrupted booking, and cancels nothing", async () => {
    const p = provider()
    const { data } = await paidSession(p)
    const marked = { ...data, iamport_record_only: { cancellation_id: "cxl_1", amount: 2500, reason: null } }
    const error = await errorOf(p.refundPayment({ amount: 2500, data: marked, context: { idempotency_key: "ref_T" } }))
    expect(error.type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(error.message).toContain("settlement booking of i'mport cancellation cxl_1 was interrupted")
    expect(error.message).toContain('Run "Check with i\'mport now"')
    expect(calls("POST /payments/cancel")).toBe(0)
  })

  it("refuses a marker set more than ten minutes ago, so a later real refund cannot skip i'mport", async () => {
    const p = provider()
    const { data } = await paidSession(p)
    const setAt = new Date(Date.now() - RECORD_ONLY_MAX_AGE_MS - 1000).toISOString()
    const marked = {
      ...data,
      iamport_record_only: { cancellation_id: "cxl_1", amount: 2500, reason: null, set_at: setAt },
    }
    const error = await errorOf(p.refundPayment({ amount: 2500, data: marked, context: { idempotency_key: "ref_U" } }))
    expect(error.type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(error.message).toContain(`was set at ${setAt}`)
    expect(error.message).toContain("Check with i'mport now")
    expect(calls("POST /payments/cancel")).toBe(0)
  })

  it("does not let a buyer plant a marker or an imp_uid through the session data", async () => {
    const out = await provider().initiatePayment({
      amount: 1000,
      currency_code: "krw",
      data: {
        session_id: newSessionId(),
        iamport_record_only: { cancellation_id: "x", amount: 1000 },
        imp_uid: "imp_forged",
        cancel_requests: { x: {} },
      },
    })
    // Medusa stores {...storefront data, ...provider data}: the provider's nulls win.
    expect(out.data).toMatchObject({ iamport_record_only: null, imp_uid: null, cancel_requests: null, iamport: null })
  })
})

// refundPayment and a paid payment's cancelPayment go through the money gate, which needs Medusa's database: they
// are pinned in integration-tests/http/money-gate.spec.ts, on a real app.
describe("cancelPayment", () => {
  it("does nothing at i'mport for a payment that is only ready", async () => {
    const p = provider()
    const data = await started(p)
    await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "ready" })
    await p.cancelPayment({ data })
    expect(calls("POST /payments/cancel")).toBe(0)
  })

  it("sends nothing for a payment that i'mport shows fully cancelled", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p, 7000)
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, {})
    const out = await p.cancelPayment({ data })
    expect(calls("POST /payments/cancel")).toBe(0)
    expect(out.data).toMatchObject({ iamport: { status: "cancelled", cancel_amount: 7000 } })
  })

  it("fails loudly, and cancels nothing, when something other than i'mport answers the lookup", async () => {
    const p = provider()
    const { data } = await paidSession(p, 7000)
    // The captured attempt is read by its imp_uid; an attempt not known yet, by its merchant_uid.
    notIamport("GET /payments/{imp_uid}")
    const error = await errorOf(p.cancelPayment({ data }))
    expect(error.message).toContain(NOT_IAMPORT)
    notIamport("GET /payments/find/{merchant_uid}")
    expect((await errorOf(p.cancelPayment({ data: { ...data, imp_uid: null } }))).message).toContain(NOT_IAMPORT)
    expect(error.message).toContain(NOT_IAMPORT)
    expect(calls("POST /payments/cancel")).toBe(0)
  })
})

describe("getPaymentStatus", () => {
  it("is pending while i'mport has no payment yet", async () => {
    await expect(provider().getPaymentStatus({ data: await started() })).resolves.toMatchObject({ status: "pending" })
  })

  it("fails loudly when something other than i'mport answers the lookup, instead of reporting pending", async () => {
    const p = provider()
    const data = await started(p)
    notIamport("GET /payments/find/{merchant_uid}")
    const error = await errorOf(p.getPaymentStatus({ data }))
    expect(error.type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(error.message).toContain(NOT_IAMPORT)
  })
})

describe("lookupPayments", () => {
  it("fails loudly when something other than i'mport answers, instead of reporting every payment unknown", async () => {
    const p = provider()
    const { impUid } = await paidSession(p)
    notIamport("GET /payments?imp_uid[]")
    expect((await errorOf(p.lookupPayments([impUid]))).message).toContain(NOT_IAMPORT)
  })
})

describe("getWebhookActionAndData", () => {
  const hook = (data: Record<string, unknown>, rawData = "", headers: Record<string, unknown> = {}) => ({
    data,
    rawData,
    headers,
  })

  it("turns a paid webhook into captured with the session and i'mport's amount, after one lookup", async () => {
    const p = provider()
    const data = await started(p, 10000)
    const paid = await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "paid" })
    sandbox.context.stats.clear()
    const result = await p.getWebhookActionAndData(
      hook({ imp_uid: paid.imp_uid, merchant_uid: data.merchant_uid, status: "paid" })
    )
    expect(result).toEqual({ action: "captured", data: { session_id: data.session_id, amount: 10000 } })
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
  })

  it("reads a form-encoded raw body", async () => {
    const p = provider()
    const data = await started(p)
    const paid = await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "paid" })
    const raw = Buffer.from(`imp_uid=${paid.imp_uid}&merchant_uid=${data.merchant_uid}&status=paid`)
    const result = await p.getWebhookActionAndData(
      hook({}, raw as never, { "content-type": "application/x-www-form-urlencoded" })
    )
    expect(result.action).toBe("captured")
  })

  it("decides from i'mport, not the body: a body that says paid for a failed payment gives failed", async () => {
    const p = provider()
    const data = await started(p)
    const failed = await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "failed" })
    const result = await p.getWebhookActionAndData(hook({ imp_uid: failed.imp_uid, status: "paid" }))
    expect(result.action).toBe("failed")
  })

  it("completes a payment that Paymentwall approves late, after a failure", async () => {
    const p = provider()
    const data = await started(p)
    const review = await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "fraud_review" })
    expect((await p.getWebhookActionAndData(hook({ imp_uid: review.imp_uid }))).action).toBe("failed")
    await sandboxPost(`/sandbox/payments/${review.imp_uid}/approve`)
    expect((await p.getWebhookActionAndData(hook({ imp_uid: review.imp_uid }))).action).toBe("captured")
    await expect(p.authorizePayment({ data })).resolves.toMatchObject({ status: "captured" })
  })

  it.each([
    ["an unknown imp_uid", { imp_uid: "imp_999999999999", status: "paid" }],
    ["no imp_uid at all", { merchant_uid: "pw_payses_x", status: "paid" }],
  ])("ignores and logs %s", async (_what, body) => {
    const p = provider()
    expect(await p.getWebhookActionAndData(hook(body))).toEqual({ action: "not_supported" })
    expect(warnings.join("\n")).toContain("webhook ignored")
  })

  it("ignores a payment whose merchant_uid this plugin did not make, or that the body misnames", async () => {
    const p = provider()
    await sandboxPost("/sandbox/reset")
    const c = await sandboxPost("/sandbox/pay", {
      merchant_uid: "someone_else_1",
      outcome: "paid",
      amount: 1000,
      currency: "KRW",
      ignore_prepare: true,
    })
    expect((await p.getWebhookActionAndData(hook({ imp_uid: c.imp_uid }))).action).toBe("not_supported")
    const data = await started(p)
    const mine = await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "paid" })
    expect(
      (await p.getWebhookActionAndData(hook({ imp_uid: mine.imp_uid, merchant_uid: "pw_payses_other" }))).action
    ).toBe("not_supported")
  })

  it("hands cancellations on without a session_id or a lookup: the plugin's subscriber settles them with its own", async () => {
    const p = provider()
    const { impUid } = await paidSession(p)
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, { amount: 1000 })
    sandbox.context.stats.clear()
    const result = await p.getWebhookActionAndData(hook({ imp_uid: impUid, status: "cancelled" }))
    expect(result.action).toBe("not_supported")
    expect(result.data).toBeUndefined()
    expect(calls("GET /payments/{imp_uid}")).toBe(0)
  })

  it("with an allow-list, ignores other senders without asking i'mport", async () => {
    const p = provider({ webhookAllowedIps: ["52.78.100.19"] })
    const { impUid } = await paidSession(p)
    sandbox.context.stats.clear()
    // The plugin's hook middleware writes the sender it computed into this header, overwriting any a client sent.
    expect(
      (await p.getWebhookActionAndData(hook({ imp_uid: impUid }, "", { "x-iamport-pw-sender": "203.0.113.9" }))).action
    ).toBe("not_supported")
    // A client-written X-Forwarded-For is not the sender.
    expect(
      (await p.getWebhookActionAndData(hook({ imp_uid: impUid }, "", { "x-forwarded-for": "52.78.100.19" }))).action
    ).toBe("not_supported")
    expect(calls("GET /payments/{imp_uid}")).toBe(0)
    expect(
      (await p.getWebhookActionAndData(hook({ imp_uid: impUid }, "", { "x-iamport-pw-sender": "52.78.100.19" }))).action
    ).toBe("captured")
  })

  it("throws, rather than ignoring the webhook as spoofed, when something other than i'mport answers the lookup", async () => {
    const p = provider()
    const { impUid } = await paidSession(p)
    notIamport("GET /payments/{imp_uid}")
    const error = await errorOf(p.getWebhookActionAndData(hook({ imp_uid: impUid, status: "paid" })))
    expect(error.message).toContain("Could not verify a webhook: GET /payments/{imp_uid} answered HTTP 404")
    expect(error.message).not.toContain(impUid)
    expect(warnings.join("\n")).not.toContain("webhook ignored")
  })

  it("throws on a transient i'mport failure so an event bus with retries tries again", async () => {
    const p = provider()
    const { impUid } = await paidSession(p)
    sandbox.context.faults.push({ route: "GET /payments/{imp_uid}", kind: "5xx", times: 10, delayMs: 0 })
    const error = await errorOf(p.getWebhookActionAndData(hook({ imp_uid: impUid })))
    expect(error.message).not.toContain(SECRET)
  })
})

describe("saved payment methods (Key-in and Subscription are not offered for Paymentwall through i'mport)", () => {
  const context = { customer: { id: "cus_1", email: "a@b.c" } }
  const holder = {
    id: "acchld_1",
    provider_id: "pp_iamport-paymentwall_paymentwall",
    external_id: "x",
    email: "a@b.c",
    data: {},
  } as never

  it("makes no account holder at a logged-in customer's checkout, and does not stop it", async () => {
    // Medusa stores no holder for an empty answer (payment module createAccountHolder: isPresent).
    expect(await provider().createAccountHolder({ context })).toEqual({})
  })

  it.each([
    ["retrieveAccountHolder", { context: { account_holder: holder } }],
    ["updateAccountHolder", { context: { account_holder: holder, customer: context.customer } }],
    ["deleteAccountHolder", { context: { account_holder: holder } }],
    ["listPaymentMethods", { context: { account_holder: holder } }],
    ["savePaymentMethod", { context: { account_holder: holder }, data: {} }],
    ["deletePaymentMethod", { context: { account_holder: holder }, data: { id: "pm_1" } }],
  ] as const)("%s is refused with a MedusaError that says why", async (method, input) => {
    const p = provider() as unknown as Record<string, (i: unknown) => Promise<unknown>>
    const error = await errorOf(p[method](input))
    expect(error).toBeInstanceOf(MedusaError)
    expect(error.type).toBe(MedusaError.Types.NOT_ALLOWED)
    expect(error.message).toBe(SAVED_METHODS_REFUSAL)
    expect(error.message).toContain("Key-in and Subscription")
  })
})
