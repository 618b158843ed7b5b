import { settleOpenPayments } from "../helpers/built-plugin"
import { refundsOf, sandboxTickets, settleAll, ticketsOf } from "../helpers/refunds"
import { describeStore } from "../helpers/runner"
import { sandboxPost, waitFor, WEBHOOK_PATH } from "../helpers/sandbox"
import { orderWithPayments, paidOrder, type Store } from "../helpers/store"

type AnyRecord = Record<string, any>

/**
 * Ledger invariant (h), one order, one payment: an attempt Paymentwall held for fraud review and approved after the
 * buyer paid again is a second charge Medusa never booked. It is found (by its notice, or by the job when the notice
 * was lost), shown to the shop admin, and cancelled at i'mport in full on request, without any Medusa Refund.
 */
describeStore(({ api, getContainer, sandbox, store: seeded }) => {
  let store: Store

  const module = () => getContainer().resolve<any>("iamport_paymentwall")
  const pay = (merchantUid: string, outcome = "paid", extra: AnyRecord = {}) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome, ...extra })
  const iamport = (impUid: string) => sandbox().context.state.payments.get(impUid)!
  const extraAttempts = (paymentId: string): Promise<AnyRecord[]> =>
    module().listExtraAttempts({ payment_id: paymentId })
  const attemptWhere = (what: string, impUid: string, match: (a: AnyRecord) => boolean) =>
    waitFor(
      what,
      async () => ((await module().listExtraAttempts({ imp_uid: impUid })) as AnyRecord[]).find(match),
      30_000
    )
  const noticesHandled = (impUid: string, count: number) =>
    waitFor(
      `${count} notice(s) of ${impUid} to be handled`,
      async () => {
        const rows: AnyRecord[] = await module().listWebhookEvents({ imp_uid: impUid })
        return rows.length >= count && rows.every((r) => r.processed_at) ? rows : undefined
      },
      30_000
    )
  const forge = (body: AnyRecord) =>
    api.post(WEBHOOK_PATH, body, { headers: { "x-forwarded-for": "52.78.100.19" }, validateStatus: () => true })
  const cancelAttempt = (id: string) =>
    api.post(`/admin/iamport-paymentwall/attempts/${id}/cancel`, {}, { ...store.admin, validateStatus: () => true })
  const cancelsSent = () => sandbox().context.stats.get("POST /payments/cancel") ?? 0

  /** The buyer's first try is held for fraud review, the second pays and completes the cart. */
  const paidAfterHeldAttempt = async (heldWith: AnyRecord = {}) => {
    let held = ""
    const order = await paidOrder(api, store, async (merchantUid) => {
      held = (await pay(merchantUid, "fraud_review", heldWith)).imp_uid
      return pay(merchantUid)
    })
    return { ...order, held, merchantUid: iamport(held).merchant_uid }
  }

  beforeEach(() => {
    store = seeded()
  })

  it("a held attempt approved after the order was paid is flagged and logged, and the admin cancels it at i'mport in full with no Medusa Refund", async () => {
    const warn = jest.spyOn(getContainer().resolve("logger"), "warn")
    const order = await paidAfterHeldAttempt()
    await sandboxPost(sandbox(), `/sandbox/payments/${order.held}/approve`)

    const found = await attemptWhere("the second payment to be recorded", order.held, (a) => a.status === "found")
    expect(found).toMatchObject({
      payment_id: order.paymentId,
      order_id: order.orderId,
      merchant_uid: order.merchantUid,
      currency_code: "krw",
    })
    expect(Number(found.amount)).toBe(order.amount)
    const logged = warn.mock.calls.map((c) => String(c[0])).find((line) => line.includes("charged twice"))
    expect(logged).toEqual(expect.stringContaining(order.orderId))
    expect(logged).toEqual(expect.stringContaining(order.paymentId))
    expect(logged).toEqual(expect.stringContaining(order.impUid))
    expect(logged).toEqual(expect.stringContaining(order.held))
    expect(logged).not.toContain("sandbox_imp_secret")

    const view = (await api.get(`/admin/iamport-paymentwall/orders/${order.orderId}`, store.admin)).data
    expect(view.payments[0]).toMatchObject({
      imp_uid: order.impUid,
      extra_attempts: [
        expect.objectContaining({ id: found.id, imp_uid: order.held, status: "found", amount: order.amount }),
      ],
    })

    const cancelled = await cancelAttempt(found.id)
    expect(cancelled.status).toBe(200)
    expect(cancelled.data.extra_attempt).toMatchObject({
      id: found.id,
      status: "waiting_for_cancellation",
      decided_by: store.adminUserId,
    })
    expect(await sandboxTickets(sandbox(), order.held)).toEqual([
      expect.objectContaining({
        amount: order.amount,
        status: "open",
        reason: "Second payment of an order already paid",
      }),
    ])
    // Paymentwall approves the ticket: its cancelled notice updates the attempt, and settles nothing on the order's payment.
    await settleAll(sandbox(), order.held, "approved")
    await attemptWhere("the second payment to show cancelled", order.held, (a) => a.status === "cancelled")
    const notices = await noticesHandled(order.held, 3)
    expect(notices.filter((n) => n.status === "cancelled")).toEqual([
      expect.objectContaining({ error: null, outcome: expect.stringContaining("cancelled at i'mport") }),
    ])

    expect(iamport(order.held)).toMatchObject({ status: "cancelled", cancel_amount: order.amount })
    expect(iamport(order.impUid)).toMatchObject({ status: "paid", cancel_amount: 0 })
    expect(await sandboxTickets(sandbox(), order.impUid)).toEqual([])
    expect(await refundsOf(getContainer(), order.paymentId)).toEqual([])
    expect(await ticketsOf(getContainer(), order.paymentId)).toEqual([])
    expect((await orderWithPayments(api, store, order.orderId)).payment_status).toBe("captured")

    const again = await cancelAttempt(found.id)
    expect(again.status).toBe(400)
    expect(again.data.message).toContain("already cancelled")
    warn.mockRestore()
  })

  it("the second payment's paid notice delivered three times records it once", async () => {
    const order = await paidAfterHeldAttempt()
    await sandboxPost(sandbox(), `/sandbox/payments/${order.held}/approve`)
    await attemptWhere("the second payment to be recorded", order.held, () => true)
    await sandboxPost(sandbox(), "/sandbox/webhooks/resend", { imp_uid: order.held, times: 2 })
    await noticesHandled(order.held, 4)
    expect((await extraAttempts(order.paymentId)).map((a) => a.imp_uid)).toEqual([order.held])
  })

  it("the job finds a second payment whose notice was lost, once, and sees its cancellation whose notice was lost too", async () => {
    sandbox().context.webhooks.configure({ url: null })
    const order = await paidAfterHeldAttempt()
    await sandboxPost(sandbox(), `/sandbox/payments/${order.held}/approve`)
    expect(await extraAttempts(order.paymentId)).toEqual([])

    sandbox().context.stats.clear()
    expect(await settleOpenPayments(getContainer())).toMatchObject({ extra_attempts: 1, failed: [] })
    // One i'mport call for the payment's attempts (bounded per run), one batch read of the recorded ones still open.
    expect(sandbox().context.stats.get("GET /payments/findAll/{merchant_uid}")).toBe(1)
    const [found] = await extraAttempts(order.paymentId)
    expect(found).toMatchObject({
      imp_uid: order.held,
      status: "found",
      order_id: order.orderId,
      metadata: expect.objectContaining({ found_by: "job" }),
    })
    expect(await settleOpenPayments(getContainer())).toMatchObject({ extra_attempts: 0, failed: [] })
    expect(await extraAttempts(order.paymentId)).toHaveLength(1)

    expect((await cancelAttempt(found.id)).status).toBe(200)
    await settleAll(sandbox(), order.held, "approved")
    await settleOpenPayments(getContainer())
    expect(await extraAttempts(order.paymentId)).toEqual([expect.objectContaining({ status: "cancelled" })])
    expect(await refundsOf(getContainer(), order.paymentId)).toEqual([])
  })

  it("a forged paid notice naming a foreign or an unknown imp_uid under the order's merchant_uid records nothing", async () => {
    const order = await paidOrder(api, store, (merchantUid) => pay(merchantUid))
    const merchantUid = iamport(order.impUid).merchant_uid
    const foreign = await sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", {
      merchant_uid: "someone_else_1",
      outcome: "paid",
      ignore_prepare: true,
      amount: order.amount,
      currency: "KRW",
    })
    const unknown = "imp_000000000000"
    for (const impUid of [foreign.imp_uid, unknown]) {
      expect((await forge({ imp_uid: impUid, merchant_uid: merchantUid, status: "paid" })).status).toBe(200)
    }
    // The sandbox's own notice of the foreign payment reaches the store too: only the forged ones name our merchant_uid.
    const forgedFor = (impUid: string) =>
      waitFor(
        `the forged notice naming ${impUid} to be handled`,
        async () => {
          const rows: AnyRecord[] = (await module().listWebhookEvents({ imp_uid: impUid })).filter(
            (n: AnyRecord) => n.merchant_uid === merchantUid
          )
          return rows.length && rows.every((r) => r.processed_at) ? rows : undefined
        },
        30_000
      )
    expect(await forgedFor(foreign.imp_uid)).toEqual([
      expect.objectContaining({ error: null, outcome: expect.stringContaining("is not a second paid attempt") }),
    ])
    expect(await forgedFor(unknown)).toEqual([
      expect.objectContaining({ error: null, outcome: expect.stringContaining(`i'mport knows no payment ${unknown}`) }),
    ])
    expect(await module().listExtraAttempts({})).toEqual([])
    expect(await settleOpenPayments(getContainer())).toMatchObject({ extra_attempts: 0 })
    expect(await module().listExtraAttempts({})).toEqual([])
  })

  it("i'mport's refusal of the cancel is recorded as failed with its reason, and the cancel can be asked again", async () => {
    const order = await paidAfterHeldAttempt({ refundable: false })
    await sandboxPost(sandbox(), `/sandbox/payments/${order.held}/approve`)
    const found = await attemptWhere("the second payment to be recorded", order.held, () => true)
    const refused = await cancelAttempt(found.id)
    expect(refused.status).toBe(400)
    expect(refused.data.message).toContain(
      `i'mport refused to cancel payment ${order.held}: [Paymentwall] Refunds are not supported`
    )
    expect(await module().retrieveExtraAttempt(found.id)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("Refunds are not supported"),
    })
    expect((await cancelAttempt(found.id)).status).toBe(400)
    expect(cancelsSent()).toBe(2)
    expect(iamport(order.held)).toMatchObject({ status: "paid", cancel_amount: 0 })
  })

  it("the cancel route refuses the attempt Medusa captured, and sends nothing to i'mport", async () => {
    const order = await paidOrder(api, store, (merchantUid) => pay(merchantUid))
    // A row naming the captured attempt, as a wrong record would.
    const row = await module().createExtraAttempts({
      payment_id: order.paymentId,
      order_id: order.orderId,
      imp_uid: order.impUid,
      merchant_uid: iamport(order.impUid).merchant_uid,
      amount: order.amount,
      currency_code: "krw",
      found_at: new Date(),
    })
    const refused = await cancelAttempt(row.id)
    expect(refused.status).toBe(400)
    expect(refused.data.message).toContain(
      `Cannot cancel i'mport payment ${order.impUid} as a second payment: it is the attempt Medusa captured`
    )
    expect(cancelsSent()).toBe(0)
    expect(await module().retrieveExtraAttempt(row.id)).toMatchObject({ status: "found", decided_by: null })
    expect((await cancelAttempt("pwxa_unknown")).status).toBe(404)
    expect(iamport(order.impUid)).toMatchObject({ status: "paid", cancel_amount: 0 })
  })
})
