/** An admin's refund from request to booking: waiting at Paymentwall, one i'mport call, approved or rejected. */
import {
  adminRefund,
  defaultRefundReasonId,
  recordEvents,
  refundsOf,
  sandboxTickets,
  settleAll,
  ticketsOf,
} from "../../helpers/refunds"
import { sandboxPost, waitFor } from "../../helpers/sandbox"
import { orderWithPayments } from "../../helpers/store"
import type { RefundsContext } from "./context"

export function adminRefundCases(ctx: RefundsContext): void {
  const { api, getContainer, sandbox, iamport, bookedTotal, waitForTicket } = ctx

  it("a partial refund waits for Paymentwall, then is booked exactly once with its reason and note", async () => {
    const reasonId = await defaultRefundReasonId(api, ctx.store)
    const events = recordEvents(getContainer(), ["payment.refunded"])
    const res = await adminRefund(api, ctx.store, ctx.paid.paymentId, {
      amount: 3000,
      note: "Sleeve too short",
      refund_reason_id: reasonId,
    })
    expect(res.status).toBe(200)
    expect(res.data.cancel_ticket).toMatchObject({ status: "waiting_for_cancellation", origin: "admin" })

    // Waiting for cancellation: nothing booked, the order still fully paid, i'mport unchanged.
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, ctx.store, ctx.paid.orderId)).payment_status).toBe("captured")
    expect(await iamport()).toMatchObject({ status: "paid", cancel_amount: 0 })
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toEqual([
      expect.objectContaining({ amount: 3000, status: "open" }),
    ])

    sandbox().context.stats.clear()
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    const ticket = await waitForTicket("completed")
    // One i'mport call for the cancellation notice: the settlement's lookup (Medusa's door looks nothing up for it).
    const calls = [...sandbox().context.stats].filter(([route]) => route !== "POST /users/getToken")
    expect(Object.fromEntries(calls)).toEqual({ "GET /payments/{imp_uid}": 1 })

    const refunds = await refundsOf(getContainer(), ctx.paid.paymentId)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({
      note: "Sleeve too short",
      created_by: ctx.store.adminUserId,
      refund_reason: { id: reasonId },
    })
    expect(Number(refunds[0].amount)).toBe(3000)
    expect(ticket).toMatchObject({
      refund_id: refunds[0].id,
      cancellation_id: (await iamport()).cancel_history[0].cancellation_id,
    })
    const order = await orderWithPayments(api, ctx.store, ctx.paid.orderId)
    expect(order.payment_status).toBe("partially_refunded")
    expect(events.filter((e) => e.name === "payment.refunded")).toEqual([
      { name: "payment.refunded", data: { id: ctx.paid.paymentId } },
    ])
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
    // The record-only marker is gone: a later refund through Medusa's own paths must reach i'mport again.
    expect(order.payment_collections[0].payments[0].data.iamport_record_only).toBeNull()
    // Recorded as the settlement's booking: its context reached the provider through Medusa's refund workflow.
    expect(order.payment_collections[0].payments[0].data.cancel_requests[refunds[0].id]).toMatchObject({
      status: "completed",
      claim_owner: expect.any(String),
    })
    // The widget's polls (live=false) read the snapshot the settlement's look-up refreshed: no stale "paid".
    const view = (await api.get(`/admin/iamport-paymentwall/orders/${ctx.paid.orderId}?live=false`, ctx.store.admin))
      .data
    expect(view.payments[0]).toMatchObject({
      iamport_live: false,
      refunded_amount: 3000,
      iamport: { status: "cancelled", cancel_amount: 3000 },
    })
  })

  it("a refund is one i'mport call, also after a console refund the settlement booked (its look-up refreshed the snapshot)", async () => {
    const count = (route: string) => sandbox().context.stats.get(route) ?? 0
    sandbox().context.stats.clear()
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 1000 })).status).toBe(200)
    expect([count("GET /payments/{imp_uid}"), count("POST /payments/cancel")]).toEqual([0, 1])

    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
      amount: 2000,
      reason: "Customer called",
    })
    await waitFor("the console refund to be booked", async () =>
      (await ticketsOf(getContainer(), ctx.paid.paymentId)).find(
        (t) => t.origin === "external" && t.status === "completed"
      )
    )
    sandbox().context.stats.clear()
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 3000 })).status).toBe(200)
    expect([count("GET /payments/{imp_uid}"), count("POST /payments/cancel")]).toEqual([0, 1])
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toEqual([
      expect.objectContaining({ amount: 1000, status: "open" }),
      expect.objectContaining({ amount: 3000, status: "open" }),
    ])
  })

  it("a full refund (no amount) ends with payment_status refunded", async () => {
    const res = await adminRefund(api, ctx.store, ctx.paid.paymentId, {})
    expect(res.status).toBe(200)
    expect(res.data.cancel_ticket.amount).toBe(13000)
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await waitForTicket("completed")
    expect((await orderWithPayments(api, ctx.store, ctx.paid.orderId)).payment_status).toBe("refunded")
    expect(await bookedTotal()).toBe(13000)
  })

  it("a rejection notice only flags the ticket; the admin's confirmation rejects it and emits the event", async () => {
    const events = recordEvents(getContainer(), ["iamport_paymentwall.cancel_ticket.rejected"])
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 5000 })).status).toBe(200)
    await settleAll(sandbox(), ctx.paid.impUid, "rejected")
    const suspected = await waitFor("the rejection to be suspected", async () => {
      const [ticket] = await ticketsOf(getContainer(), ctx.paid.paymentId)
      return ticket?.rejection_suspected_at ? ticket : undefined
    })
    expect(suspected).toMatchObject({ status: "waiting_for_cancellation", needs_attention: true })
    expect(events).toEqual([])

    await api.post(`/admin/iamport-paymentwall/tickets/${suspected.id}/confirm-rejection`, {}, ctx.store.admin)
    const ticket = await waitForTicket("rejected")
    expect(ticket.refund_id).toBeNull()
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, ctx.store, ctx.paid.orderId)).payment_status).toBe("captured")
    expect(events).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ id: ticket.id, payment_id: ctx.paid.paymentId }) }),
    ])
    // The money is refundable again.
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 13000 })).status).toBe(200)
  })
}
