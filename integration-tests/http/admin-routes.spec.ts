import { Modules } from "@medusajs/framework/utils"
import { refreshSnapshot } from "../helpers/built-plugin"
import { adminRefund, defaultRefundReasonId, sandboxTickets, settleAll, ticketsOf } from "../helpers/refunds"
import { describeStore } from "../helpers/runner"
import { PROVIDER_ID, sandboxPost, waitFor, WEBHOOK_PATH } from "../helpers/sandbox"
import { paidOrder, type Store } from "../helpers/store"
import { builtPluginModule } from "../helpers/webhook-delivery"

describeStore(({ api, getContainer, sandbox, store: seeded }) => {
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>
  const view = async (live = false) =>
    (await api.get(`/admin/iamport-paymentwall/orders/${paid.orderId}?live=${live}`, store.admin)).data

  beforeEach(async () => {
    store = seeded()
    // No webhooks in this file: every change comes from the admin routes themselves.
    sandbox().context.webhooks.configure({ url: null })
    paid = await paidOrder(api, store, (merchantUid) =>
      sandboxPost(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
    )
  })

  it("the plugin's workflows reach the provider Medusa built (the one Medusa internal the plugin relies on)", async () => {
    // The built adapter, as the store runs it: it reads the payment module's `__container__`. If a Medusa upgrade
    // moves providers elsewhere, this fails with the adapter's own NOT_FOUND message, before any refund does.
    const { paymentwallProvider } = builtPluginModule("providers/iamport-paymentwall/registered-provider")
    const provider = paymentwallProvider(getContainer(), PROVIDER_ID)
    expect(provider.constructor.identifier).toBe("iamport-paymentwall")
    expect((await provider.lookupPayment(paid.impUid)).imp_uid).toBe(paid.impUid)
    expect(() => paymentwallProvider(getContainer(), "pp_system_default")).toThrow(
      "is not an iamport-paymentwall provider"
    )
  })

  it("shows an order's Paymentwall payment and its tickets, with who asked and why", async () => {
    const reasonId = await defaultRefundReasonId(api, store)
    await adminRefund(api, store, paid.paymentId, { amount: 2000, note: "Damaged box", refund_reason_id: reasonId })
    const { payments } = await view()
    expect(payments).toHaveLength(1)
    expect(payments[0]).toMatchObject({
      id: paid.paymentId,
      imp_uid: paid.impUid,
      mode: "test",
      amount: 13000,
      refunded_amount: 0,
      iamport: { status: "paid", amount: 13000, sandbox: true },
      iamport_live: false,
    })
    expect(payments[0].tickets).toEqual([
      expect.objectContaining({
        status: "waiting_for_cancellation",
        amount: 2000,
        note: "Damaged box",
        refund_reason: expect.any(String),
        requested_by: { id: store.adminUserId, email: expect.stringContaining("@example.com") },
      }),
    ])
    expect(JSON.stringify(payments)).not.toContain("sandbox_imp_secret")
  })

  it("asks i'mport for the current state when live=true; the notice's settlement then refreshes the stored view", async () => {
    const before = (await view(false)).payments[0].iamport
    // This file's store hears no webhooks; here the console refund's notice is sent, but held, so the stored view is
    // the old one until it arrives.
    await sandboxPost(sandbox(), "/sandbox/webhooks/config", {
      url: `${api.defaults.baseURL}${WEBHOOK_PATH}`,
      hold: true,
    })
    try {
      await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, { amount: 1000 })
      expect((await view(false)).payments[0].iamport.cancel_amount).toBe(0)
      const live = (await view(true)).payments[0]
      expect(live).toMatchObject({ iamport_live: true, iamport: { status: "cancelled", cancel_amount: 1000 } })
    } finally {
      await sandboxPost(sandbox(), "/sandbox/webhooks/config", { hold: false })
      await sandboxPost(sandbox(), "/sandbox/webhooks/flush")
    }
    const stored = await waitFor("the notice's settlement to refresh the stored view", async () => {
      const payment = (await view(false)).payments[0]
      return payment.iamport.cancel_amount === 1000 ? payment : undefined
    })
    expect(stored).toMatchObject({
      iamport_live: false,
      refunded_amount: 1000,
      iamport: { status: "cancelled", cancellation_ids: [expect.any(String)] },
    })
    expect(Date.parse(stored.iamport.checked_at)).toBeGreaterThan(Date.parse(before.checked_at))
  })

  it("a snapshot refresh keeps i'mport's word in the plugin's table, never over a newer one, and never writes core's payment data", async () => {
    const payments = getContainer().resolve(Modules.PAYMENT)
    const [before] = await payments.listPayments({ id: paid.paymentId }, { select: ["data", "updated_at"] })
    const { paymentwallProvider } = builtPluginModule("providers/iamport-paymentwall/registered-provider")
    const iamport = await paymentwallProvider(getContainer(), PROVIDER_ID).readPayment(paid.impUid)
    const readAt = new Date(Date.now() + 60_000)
    expect(await refreshSnapshot(getContainer(), paid.paymentId, { ...iamport, cancelled_amount: 7 }, readAt)).toBe(
      true
    )
    // An older read does not overwrite it, and a snapshot of another i'mport payment never replaces it.
    expect(
      await refreshSnapshot(
        getContainer(),
        paid.paymentId,
        { ...iamport, cancelled_amount: 1 },
        new Date(readAt.getTime() - 1000)
      )
    ).toBe(false)
    expect(
      await refreshSnapshot(
        getContainer(),
        paid.paymentId,
        { ...iamport, id: "imp_other", cancelled_amount: 2 },
        new Date(readAt.getTime() + 1000)
      )
    ).toBe(false)
    const rows = await getContainer()
      .resolve<any>("iamport_paymentwall")
      .listPaymentSnapshots({ payment_id: paid.paymentId })
    expect(rows).toEqual([
      expect.objectContaining({
        imp_uid: paid.impUid,
        snapshot: expect.objectContaining({ cancel_amount: 7, checked_at: readAt.toISOString() }),
      }),
    ])
    // Core's row is as Medusa left it; the widget shows the newer, kept snapshot.
    const [after] = await payments.listPayments({ id: paid.paymentId }, { select: ["data", "updated_at"] })
    expect(after).toEqual(before)
    expect((await view(false)).payments[0].iamport).toMatchObject({
      cancel_amount: 7,
      checked_at: readAt.toISOString(),
    })
  })

  it("refuses a malformed query and an unauthenticated caller", async () => {
    const bad = await api.get(`/admin/iamport-paymentwall/orders/${paid.orderId}?live=maybe`, {
      ...store.admin,
      validateStatus: () => true,
    })
    expect(bad.status).toBe(400)
    const anonymous = await api.get(`/admin/iamport-paymentwall/orders/${paid.orderId}`, { validateStatus: () => true })
    expect(anonymous.status).toBe(401)
    const missing = await api.get(`/admin/iamport-paymentwall/orders/order_missing`, {
      ...store.admin,
      validateStatus: () => true,
    })
    expect(missing.status).toBe(404)
  })

  it("checks with i'mport now: books what a lost webhook missed, and answers with i'mport's view", async () => {
    await adminRefund(api, store, paid.paymentId, { amount: 3000 })
    await settleAll(sandbox(), paid.impUid, "approved")
    const res = await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, store.admin)
    expect(res.data).toMatchObject({ booked: [expect.any(String)], iamport: { cancel_amount: 3000 } })
    expect((await ticketsOf(getContainer(), paid.paymentId))[0].status).toBe("completed")
    const bad = await api.post(
      `/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`,
      { extra: 1 },
      { ...store.admin, validateStatus: () => true }
    )
    expect(bad.status).toBe(400)
  })

  it("retries an unanswered request once a person has checked i'mport: one cancel in all", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    expect((await adminRefund(api, store, paid.paymentId, { amount: 4000 })).status).toBe(500)
    const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
    expect(ticket).toMatchObject({ status: "requested", needs_attention: true })
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(0)

    const retried = await api.post(`/admin/iamport-paymentwall/tickets/${ticket.id}/retry`, {}, store.admin)
    expect(retried.data.cancel_ticket).toMatchObject({
      id: ticket.id,
      status: "waiting_for_cancellation",
      needs_attention: false,
    })
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)

    const again = await api.post(
      `/admin/iamport-paymentwall/tickets/${ticket.id}/retry`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(again.status).toBe(400)
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)
  })

  it("dismisses an unanswered request, which frees the amount for a new refund", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    await adminRefund(api, store, paid.paymentId, { amount: 13000 })
    const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
    const res = await api.post(`/admin/iamport-paymentwall/tickets/${ticket.id}/dismiss`, {}, store.admin)
    expect(res.data.cancel_ticket).toMatchObject({ status: "failed", needs_attention: false })
    expect((await adminRefund(api, store, paid.paymentId, { amount: 13000 })).status).toBe(200)
    const notFlagged = await api.post(
      `/admin/iamport-paymentwall/tickets/${ticket.id}/dismiss`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(notFlagged.status).toBe(400)
  })

  it("dismissing an unanswered request that carries a suspected approval drops the candidate with it", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    await adminRefund(api, store, paid.paymentId, { amount: 5000 })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, { amount: 5000, reason: "Called" })
    await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, store.admin)
    const request = (await ticketsOf(getContainer(), paid.paymentId)).find((t) => t.origin === "admin")!
    expect(request).toMatchObject({ status: "requested", metadata: { approval_candidate: expect.any(Object) } })
    const res = await api.post(`/admin/iamport-paymentwall/tickets/${request.id}/dismiss`, {}, store.admin)
    expect(res.data.cancel_ticket.status).toBe("failed")
    expect(res.data.cancel_ticket.metadata).not.toHaveProperty("approval_candidate")
  })

  it("validates the ticket action body with zod", async () => {
    await adminRefund(api, store, paid.paymentId, { amount: 1000 })
    const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
    const res = await api.post(
      `/admin/iamport-paymentwall/tickets/${ticket.id}/dismiss`,
      { note: 5 },
      { ...store.admin, validateStatus: () => true }
    )
    expect(res.status).toBe(400)
  })
})
