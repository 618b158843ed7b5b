import { MedusaError } from "@medusajs/framework/utils"
import { SAVED_METHODS_REFUSAL } from "../saved-methods"
import {
  calls,
  errorOf,
  newSessionId,
  NOT_IAMPORT,
  notIamport,
  paidSession,
  provider,
  sandbox,
  sandboxPost,
  SECRET,
  started,
  useSandbox,
  warnings,
} from "./provider-harness"

useSandbox()

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
