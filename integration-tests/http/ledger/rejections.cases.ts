/** Forged notices, suspected rejections a shop admin confirms or keeps waiting, and approvals that come late. */
import { adminRefund, recordEvents, refundsOf, sandboxTickets, settleAll, ticketsOf } from "../../helpers/refunds"
import { sandboxPost, waitFor } from "../../helpers/sandbox"
import type { LedgerContext } from "./context"

export function rejectionCases(ctx: LedgerContext): void {
  const { api, getContainer, sandbox, iamport, bookedTotal, cancels, ticketWhere, deliveriesHandled, forge } = ctx

  it("a forged notice leaves the refund reserved, and a second over-refund is refused before i'mport hears it", async () => {
    const events = recordEvents(getContainer(), ["iamport_paymentwall.cancel_ticket.rejected"])
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 3000 })).status).toBe(200)
    const before = await deliveriesHandled(1)

    for (const status of ["x1", "x2", "paid"]) {
      expect((await forge({ imp_uid: ctx.paid.impUid, status })).status).toBe(200)
    }
    await deliveriesHandled(before.length + 3)
    const ticket = await ticketWhere("the ticket to be suspected", (t) => !!t.rejection_suspected_at)
    expect(ticket).toMatchObject({ status: "waiting_for_cancellation", refund_id: null, needs_attention: true })
    expect(events).toEqual([])

    const sent = cancels()
    const over = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 13000 })
    expect(over.status).toBe(400)
    expect(over.data.message).toContain("waiting for Paymentwall 3000")
    expect(cancels()).toBe(sent)
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toHaveLength(1)
  })

  it("only a shop admin's confirmation frees a rejected amount, and it records who confirmed", async () => {
    const events = recordEvents(getContainer(), ["iamport_paymentwall.cancel_ticket.rejected"])
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 5000 })).status).toBe(200)
    await settleAll(sandbox(), ctx.paid.impUid, "rejected")
    const suspected = await ticketWhere("the rejection to be suspected", (t) => !!t.rejection_suspected_at)
    expect(suspected.status).toBe("waiting_for_cancellation")

    const confirmed = await api.post(
      `/admin/iamport-paymentwall/tickets/${suspected.id}/confirm-rejection`,
      {},
      ctx.store.admin
    )
    expect(confirmed.data.cancel_ticket).toMatchObject({
      status: "rejected",
      decided_by: ctx.store.adminUserId,
      refund_id: null,
    })
    expect(confirmed.data.cancel_ticket.decided_at).toBeTruthy()
    expect(events).toEqual([expect.objectContaining({ data: expect.objectContaining({ id: suspected.id }) })])
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    // The amount is refundable again, all of it.
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 13000 })).status).toBe(200)
  })

  it("keep waiting clears the suspicion and keeps the amount reserved", async () => {
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 4000 })).status).toBe(200)
    await forge({ imp_uid: ctx.paid.impUid, status: "paid" })
    const suspected = await ticketWhere("the ticket to be suspected", (t) => !!t.rejection_suspected_at)
    const kept = await api.post(`/admin/iamport-paymentwall/tickets/${suspected.id}/keep-waiting`, {}, ctx.store.admin)
    expect(kept.data.cancel_ticket).toMatchObject({
      status: "waiting_for_cancellation",
      rejection_suspected_at: null,
      decided_by: ctx.store.adminUserId,
    })
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 13000 })).status).toBe(400)
    // Paymentwall approves after all: booked once.
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await ticketWhere("the ticket to complete", (t) => t.status === "completed")
    expect(await bookedTotal()).toBe(4000)
  })

  it("a confirmation is refused when i'mport shows the cancellation returned, and it is booked instead", async () => {
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 2500 })).status).toBe(200)
    sandbox().context.webhooks.configure({ url: null })
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    const [ticket] = await ticketsOf(getContainer(), ctx.paid.paymentId)
    const res = await api.post(
      `/admin/iamport-paymentwall/tickets/${ticket.id}/confirm-rejection`,
      {},
      { ...ctx.store.admin, validateStatus: () => true }
    )
    expect(res.status).toBe(400)
    expect(res.data.message).toContain("not rejected")
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId))[0]).toMatchObject({ status: "completed" })
    expect(await bookedTotal()).toBe(2500)
  })

  it("a refused confirmation keeps what its settlement found: another ticket's flag stands, and its event is emitted", async () => {
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 2500 })).status).toBe(200)
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 10000 })).status).toBe(200)
    sandbox().context.webhooks.configure({ url: null })
    // The small ticket is approved, and a chargeback leaves too little for the big one: neither notice arrives.
    const approved = (await sandboxTickets(sandbox(), ctx.paid.impUid)).find((t) => t.amount === 2500)!
    await sandboxPost(sandbox(), `/sandbox/tickets/${approved.id}/settle`, { result: "approved" })
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
      amount: 1000,
      reason: "Chargeback",
    })
    const events = recordEvents(getContainer(), ["iamport_paymentwall.cancel_ticket.needs_attention"])
    const [small, big] = await ticketsOf(getContainer(), ctx.paid.paymentId)
    const res = await api.post(
      `/admin/iamport-paymentwall/tickets/${small.id}/confirm-rejection`,
      {},
      { ...ctx.store.admin, validateStatus: () => true }
    )
    expect(res.status).toBe(400)
    expect(res.data.message).toContain("not rejected")
    // What the settlement before the decision did stands: both bookings, the flag, and the flag's event.
    expect(await bookedTotal()).toBe(3500)
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId)).find((t) => t.id === big.id)).toMatchObject({
      status: "waiting_for_cancellation",
      needs_attention: true,
    })
    await waitFor("the flag's event", async () => events.find((e) => e.data.id === big.id))
  })

  it("a late approval after a confirmed rejection of an order cancel is booked", async () => {
    expect((await api.post(`/admin/orders/${ctx.paid.orderId}/cancel`, {}, ctx.store.admin)).status).toBe(200)
    const waiting = await ticketWhere(
      "the order-cancel ticket",
      (t) => t.origin === "order_cancel" && t.status === "waiting_for_cancellation"
    )
    await settleAll(sandbox(), ctx.paid.impUid, "rejected")
    await ticketWhere("the rejection to be suspected", (t) => !!t.rejection_suspected_at)
    expect(await bookedTotal()).toBe(13000)
    await api.post(`/admin/iamport-paymentwall/tickets/${waiting.id}/confirm-rejection`, {}, ctx.store.admin)
    expect(await bookedTotal()).toBe(0)

    // Paymentwall changes its mind: the cancellation shows up in i'mport's history after all.
    // i'mport keeps the reason the cancel was asked with (see planSettlement).
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
      amount: 13000,
      reason: waiting.reason,
    })
    const ticket = await ticketWhere(
      "the rejected ticket to be booked",
      (t) => t.id === waiting.id && t.status === "completed"
    )
    expect(ticket.refund_id).toBeTruthy()
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(1)
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
    expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(1)
  })
}
