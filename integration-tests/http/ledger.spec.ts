import type { IPaymentModuleService, UpdatePaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { ledger, settleOpenPayments } from "../helpers/built-plugin"
import { adminRefund, recordEvents, refundsOf, sandboxTickets, settleAll, ticketsOf } from "../helpers/refunds"
import { describeStore } from "../helpers/runner"
import { paidOrderNoticed } from "../helpers/webhook-delivery"
import { controlHeaders, sandboxPost, waitFor, WEBHOOK_PATH } from "../helpers/sandbox"
import { orderWithPayments, paidOrder, type Store } from "../helpers/store"

type AnyRecord = Record<string, any>

/**
 * The ledger's contract (docs/design.md, ledger invariants): a forged notice frees nothing, a refused booking waits
 * instead of repeating, every cancel_history entry is booked once, and only a shop admin confirms a rejection.
 */
describeStore(({ api, getContainer, sandbox, store: seeded }) => {
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>

  const module = () => getContainer().resolve<any>("iamport_paymentwall")
  const pay = (merchantUid: string) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const iamport = async (): Promise<AnyRecord> =>
    (await fetch(`${sandbox().url}/sandbox/payments/${paid.impUid}`, { headers: controlHeaders(sandbox()) })).json()
  const bookedTotal = async () =>
    (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
  const cancels = () => sandbox().context.stats.get("POST /payments/cancel") ?? 0
  const runJob = async () => await settleOpenPayments(getContainer())
  const ticketWhere = (what: string, match: (t: AnyRecord) => boolean) =>
    waitFor(what, async () => (await ticketsOf(getContainer(), paid.paymentId)).find(match))
  /** Every delivery for the payment has been handled (Medusa's hook route processes them 5 s later). */
  const deliveriesHandled = (count: number) =>
    waitFor(
      `${count} deliveries to be handled`,
      async () => {
        const rows: AnyRecord[] = await module().listWebhookEvents({ imp_uid: paid.impUid })
        return rows.length >= count && rows.every((r) => r.processed_at) ? rows : undefined
      },
      30_000
    )
  const forge = (body: AnyRecord) =>
    api.post(WEBHOOK_PATH, body, { headers: { "x-forwarded-for": "52.78.100.19" }, validateStatus: () => true })

  beforeEach(async () => {
    store = seeded()
    // The checkout's own "paid" notice is handled before the test starts (straight to the subscribers, no 5 s wait).
    paid = await paidOrderNoticed(api, store, getContainer(), sandbox(), pay)
    await deliveriesHandled(1)
  })

  it("a forged notice leaves the refund reserved, and a second over-refund is refused before i'mport hears it", async () => {
    const events = recordEvents(getContainer(), ["iamport_paymentwall.cancel_ticket.rejected"])
    expect((await adminRefund(api, store, paid.paymentId, { amount: 3000 })).status).toBe(200)
    const before = await deliveriesHandled(1)

    for (const status of ["x1", "x2", "paid"]) {
      expect((await forge({ imp_uid: paid.impUid, status })).status).toBe(200)
    }
    await deliveriesHandled(before.length + 3)
    const ticket = await ticketWhere("the ticket to be suspected", (t) => !!t.rejection_suspected_at)
    expect(ticket).toMatchObject({ status: "waiting_for_cancellation", refund_id: null, needs_attention: true })
    expect(events).toEqual([])

    const sent = cancels()
    const over = await adminRefund(api, store, paid.paymentId, { amount: 13000 })
    expect(over.status).toBe(400)
    expect(over.data.message).toContain("waiting for Paymentwall 3000")
    expect(cancels()).toBe(sent)
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)
  })

  it("only a shop admin's confirmation frees a rejected amount, and it records who confirmed", async () => {
    const events = recordEvents(getContainer(), ["iamport_paymentwall.cancel_ticket.rejected"])
    expect((await adminRefund(api, store, paid.paymentId, { amount: 5000 })).status).toBe(200)
    await settleAll(sandbox(), paid.impUid, "rejected")
    const suspected = await ticketWhere("the rejection to be suspected", (t) => !!t.rejection_suspected_at)
    expect(suspected.status).toBe("waiting_for_cancellation")

    const confirmed = await api.post(
      `/admin/iamport-paymentwall/tickets/${suspected.id}/confirm-rejection`,
      {},
      store.admin
    )
    expect(confirmed.data.cancel_ticket).toMatchObject({
      status: "rejected",
      decided_by: store.adminUserId,
      refund_id: null,
    })
    expect(confirmed.data.cancel_ticket.decided_at).toBeTruthy()
    expect(events).toEqual([expect.objectContaining({ data: expect.objectContaining({ id: suspected.id }) })])
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    // The amount is refundable again, all of it.
    expect((await adminRefund(api, store, paid.paymentId, { amount: 13000 })).status).toBe(200)
  })

  it("keep waiting clears the suspicion and keeps the amount reserved", async () => {
    expect((await adminRefund(api, store, paid.paymentId, { amount: 4000 })).status).toBe(200)
    await forge({ imp_uid: paid.impUid, status: "paid" })
    const suspected = await ticketWhere("the ticket to be suspected", (t) => !!t.rejection_suspected_at)
    const kept = await api.post(`/admin/iamport-paymentwall/tickets/${suspected.id}/keep-waiting`, {}, store.admin)
    expect(kept.data.cancel_ticket).toMatchObject({
      status: "waiting_for_cancellation",
      rejection_suspected_at: null,
      decided_by: store.adminUserId,
    })
    expect((await adminRefund(api, store, paid.paymentId, { amount: 13000 })).status).toBe(400)
    // Paymentwall approves after all: booked once.
    await settleAll(sandbox(), paid.impUid, "approved")
    await ticketWhere("the ticket to complete", (t) => t.status === "completed")
    expect(await bookedTotal()).toBe(4000)
  })

  it("a confirmation is refused when i'mport shows the cancellation returned, and it is booked instead", async () => {
    expect((await adminRefund(api, store, paid.paymentId, { amount: 2500 })).status).toBe(200)
    sandbox().context.webhooks.configure({ url: null })
    await settleAll(sandbox(), paid.impUid, "approved")
    const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
    const res = await api.post(
      `/admin/iamport-paymentwall/tickets/${ticket.id}/confirm-rejection`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(res.status).toBe(400)
    expect(res.data.message).toContain("not rejected")
    expect((await ticketsOf(getContainer(), paid.paymentId))[0]).toMatchObject({ status: "completed" })
    expect(await bookedTotal()).toBe(2500)
  })

  it("a refused confirmation keeps what its settlement found: another ticket's flag stands, and its event is emitted", async () => {
    expect((await adminRefund(api, store, paid.paymentId, { amount: 2500 })).status).toBe(200)
    expect((await adminRefund(api, store, paid.paymentId, { amount: 10000 })).status).toBe(200)
    sandbox().context.webhooks.configure({ url: null })
    // The small ticket is approved, and a chargeback leaves too little for the big one: neither notice arrives.
    const approved = (await sandboxTickets(sandbox(), paid.impUid)).find((t) => t.amount === 2500)!
    await sandboxPost(sandbox(), `/sandbox/tickets/${approved.id}/settle`, { result: "approved" })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 1000,
      reason: "Chargeback",
    })
    const events = recordEvents(getContainer(), ["iamport_paymentwall.cancel_ticket.needs_attention"])
    const [small, big] = await ticketsOf(getContainer(), paid.paymentId)
    const res = await api.post(
      `/admin/iamport-paymentwall/tickets/${small.id}/confirm-rejection`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(res.status).toBe(400)
    expect(res.data.message).toContain("not rejected")
    // What the settlement before the decision did stands: both bookings, the flag, and the flag's event.
    expect(await bookedTotal()).toBe(3500)
    expect((await ticketsOf(getContainer(), paid.paymentId)).find((t) => t.id === big.id)).toMatchObject({
      status: "waiting_for_cancellation",
      needs_attention: true,
    })
    await waitFor("the flag's event", async () => events.find((e) => e.data.id === big.id))
  })

  it("a late approval after a confirmed rejection of an order cancel is booked", async () => {
    expect((await api.post(`/admin/orders/${paid.orderId}/cancel`, {}, store.admin)).status).toBe(200)
    const waiting = await ticketWhere(
      "the order-cancel ticket",
      (t) => t.origin === "order_cancel" && t.status === "waiting_for_cancellation"
    )
    await settleAll(sandbox(), paid.impUid, "rejected")
    await ticketWhere("the rejection to be suspected", (t) => !!t.rejection_suspected_at)
    expect(await bookedTotal()).toBe(13000)
    await api.post(`/admin/iamport-paymentwall/tickets/${waiting.id}/confirm-rejection`, {}, store.admin)
    expect(await bookedTotal()).toBe(0)

    // Paymentwall changes its mind: the cancellation shows up in i'mport's history after all.
    // i'mport keeps the reason the cancel was asked with (see planSettlement).
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 13000,
      reason: waiting.reason,
    })
    const ticket = await ticketWhere(
      "the rejected ticket to be booked",
      (t) => t.id === waiting.id && t.status === "completed"
    )
    expect(ticket.refund_id).toBeTruthy()
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(1)
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
    expect(await ticketsOf(getContainer(), paid.paymentId)).toHaveLength(1)
  })

  it("an open order edit makes the booking wait, not repeat, and it is booked once the edit is closed", async () => {
    expect((await api.post("/admin/order-edits", { order_id: paid.orderId }, store.admin)).status).toBe(200)
    sandbox().context.webhooks.configure({ copies: 3 })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 1500,
      reason: "Customer called",
    })
    const returned = await ticketWhere("the cancellation to be returned, not booked", (t) => t.status === "returned")
    expect(returned.error).toContain("active order change")
    await deliveriesHandled(4)
    await runJob()
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    const [row] = await module().listCancellations({ imp_uid: paid.impUid })
    expect(row).toMatchObject({ status: "blocked", refund_id: null })
    // The guard holds the returned money too: no second request for it.
    expect((await adminRefund(api, store, paid.paymentId, { amount: 13000 })).status).toBe(400)

    expect((await api.delete(`/admin/order-edits/${paid.orderId}`, store.admin)).status).toBe(200)
    await runJob()
    await runJob()
    const refunds = await refundsOf(getContainer(), paid.paymentId)
    expect(refunds.map((r) => Number(r.amount))).toEqual([1500])
    expect((await ticketsOf(getContainer(), paid.paymentId))[0]).toMatchObject({
      id: returned.id,
      status: "completed",
      refund_id: refunds[0].id,
    })
    expect((await orderWithPayments(api, store, paid.orderId)).payment_status).toBe("partially_refunded")
  })

  it("a returned ticket that Medusa can never book is closed by a person, on the record, and nothing books or frees it after", async () => {
    expect((await api.post("/admin/order-edits", { order_id: paid.orderId }, store.admin)).status).toBe(200)
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 1500,
      reason: "Customer called",
    })
    const returned = await ticketWhere("the cancellation to be returned, not booked", (t) => t.status === "returned")
    const close = (id: string, body: AnyRecord) =>
      api.post(`/admin/iamport-paymentwall/tickets/${id}/close`, body, { ...store.admin, validateStatus: () => true })

    // Closing needs a reason, and only a returned ticket closes.
    const silent = await close(returned.id, {})
    expect(silent.status).toBe(400)
    expect(silent.data.message).toContain("Say why")

    // Closing tries the booking once more first: with the edit gone, the cancellation is booked instead.
    expect((await api.delete(`/admin/order-edits/${paid.orderId}`, store.admin)).status).toBe(200)
    const booked = await close(returned.id, { note: "The order can take no refund" })
    expect(booked.status).toBe(400)
    expect(booked.data.message).toContain("is completed")
    expect(await bookedTotal()).toBe(1500)

    expect((await adminRefund(api, store, paid.paymentId, { amount: 2000 })).status).toBe(200)
    const waiting = await ticketWhere("the admin's ticket", (t) => t.origin === "admin")
    const wrong = await close(waiting.id, { note: "wrong ticket" })
    expect(wrong.status).toBe(400)
    expect(wrong.data.message).toContain("Only a returned ticket")

    // A second cancellation that Medusa refuses for good.
    expect((await api.post("/admin/order-edits", { order_id: paid.orderId }, store.admin)).status).toBe(200)
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 1000,
      reason: "Chargeback",
    })
    const stuck = await ticketWhere("the chargeback to be returned", (t) => t.status === "returned")
    const closed = await close(stuck.id, { note: "  Booked by hand in the accounting system  " })
    expect(closed.status).toBe(200)
    expect(closed.data.cancel_ticket).toMatchObject({
      status: "closed",
      decided_by: store.adminUserId,
      needs_attention: false,
      metadata: expect.objectContaining({ close_reason: "Booked by hand in the accounting system" }),
    })
    expect(closed.data.cancel_ticket.decided_at).toBeTruthy()
    const row = (await module().listCancellations({ imp_uid: paid.impUid })).find(
      (r: AnyRecord) => r.ticket_id === stuck.id
    )
    expect(row).toMatchObject({
      status: "closed",
      refund_id: null,
      closed_by: store.adminUserId,
      closed_reason: "Booked by hand in the accounting system",
    })
    expect(row.closed_at).toBeTruthy()
    expect((await close(stuck.id, { note: "again" })).status).toBe(400)

    // The obstacle clears: nothing books the closed cancellation, and closing freed nothing.
    expect((await api.delete(`/admin/order-edits/${paid.orderId}`, store.admin)).status).toBe(200)
    await runJob()
    await runJob()
    expect(await bookedTotal()).toBe(1500)
    expect((await ticketsOf(getContainer(), paid.paymentId)).find((t) => t.id === stuck.id)).toMatchObject({
      status: "closed",
      refund_id: null,
    })
    // i'mport shows 13000 − 1500 − 1000 left, of which 2000 waits at Paymentwall: Medusa's own figures leave the
    // closed 1000 out too, so a refund of "the rest" asks for exactly what i'mport holds.
    const sent = cancels()
    const over = await adminRefund(api, store, paid.paymentId, { amount: 8501 })
    expect(over.status).toBe(400)
    expect(over.data.message).toContain("returned and closed by hand 1000")
    expect(cancels()).toBe(sent)
    // The order can no longer be cancelled in Medusa (it would ask i'mport for the closed money again): said at once.
    const cancel = await api.post(
      `/admin/orders/${paid.orderId}/cancel`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(cancel.status).toBe(400)
    expect(cancel.data.message).toContain("closed by hand")
    expect(cancels()).toBe(sent)
    expect((await adminRefund(api, store, paid.paymentId, {})).status).toBe(200)
    expect((await sandboxTickets(sandbox(), paid.impUid)).map((t) => t.amount).sort()).toEqual([2000, 8500])
  })

  it("a close that died between its ledger write and its ticket write is finished by the next settlement", async () => {
    expect((await api.post("/admin/order-edits", { order_id: paid.orderId }, store.admin)).status).toBe(200)
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 1500,
      reason: "Chargeback",
    })
    const stuck = await ticketWhere("the cancellation to be returned", (t) => t.status === "returned")
    const [row] = await module().listCancellations({ imp_uid: paid.impUid })
    // The close's first write, as it would have made it, then the process died.
    await module().updateCancellations({
      id: row.id,
      status: "closed",
      refund_id: null,
      closed_by: store.adminUserId,
      closed_at: new Date(),
      closed_reason: "Written off",
    })
    expect((await api.delete(`/admin/order-edits/${paid.orderId}`, store.admin)).status).toBe(200)
    await runJob()
    const ticket = (await ticketsOf(getContainer(), paid.paymentId)).find((t) => t.id === stuck.id)
    expect(ticket).toMatchObject({
      status: "closed",
      refund_id: null,
      decided_by: store.adminUserId,
      needs_attention: false,
      metadata: expect.objectContaining({ close_reason: "Written off" }),
    })
    expect(await bookedTotal()).toBe(0)
  })

  it("a console refund seen before an admin refund of the same amount never settles the admin's ticket", async () => {
    // The console's notice is late; the admin refunds the same amount meanwhile, then cancels the order.
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, { amount: 6500 })
    expect((await adminRefund(api, store, paid.paymentId, { amount: 6500 })).status).toBe(200)
    const refused = await api.post(
      `/admin/orders/${paid.orderId}/cancel`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(refused.status).toBe(400)
    expect(refused.data.message).toContain("Paymentwall is still settling a refund of 6500")
    // The console's cancellation is booked as external; the admin's ticket still waits at Paymentwall.
    const tickets = await ticketsOf(getContainer(), paid.paymentId)
    expect(tickets.map((t) => [t.origin, t.status]).sort()).toEqual([
      ["admin", "waiting_for_cancellation"],
      ["external", "completed"],
    ])
    // Sent from the payment's snapshot, taken before the console refund: refused on its stale checksum, read again,
    // sent once more. Paymentwall holds one ticket.
    expect(cancels()).toBe(2)
    expect((await sandboxTickets(sandbox(), paid.impUid)).map((t) => t.amount)).toEqual([6500])
    // Paymentwall approves it: booked to the admin's ticket, and the payment is refunded whole, once.
    await settleAll(sandbox(), paid.impUid, "approved")
    await runJob()
    expect((await ticketsOf(getContainer(), paid.paymentId)).map((t) => t.status)).toEqual(["completed", "completed"])
    expect(await bookedTotal()).toBe(13000)
  })

  it("a console refund of the same amount made while an admin refund waits is not taken for Paymentwall's answer", async () => {
    expect((await adminRefund(api, store, paid.paymentId, { amount: 6500, note: "Damaged box" })).status).toBe(200)
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 6500,
      reason: "Customer called",
    })
    // It may also be Paymentwall's approval written with i'mport's own reason: a person says which, at once.
    const flagged = await ticketWhere(
      "the admin's ticket to be flagged",
      (t) => t.origin === "admin" && !!t.metadata?.approval_candidate
    )
    expect(flagged).toMatchObject({ status: "waiting_for_cancellation", refund_id: null, needs_attention: true })
    // Nothing is left to refund while the admin's ticket waits, so no second request reaches Paymentwall.
    expect((await adminRefund(api, store, paid.paymentId, { amount: 4000 })).status).toBe(400)
    expect(cancels()).toBe(1)
    // "Keep waiting": the console's refund is booked as external, and the admin's ticket still holds its amount.
    expect(
      (await api.post(`/admin/iamport-paymentwall/tickets/${flagged.id}/keep-waiting`, {}, store.admin)).status
    ).toBe(200)
    await ticketWhere(
      "the console refund to be booked as external",
      (t) => t.origin === "external" && t.status === "completed"
    )
    expect((await ticketsOf(getContainer(), paid.paymentId)).find((t) => t.origin === "admin")).toMatchObject({
      status: "waiting_for_cancellation",
      refund_id: null,
    })
    expect((await adminRefund(api, store, paid.paymentId, { amount: 4000 })).status).toBe(400)
    expect(cancels()).toBe(1)
  })

  it("an order cancel with an open order edit is refused before i'mport hears of it", async () => {
    expect((await api.post("/admin/order-edits", { order_id: paid.orderId }, store.admin)).status).toBe(200)
    const refused = await api.post(
      `/admin/orders/${paid.orderId}/cancel`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(refused.status).toBe(400)
    expect(refused.data.message).toContain("active order change")
    expect(cancels()).toBe(0)
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, store, paid.orderId)).status).not.toBe("canceled")

    expect((await api.delete(`/admin/order-edits/${paid.orderId}`, store.admin)).status).toBe(200)
    expect((await api.post(`/admin/orders/${paid.orderId}/cancel`, {}, store.admin)).status).toBe(200)
    expect(cancels()).toBe(1)
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([13000])
  })

  it("money returned in i'mport's console while a request went unanswered flags that request and frees nothing", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    expect((await adminRefund(api, store, paid.paymentId, { amount: 5000 })).status).toBe(500)
    const unanswered = await ticketWhere("the unanswered request", (t) => t.status === "requested")
    expect(unanswered.error).not.toContain("i'mport shows only")
    // i'mport never got it, so its console lets the merchant refund more than the request leaves.
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, { amount: 10000 })
    const flagged = await ticketWhere(
      "the request to be flagged",
      (t) => t.id === unanswered.id && /shows only/.test(t.error ?? "")
    )
    expect(flagged).toMatchObject({ status: "requested", needs_attention: true, amount: 5000 })
    expect(flagged.error).toContain("i'mport shows only 3000 KRW left to return")
    expect(flagged.error).toContain("may have been accepted")
    expect(await bookedTotal()).toBe(10000)

    // Its amount stays reserved: nothing is refundable, and i'mport hears nothing more.
    const sent = cancels()
    const more = await adminRefund(api, store, paid.paymentId, { amount: 1000 })
    expect(more.status).toBe(400)
    const retry = await api.post(
      `/admin/iamport-paymentwall/tickets/${unanswered.id}/retry`,
      {},
      { ...store.admin, validateStatus: () => true }
    )
    expect(retry.status).toBe(400)
    expect(retry.data.message).toContain("Cannot retry")
    expect(cancels()).toBe(sent)

    // A person who checked i'mport's console dismisses it; the rest is refundable again, once.
    const dismissed = await api.post(`/admin/iamport-paymentwall/tickets/${unanswered.id}/dismiss`, {}, store.admin)
    expect(dismissed.data.cancel_ticket.status).toBe("failed")
    expect((await adminRefund(api, store, paid.paymentId, { amount: 3000 })).status).toBe(200)
    expect((await sandboxTickets(sandbox(), paid.impUid)).map((t) => t.amount)).toEqual([3000])
  })

  it("entries without cancellation_id are booked once each", async () => {
    for (const amount of [1000, 1000]) {
      await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
        amount,
        omit_cancellation_id: true,
      })
    }
    expect((await iamport()).cancel_history.every((e: AnyRecord) => !e.cancellation_id)).toBe(true)
    await deliveriesHandled(3)
    await runJob()
    await runJob()
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([1000, 1000])
    const rows: AnyRecord[] = await module().listCancellations({ imp_uid: paid.impUid })
    expect(rows.map((r) => r.status)).toEqual(["booked", "booked"])
    expect(rows.every((r) => r.key.startsWith("noid:"))).toBe(true)
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })

  it("a refund made in i'mport's console whose webhook was lost is booked by the job's sweep, once", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, { amount: 3500 })
    expect(await ticketsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect(await runJob()).toMatchObject({ checked: 1, booked: 1, iamport_calls: 1 })
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([3500])
    // Swept again with nothing new: no settlement, no second booking.
    expect(await runJob()).toMatchObject({ checked: 0, booked: 0, iamport_calls: 1 })
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })

  it("one cancellation seen first without, then with its cancellation_id is booked once", async () => {
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 1200,
      omit_cancellation_id: true,
    })
    await ticketWhere("the cancellation to be booked", (t) => t.status === "completed")
    // A later answer carries the id it left out before.
    sandbox().context.state.payments.get(paid.impUid)!.cancel_history[0].cancellation_id = "cxl_seen_late"
    await runJob()
    await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, store.admin)
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([1200])
    expect(await module().listCancellations({ imp_uid: paid.impUid })).toHaveLength(1)
    expect((await ticketsOf(getContainer(), paid.paymentId)).map((t) => t.status)).toEqual(["completed"])
  })

  it("dismissing an order cancel that never reached i'mport reverses the refund Medusa booked for it", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    expect((await api.post(`/admin/orders/${paid.orderId}/cancel`, {}, store.admin)).status).toBe(200)
    const ticket = await ticketWhere(
      "the unanswered order-cancel ticket",
      (t) => t.origin === "order_cancel" && t.status === "requested"
    )
    expect(await bookedTotal()).toBe(13000)
    expect(cancels()).toBe(1)
    const dismissed = await api.post(`/admin/iamport-paymentwall/tickets/${ticket.id}/dismiss`, {}, store.admin)
    expect(dismissed.data.cancel_ticket).toMatchObject({ status: "failed", refund_id: null })
    expect(dismissed.data.cancel_ticket.error).toContain("refund was reversed")
    expect(await bookedTotal()).toBe(0)
    expect((await iamport()).cancel_amount).toBe(0)
  })

  it("a cancellation of another attempt with the same merchant_uid is never booked on the captured payment", async () => {
    // An attempt held for fraud review before the buyer paid again, approved late and refunded in the console.
    let other = ""
    const twice = await paidOrder(api, store, async (merchantUid) => {
      other = (
        await sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", {
          merchant_uid: merchantUid,
          outcome: "fraud_review",
        })
      ).imp_uid
      return pay(merchantUid)
    })
    const merchantUid = sandbox().context.state.payments.get(other)!.merchant_uid
    await sandboxPost(sandbox(), `/sandbox/payments/${other}/approve`)
    await sandboxPost(sandbox(), `/sandbox/payments/${other}/console-cancel`, {})
    expect((await adminRefund(api, store, twice.paymentId, { amount: 1000 })).status).toBe(200)
    await forge({ imp_uid: other, merchant_uid: merchantUid, status: "cancelled" })
    await runJob()
    expect(await refundsOf(getContainer(), twice.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, store, twice.orderId)).payment_status).toBe("captured")
  })

  it("an order cancel first books what i'mport already returned, so it asks Paymentwall for exactly the rest", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, { amount: 1000 })
    expect((await api.post(`/admin/orders/${paid.orderId}/cancel`, {}, store.admin)).status).toBe(200)
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount)).sort()).toEqual([1000, 12000])
    expect((await sandboxTickets(sandbox(), paid.impUid)).map((t) => t.amount)).toEqual([12000])
  })

  it("a refund never asks Paymentwall for money i'mport already returned but Medusa has not booked yet", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, { amount: 1000 })
    expect((await adminRefund(api, store, paid.paymentId, { amount: 6500 })).status).toBe(200)
    // i'mport's answer to that refund showed the console's 1000: booked in the same request.
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([1000])
    const second = await adminRefund(api, store, paid.paymentId, { amount: 6500 })
    expect(second.status).toBe(400)
    expect(second.data.message).toContain("refunded 1000, waiting for Paymentwall 6500, leaves 5500")
    expect((await sandboxTickets(sandbox(), paid.impUid)).map((t) => t.amount)).toEqual([6500])
  })

  /**
   * What a process leaves when it dies in the middle of booking a console refund of `amount`: its ticket bound to
   * the cancellation, and a claimed ledger row (`claim` sets its owner, claim time and heartbeat).
   */
  const diedBooking = async (
    amount: number,
    claim: { owner?: string; claimed_at: Date; heartbeat_seconds_ago?: number }
  ) => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, { amount })
    const entry = (await iamport()).cancel_history[0]
    const ticket = await module().createCancelTickets({
      payment_id: paid.paymentId,
      provider_id: "pp_iamport-paymentwall_paymentwall",
      order_id: paid.orderId,
      imp_uid: paid.impUid,
      merchant_uid: (await iamport()).merchant_uid,
      amount,
      currency_code: "krw",
      origin: "external",
      status: "waiting_for_cancellation",
      cancellation_id: entry.cancellation_id,
      requested_at: new Date(),
      waiting_since: new Date(),
    })
    const row = await module().createCancellations({
      imp_uid: paid.impUid,
      payment_id: paid.paymentId,
      key: entry.cancellation_id,
      cancellation_id: entry.cancellation_id,
      position: 0,
      amount,
      currency_code: "krw",
      ticket_id: ticket.id,
      status: "claimed",
      claim_owner: claim.owner ?? null,
      attempts: 1,
      claimed_at: claim.claimed_at,
    })
    if (claim.heartbeat_seconds_ago !== undefined) {
      await beatSecondsAgo(row.id, claim.heartbeat_seconds_ago)
    }
    return { entry, ticket, row }
  }
  const sql = (statement: string, bindings: unknown[]) =>
    getContainer()
      .resolve<{ raw(sql: string, bindings: unknown[]): Promise<unknown> }>(ContainerRegistrationKeys.PG_CONNECTION)
      .raw(statement, bindings)
  /** The claim's heartbeat as its booking last wrote it, on the database's clock as the plugin writes it. */
  const beatSecondsAgo = (rowId: string, seconds: number) =>
    sql("update iamport_pw_cancellation set heartbeat_at = now() - make_interval(secs => ?) where id = ?", [
      seconds,
      rowId,
    ])

  it("a booking that died after Medusa's Refund is finished on the next run, without a second Refund", async () => {
    // Claimed longer ago than a lock lives, before claims had heartbeats; and a Refund the provider recorded.
    const { entry, ticket } = await diedBooking(2000, { claimed_at: new Date(Date.now() - 3_600_000) })
    const payments = getContainer().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const [payment] = await payments.listPayments({ id: paid.paymentId }, { select: ["id", "data"] })
    const marker = {
      cancellation_id: entry.cancellation_id,
      amount: 2000,
      reason: null,
      set_at: new Date().toISOString(),
    }
    await payments.updatePayment({
      id: paid.paymentId,
      data: { ...payment.data, iamport_record_only: marker },
    } as unknown as UpdatePaymentDTO)
    await payments.refundPayment({ payment_id: paid.paymentId, amount: 2000 })

    await runJob()
    await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, store.admin)
    const refunds = await refundsOf(getContainer(), paid.paymentId)
    expect(refunds).toHaveLength(1)
    const [row] = await module().listCancellations({ imp_uid: paid.impUid })
    expect(row).toMatchObject({ status: "booked", refund_id: refunds[0].id, ticket_id: ticket.id })
    expect(await ticketsOf(getContainer(), paid.paymentId)).toEqual([
      expect.objectContaining({ id: ticket.id, status: "completed", refund_id: refunds[0].id }),
    ])
    expect(cancels()).toBe(0)
  })

  it("a stale record-only marker is cleared by the next settlement, so a later order cancel reaches i'mport", async () => {
    const payments = getContainer().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const [payment] = await payments.listPayments({ id: paid.paymentId }, { select: ["id", "data"] })
    // Left by a booking that died an hour ago (a younger one may belong to a booking still running elsewhere).
    const marker = {
      cancellation_id: "left-behind",
      amount: 13000,
      reason: null,
      set_at: new Date(Date.now() - 3_600_000).toISOString(),
    }
    await payments.updatePayment({
      id: paid.paymentId,
      data: { ...payment.data, iamport_record_only: marker },
    } as unknown as UpdatePaymentDTO)
    await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, store.admin)
    const [after] = await payments.listPayments({ id: paid.paymentId }, { select: ["id", "data"] })
    expect(after.data?.iamport_record_only).toBeNull()
    expect((await api.post(`/admin/orders/${paid.orderId}/cancel`, {}, store.admin)).status).toBe(200)
    expect(cancels()).toBe(1)
    expect(await sandboxTickets(sandbox(), paid.impUid)).toHaveLength(1)
  })

  it("a claim is taken over as soon as its booking's heartbeat stops, never while it beats, and only after a lock's lifetime once it reached Medusa", async () => {
    // Claimed an hour ago, but its booking still beats: it is alive (a slow Medusa), and nothing takes it over.
    const { row, ticket } = await diedBooking(2000, {
      owner: "booking-a",
      claimed_at: new Date(Date.now() - 3_600_000),
      heartbeat_seconds_ago: 0,
    })
    await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, store.admin)
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect((await module().listCancellations({ id: row.id }))[0]).toMatchObject({
      status: "claimed",
      claim_owner: "booking-a",
    })

    // It had entered Medusa's refund workflow, which nothing can stop half-way, and went silent a minute ago: it may be
    // a frozen process that finishes there when it wakes, so it stays alone for a lock's whole lifetime.
    await sql("update iamport_pw_cancellation set booking_at = now() - interval '61 seconds' where id = ?", [row.id])
    await beatSecondsAgo(row.id, 61)
    await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, store.admin)
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)

    // A claim that had not reached Medusa, silent for a minute: its process is gone, and it is taken over at once.
    await sql("update iamport_pw_cancellation set booking_at = null where id = ?", [row.id])
    await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, store.admin)
    const refunds = await refundsOf(getContainer(), paid.paymentId)
    expect(refunds.map((r) => Number(r.amount))).toEqual([2000])
    const [after] = await module().listCancellations({ id: row.id })
    expect(after).toMatchObject({ status: "booked", refund_id: refunds[0].id, attempts: 2 })
    expect(after.claim_owner).not.toBe("booking-a")
    expect(await ticketsOf(getContainer(), paid.paymentId)).toEqual([
      expect.objectContaining({ id: ticket.id, status: "completed" }),
    ])
    expect(cancels()).toBe(0)
  })

  it("a claim is a compare-and-set: of two settlements that take a blocked row at once, one gets it, and a booking that lost its claim writes nothing", async () => {
    const { row, ticket, entry } = await diedBooking(2000, {
      owner: "booking-a",
      claimed_at: new Date(),
      heartbeat_seconds_ago: 0,
    })
    await sql(
      "update iamport_pw_cancellation set status = 'blocked', blocked_reason = 'an open order edit' where id = ?",
      [row.id]
    )
    const keyed = {
      key: entry.cancellation_id,
      alias: null,
      names: [entry.cancellation_id],
      cancellation_id: entry.cancellation_id,
      position: 0,
      amount: 2000,
      cancelled_at: null,
    }
    const state = { id: paid.paymentId, currency_code: "krw" } as never
    const claim = (owner: string) =>
      ledger().claimCancellation(getContainer(), state, paid.impUid, ticket.id, keyed as never, {
        owner,
        leaseSeconds: 300,
      })
    const results = await Promise.all([claim("booking-b"), claim("booking-c")])
    expect(results.filter((r) => !r.in_flight)).toHaveLength(1)
    const [claimed] = await module().listCancellations({ id: row.id })
    const winner = claimed.claim_owner
    expect(["booking-b", "booking-c"]).toContain(winner)
    expect(claimed).toMatchObject({ status: "claimed", attempts: 2 })
    expect(claimed.heartbeat_at).toBeTruthy()

    // The old owner, and the loser, can neither book nor block the row now.
    for (const owner of ["booking-a", winner === "booking-b" ? "booking-c" : "booking-b"]) {
      await expect(ledger().markBooked(getContainer(), claimed, "refund_x", owner)).rejects.toThrow("taken over")
      await expect(ledger().markBlocked(getContainer(), claimed, "late", owner)).rejects.toThrow("taken over")
    }
    expect((await module().listCancellations({ id: row.id }))[0]).toMatchObject({
      status: "claimed",
      refund_id: null,
      claim_owner: winner,
    })
    await ledger().markBlocked(getContainer(), claimed, "still an open order edit", winner)
    expect((await module().listCancellations({ id: row.id }))[0]).toMatchObject({
      status: "blocked",
      blocked_reason: "still an open order edit",
    })
  })
})
