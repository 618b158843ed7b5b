import { Modules } from "@medusajs/framework/utils"
import { settleOpenPayments } from "../helpers/built-plugin"
import {
  adminRefund,
  defaultRefundReasonId,
  recordEvents,
  refundsOf,
  sandboxTickets,
  settleAll,
  ticketsOf,
} from "../helpers/refunds"
import { describeStore } from "../helpers/runner"
import { paidOrderNoticed } from "../helpers/webhook-delivery"
import { controlHeaders, sandboxPost, waitFor } from "../helpers/sandbox"
import { completeCart, orderWithPayments, paidOrder, startCheckout, type Store } from "../helpers/store"

describeStore(({ api, getContainer, sandbox, store: seeded }) => {
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>

  const pay = (merchantUid: string) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const iamport = async () =>
    (await fetch(`${sandbox().url}/sandbox/payments/${paid.impUid}`, { headers: controlHeaders(sandbox()) })).json()
  const bookedTotal = async () =>
    (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
  const waitForTicket = (status: string, index = 0) =>
    waitFor(`ticket ${index} to be ${status}`, async () => {
      const tickets = await ticketsOf(getContainer(), paid.paymentId)
      return tickets[index]?.status === status ? tickets[index] : undefined
    })

  beforeEach(async () => {
    store = seeded()
    // The checkout's own "paid" notice is handled before the test starts (straight to the subscribers, no 5 s wait).
    paid = await paidOrderNoticed(api, store, getContainer(), sandbox(), pay)
    await waitFor(
      "the payment webhook to be handled",
      async () =>
        (await getContainer().resolve<any>("iamport_paymentwall").listWebhookEvents({ imp_uid: paid.impUid })).some(
          (e: any) => e.processed_at
        ) || undefined
    )
  })

  it("a partial refund waits for Paymentwall, then is booked exactly once with its reason and note", async () => {
    const reasonId = await defaultRefundReasonId(api, store)
    const events = recordEvents(getContainer(), ["payment.refunded"])
    const res = await adminRefund(api, store, paid.paymentId, {
      amount: 3000,
      note: "Sleeve too short",
      refund_reason_id: reasonId,
    })
    expect(res.status).toBe(200)
    expect(res.data.cancel_ticket).toMatchObject({ status: "waiting_for_cancellation", origin: "admin" })

    // Waiting for cancellation: nothing booked, the order still fully paid, i'mport unchanged.
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, store, paid.orderId)).payment_status).toBe("captured")
    expect(await iamport()).toMatchObject({ status: "paid", cancel_amount: 0 })
    expect(await sandboxTickets(sandbox(), paid.impUid)).toEqual([
      expect.objectContaining({ amount: 3000, status: "open" }),
    ])

    sandbox().context.stats.clear()
    await settleAll(sandbox(), paid.impUid, "approved")
    const ticket = await waitForTicket("completed")
    // One i'mport call for the cancellation notice: the settlement's lookup (Medusa's door looks nothing up for it).
    const calls = [...sandbox().context.stats].filter(([route]) => route !== "POST /users/getToken")
    expect(Object.fromEntries(calls)).toEqual({ "GET /payments/{imp_uid}": 1 })

    const refunds = await refundsOf(getContainer(), paid.paymentId)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({
      note: "Sleeve too short",
      created_by: store.adminUserId,
      refund_reason: { id: reasonId },
    })
    expect(Number(refunds[0].amount)).toBe(3000)
    expect(ticket).toMatchObject({
      refund_id: refunds[0].id,
      cancellation_id: (await iamport()).cancel_history[0].cancellation_id,
    })
    const order = await orderWithPayments(api, store, paid.orderId)
    expect(order.payment_status).toBe("partially_refunded")
    expect(events.filter((e) => e.name === "payment.refunded")).toEqual([
      { name: "payment.refunded", data: { id: paid.paymentId } },
    ])
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
    // The record-only marker is gone: a later refund through Medusa's own paths must reach i'mport again.
    expect(order.payment_collections[0].payments[0].data.iamport_record_only).toBeNull()
    // The widget's polls (live=false) read the snapshot the settlement's look-up refreshed: no stale "paid".
    const view = (await api.get(`/admin/iamport-paymentwall/orders/${paid.orderId}?live=false`, store.admin)).data
    expect(view.payments[0]).toMatchObject({
      iamport_live: false,
      refunded_amount: 3000,
      iamport: { status: "cancelled", cancel_amount: 3000 },
    })
  })

  it("a refund is one i'mport call, also after a console refund the settlement booked (its look-up refreshed the snapshot)", async () => {
    const count = (route: string) => sandbox().context.stats.get(route) ?? 0
    sandbox().context.stats.clear()
    expect((await adminRefund(api, store, paid.paymentId, { amount: 1000 })).status).toBe(200)
    expect([count("GET /payments/{imp_uid}"), count("POST /payments/cancel")]).toEqual([0, 1])

    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 2000,
      reason: "Customer called",
    })
    await waitFor("the console refund to be booked", async () =>
      (await ticketsOf(getContainer(), paid.paymentId)).find((t) => t.origin === "external" && t.status === "completed")
    )
    sandbox().context.stats.clear()
    expect((await adminRefund(api, store, paid.paymentId, { amount: 3000 })).status).toBe(200)
    expect([count("GET /payments/{imp_uid}"), count("POST /payments/cancel")]).toEqual([0, 1])
    expect(await sandboxTickets(sandbox(), paid.impUid)).toEqual([
      expect.objectContaining({ amount: 1000, status: "open" }),
      expect.objectContaining({ amount: 3000, status: "open" }),
    ])
  })

  it("a full refund (no amount) ends with payment_status refunded", async () => {
    const res = await adminRefund(api, store, paid.paymentId, {})
    expect(res.status).toBe(200)
    expect(res.data.cancel_ticket.amount).toBe(13000)
    await settleAll(sandbox(), paid.impUid, "approved")
    await waitForTicket("completed")
    expect((await orderWithPayments(api, store, paid.orderId)).payment_status).toBe("refunded")
    expect(await bookedTotal()).toBe(13000)
  })

  it("a rejection notice only flags the ticket; the admin's confirmation rejects it and emits the event", async () => {
    const events = recordEvents(getContainer(), ["iamport_paymentwall.cancel_ticket.rejected"])
    expect((await adminRefund(api, store, paid.paymentId, { amount: 5000 })).status).toBe(200)
    await settleAll(sandbox(), paid.impUid, "rejected")
    const suspected = await waitFor("the rejection to be suspected", async () => {
      const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
      return ticket?.rejection_suspected_at ? ticket : undefined
    })
    expect(suspected).toMatchObject({ status: "waiting_for_cancellation", needs_attention: true })
    expect(events).toEqual([])

    await api.post(`/admin/iamport-paymentwall/tickets/${suspected.id}/confirm-rejection`, {}, store.admin)
    const ticket = await waitForTicket("rejected")
    expect(ticket.refund_id).toBeNull()
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, store, paid.orderId)).payment_status).toBe("captured")
    expect(events).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ id: ticket.id, payment_id: paid.paymentId }) }),
    ])
    // The money is refundable again.
    expect((await adminRefund(api, store, paid.paymentId, { amount: 13000 })).status).toBe(200)
  })

  it("a refund made in the i'mport console is booked as external", async () => {
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 2000,
      reason: "Customer called",
    })
    const ticket = await waitForTicket("completed")
    expect(ticket).toMatchObject({ origin: "external", reason: "Customer called" })
    const refunds = await refundsOf(getContainer(), paid.paymentId)
    expect(refunds).toHaveLength(1)
    expect(Number(refunds[0].amount)).toBe(2000)
    expect(refunds[0].note).toContain("Cancelled outside Medusa")
    expect((await orderWithPayments(api, store, paid.orderId)).payment_status).toBe("partially_refunded")
  })

  it("the same webhook delivered 20 times at once books one refund", async () => {
    expect((await adminRefund(api, store, paid.paymentId, { amount: 4000 })).status).toBe(200)
    sandbox().context.webhooks.configure({ copies: 20 })
    sandbox().context.stats.clear()
    await settleAll(sandbox(), paid.impUid, "approved")
    await waitForTicket("completed")
    await waitFor(
      "all 20 deliveries to be handled",
      async () => {
        const events = await getContainer()
          .resolve<any>("iamport_paymentwall")
          .listWebhookEvents({ imp_uid: paid.impUid, status: "cancelled" })
        return events.length === 20 && events.every((e: any) => e.processed_at) ? events : undefined
      },
      60_000
    )
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(1)
    expect(await bookedTotal()).toBe(4000)
    // Queued on the payment's lock, the copies are covered by the first one's lookup.
    expect(sandbox().context.stats.get("GET /payments/{imp_uid}") ?? 0).toBeLessThanOrEqual(2)
  })

  it("out-of-order webhooks for two settled tickets book each once", async () => {
    expect((await adminRefund(api, store, paid.paymentId, { amount: 1000 })).status).toBe(200)
    expect((await adminRefund(api, store, paid.paymentId, { amount: 2000 })).status).toBe(200)
    sandbox().context.webhooks.configure({ hold: true })
    await settleAll(sandbox(), paid.impUid, "approved")
    await sandboxPost(sandbox(), "/sandbox/webhooks/flush")
    await waitForTicket("completed", 1)
    await waitForTicket("completed", 0)
    const amounts = (await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount)).sort()
    expect(amounts).toEqual([1000, 2000])
  })

  it("a lost webhook is recovered by the reconciliation job, in one batched i'mport call", async () => {
    expect((await adminRefund(api, store, paid.paymentId, { amount: 3000 })).status).toBe(200)
    sandbox().context.webhooks.configure({ url: null })
    await settleAll(sandbox(), paid.impUid, "approved")
    sandbox().context.stats.clear()
    const result = await settleOpenPayments(getContainer())
    expect(result).toMatchObject({ checked: 1, booked: 1, iamport_calls: 1, failed: [] })
    expect(sandbox().context.stats.get("GET /payments?imp_uid[]")).toBe(1)
    expect((await ticketsOf(getContainer(), paid.paymentId))[0].status).toBe("completed")
    expect(await bookedTotal()).toBe(3000)
    // Running it again (another instance, the next tick) books nothing more.
    await settleOpenPayments(getContainer())
    expect(await bookedTotal()).toBe(3000)
  })

  it("two concurrent refunds that together exceed the payment: one wins", async () => {
    const [a, b] = await Promise.all([
      adminRefund(api, store, paid.paymentId, { amount: 10000 }),
      adminRefund(api, store, paid.paymentId, { amount: 10000 }),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 400])
    const loser = a.status === 400 ? a : b
    expect(loser.data.message).toContain("waiting for Paymentwall 10000")
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)
  })

  it("i'mport answering 5xx on the cancel books nothing, and a retry does not cancel twice", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx_after", times: 1, delayMs: 0 })
    const first = await adminRefund(api, store, paid.paymentId, { amount: 6000 })
    expect(first.status).toBe(500)
    expect(first.data.message).toContain("may have been accepted")
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect((await ticketsOf(getContainer(), paid.paymentId))[0]).toMatchObject({
      status: "requested",
      needs_attention: true,
    })

    const retry = await adminRefund(api, store, paid.paymentId, { amount: 6000 })
    expect(retry.status).toBe(400)
    expect(retry.data.message).toContain("got no answer from i'mport")
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)

    // i'mport had accepted it after all: Paymentwall settles it, and it is booked once, to that ticket.
    await settleAll(sandbox(), paid.impUid, "approved")
    const ticket = await waitForTicket("completed")
    expect(ticket.needs_attention).toBe(false)
    expect(await bookedTotal()).toBe(6000)
  })

  it("i'mport refusing the cancel fails the ticket with i'mport's message and books nothing", async () => {
    // A second order, paid with a method Paymentwall cannot refund in the buyer's country.
    paid = await paidOrder(api, store, (merchantUid) =>
      sandboxPost(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid", refundable: false })
    )
    const res = await adminRefund(api, store, paid.paymentId, { amount: 1000 })
    expect(res.status).toBe(400)
    expect(res.data.message).toContain("Refunds are not supported for this payment method")
    const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
    expect(ticket).toMatchObject({ status: "failed", error: expect.stringContaining("Refunds are not supported") })
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    // A failed ticket holds nothing back: the balance is still there to refund by other means.
    expect((await orderWithPayments(api, store, paid.orderId)).payment_status).toBe("captured")
  })

  it("refuses an amount the currency cannot carry, and more than is left", async () => {
    const fraction = await adminRefund(api, store, paid.paymentId, { amount: 10.5 })
    expect(fraction.status).toBe(400)
    expect(fraction.data.message).toContain("more decimals than KRW allows")
    const tooMuch = await adminRefund(api, store, paid.paymentId, { amount: 13001 })
    expect(tooMuch.status).toBe(400)
    expect(tooMuch.data.message).toContain("leaves 13000")
    expect(await ticketsOf(getContainer(), paid.paymentId)).toHaveLength(0)
  })

  it("another provider's payment still goes through Medusa's own refund", async () => {
    const checkout = await startCheckout(api, store, 1, "pp_system_default")
    const completed = await completeCart(api, store, checkout.cartId)
    const order = await orderWithPayments(api, store, completed.order.id)
    const payment = order.payment_collections[0].payments[0]
    await api.post(`/admin/payments/${payment.id}/capture`, {}, store.admin)
    const res = await adminRefund(api, store, payment.id, { amount: 1000, note: "core path" })
    expect(res.status).toBe(200)
    expect(res.data.cancel_ticket).toBeUndefined()
    // Booked at once by Medusa's own handler: no ticket, no i'mport call.
    expect(await refundsOf(getContainer(), payment.id)).toEqual([expect.objectContaining({ note: "core path" })])
    expect(await ticketsOf(getContainer(), payment.id)).toHaveLength(0)
  })

  it("an order cancel on a captured Paymentwall payment is tracked, and booked once when Paymentwall confirms", async () => {
    const res = await api.post(`/admin/orders/${paid.orderId}/cancel`, {}, store.admin)
    expect(res.status).toBe(200)
    // Medusa books order-cancel refunds at once; the provider saved the cancel as a ticket before i'mport heard of
    // it, and the plugin's order.canceled subscriber names it the order's cancel.
    const ticket = await waitFor("the order-cancel ticket", async () =>
      (await ticketsOf(getContainer(), paid.paymentId)).find(
        (t) => t.origin === "order_cancel" && t.status === "waiting_for_cancellation"
      )
    )
    expect(ticket).toMatchObject({ origin: "order_cancel", amount: 13000 })
    expect(ticket.refund_id).toBeTruthy()
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)

    await settleAll(sandbox(), paid.impUid, "approved")
    await waitForTicket("completed")
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(1)
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })

  it("a refund Medusa books through its payment module directly is tracked by the provider's ticket and settled once", async () => {
    // Custom code (or a core path with no event) calling the module: Medusa books at once, the provider cancels once,
    // having saved the request as a ticket first.
    const payments = getContainer().resolve(Modules.PAYMENT)
    await payments.refundPayment({ payment_id: paid.paymentId, amount: 2500 })
    expect(await ticketsOf(getContainer(), paid.paymentId)).toEqual([
      expect.objectContaining({ status: "waiting_for_cancellation", amount: 2500, refund_id: expect.any(String) }),
    ])
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)

    sandbox().context.webhooks.configure({ url: null })
    await settleAll(sandbox(), paid.impUid, "approved")
    const result = await settleOpenPayments(getContainer())
    expect(result).toMatchObject({ checked: 1, booked: 0, failed: [] })
    const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
    expect(ticket).toMatchObject({
      origin: "admin",
      status: "completed",
      amount: 2500,
      metadata: { booked_by_medusa_before_settlement: true },
    })
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })

  it("an order cancel waits while Paymentwall settles a refund, so the money is not asked back twice", async () => {
    expect((await adminRefund(api, store, paid.paymentId, { amount: 3000 })).status).toBe(200)
    const refused = await api.post(
      `/admin/orders/${paid.orderId}/cancel`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(refused.status).toBe(400)
    expect(refused.data.message).toContain("Paymentwall is still settling a refund of 3000 KRW")
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)
    expect((await orderWithPayments(api, store, paid.orderId)).status).not.toBe("canceled")

    await settleAll(sandbox(), paid.impUid, "approved")
    await waitForTicket("completed")
    expect((await api.post(`/admin/orders/${paid.orderId}/cancel`, {}, store.admin)).status).toBe(200)
    // The cancel asks for what is left, once.
    const tickets = await sandboxTickets(sandbox(), paid.impUid)
    expect(tickets.map((t) => t.amount)).toEqual([3000, 10000])
  })

  it("an order cancel that Paymentwall rejects is reversed once an admin confirms it, and the ticket is flagged", async () => {
    await api.post(`/admin/orders/${paid.orderId}/cancel`, {}, store.admin)
    const waiting = await waitForTicket("waiting_for_cancellation")
    expect(await bookedTotal()).toBe(13000)
    await settleAll(sandbox(), paid.impUid, "rejected")
    await waitFor("the rejection to be suspected", async () =>
      (await ticketsOf(getContainer(), paid.paymentId))[0]?.rejection_suspected_at ? true : undefined
    )
    // The notice alone changes no money.
    expect(await bookedTotal()).toBe(13000)
    await api.post(`/admin/iamport-paymentwall/tickets/${waiting.id}/confirm-rejection`, {}, store.admin)
    const ticket = await waitForTicket("rejected")
    expect(ticket.needs_attention).toBe(true)
    expect(ticket.error).toContain("credit line")
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })
})
