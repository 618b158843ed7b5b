import { call, paid, resetSandbox, sandbox, token, useSandbox } from "./sandbox-client"

useSandbox()

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
    await resetSandbox()
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
