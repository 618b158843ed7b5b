import {
  calls,
  errorOf,
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
