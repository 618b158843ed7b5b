/** An admin's refund or order cancel meeting a console refund, an open order edit or an unanswered request. */
import { adminRefund, refundsOf, sandboxTickets, settleAll, ticketsOf } from "../../helpers/refunds"
import { sandboxPost } from "../../helpers/sandbox"
import { orderWithPayments } from "../../helpers/store"
import type { LedgerContext } from "./context"

export function adminRequestCases(ctx: LedgerContext): void {
  const { api, getContainer, sandbox, bookedTotal, cancels, runJob, ticketWhere } = ctx

  it("a console refund seen before an admin refund of the same amount never settles the admin's ticket", async () => {
    // The console's notice is late; the admin refunds the same amount meanwhile, then cancels the order.
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, { amount: 6500 })
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 6500 })).status).toBe(200)
    const refused = await api.post(
      `/admin/orders/${ctx.paid.orderId}/cancel`,
      {},
      { ...ctx.store.admin, validateStatus: () => true }
    )
    expect(refused.status).toBe(400)
    expect(refused.data.message).toContain("Paymentwall is still settling a refund of 6500")
    // The console's cancellation is booked as external; the admin's ticket still waits at Paymentwall.
    const tickets = await ticketsOf(getContainer(), ctx.paid.paymentId)
    expect(tickets.map((t) => [t.origin, t.status]).sort()).toEqual([
      ["admin", "waiting_for_cancellation"],
      ["external", "completed"],
    ])
    // Sent from the payment's snapshot, taken before the console refund: refused on its stale checksum, read again,
    // sent once more. Paymentwall holds one ticket.
    expect(cancels()).toBe(2)
    expect((await sandboxTickets(sandbox(), ctx.paid.impUid)).map((t) => t.amount)).toEqual([6500])
    // Paymentwall approves it: booked to the admin's ticket, and the payment is refunded whole, once.
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await runJob()
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId)).map((t) => t.status)).toEqual([
      "completed",
      "completed",
    ])
    expect(await bookedTotal()).toBe(13000)
  })

  /** An admin refund of 6500 waits, then a console refund of the same amount: the admin's ticket is flagged with it. */
  const flaggedBesideConsoleRefund = async () => {
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 6500, note: "Damaged box" })).status).toBe(
      200
    )
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
      amount: 6500,
      reason: "Customer called",
    })
    return ticketWhere(
      "the admin's ticket to be flagged",
      (t) => t.origin === "admin" && !!t.metadata?.approval_candidate
    )
  }

  it("a console refund of the same amount made while an admin refund waits is not taken for Paymentwall's answer", async () => {
    // It may also be Paymentwall's approval written with i'mport's own reason: a person says which, at once.
    const flagged = await flaggedBesideConsoleRefund()
    expect(flagged).toMatchObject({ status: "waiting_for_cancellation", refund_id: null, needs_attention: true })
    // Nothing is left to refund while the admin's ticket waits, so no second request reaches Paymentwall.
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 4000 })).status).toBe(400)
    expect(cancels()).toBe(1)
    // "Keep waiting": the console's refund is booked as external, and the admin's ticket still holds its amount.
    expect(
      (await api.post(`/admin/iamport-paymentwall/tickets/${flagged.id}/keep-waiting`, {}, ctx.store.admin)).status
    ).toBe(200)
    await ticketWhere(
      "the console refund to be booked as external",
      (t) => t.origin === "external" && t.status === "completed"
    )
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId)).find((t) => t.origin === "admin")).toMatchObject({
      status: "waiting_for_cancellation",
      refund_id: null,
    })
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 4000 })).status).toBe(400)
    expect(cancels()).toBe(1)
  })

  it("a flagged ticket that Paymentwall rejects drops its approval candidate once a shop admin confirms the rejection", async () => {
    const flagged = await flaggedBesideConsoleRefund()
    // Paymentwall rejects it; the shop admin, seeing that in Paymentwall's merchant area, confirms the rejection.
    await settleAll(sandbox(), ctx.paid.impUid, "rejected")
    await runJob()
    const [waiting] = (await ticketsOf(getContainer(), ctx.paid.paymentId)).filter((t) => t.id === flagged.id)
    expect(waiting).toMatchObject({ status: "waiting_for_cancellation" })
    expect(waiting.metadata).toHaveProperty("approval_candidate")
    const confirmed = await api.post(
      `/admin/iamport-paymentwall/tickets/${flagged.id}/confirm-rejection`,
      {},
      ctx.store.admin
    )
    expect(confirmed.data.cancel_ticket.status).toBe("rejected")
    expect(confirmed.data.cancel_ticket.metadata).not.toHaveProperty("approval_candidate")
  })

  it("a flagged ticket that Paymentwall then approves completes, and its approval candidate leaves with it", async () => {
    const flagged = await flaggedBesideConsoleRefund()
    // Paymentwall's own approval arrives: the ticket is settled by it, not by a person.
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await runJob()
    const completed = await ticketWhere(
      "the admin's ticket to complete",
      (t) => t.id === flagged.id && t.status === "completed"
    )
    expect(completed.metadata).not.toHaveProperty("approval_candidate")
    expect(await bookedTotal()).toBe(13000)
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId)).map((t) => [t.origin, t.status]).sort()).toEqual([
      ["admin", "completed"],
      ["external", "completed"],
    ])
  })

  it("an order cancel with an open order edit is refused before i'mport hears of it", async () => {
    expect((await api.post("/admin/order-edits", { order_id: ctx.paid.orderId }, ctx.store.admin)).status).toBe(200)
    const refused = await api.post(
      `/admin/orders/${ctx.paid.orderId}/cancel`,
      {},
      { ...ctx.store.admin, validateStatus: () => true }
    )
    expect(refused.status).toBe(400)
    expect(refused.data.message).toContain("active order change")
    expect(cancels()).toBe(0)
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, ctx.store, ctx.paid.orderId)).status).not.toBe("canceled")

    expect((await api.delete(`/admin/order-edits/${ctx.paid.orderId}`, ctx.store.admin)).status).toBe(200)
    expect((await api.post(`/admin/orders/${ctx.paid.orderId}/cancel`, {}, ctx.store.admin)).status).toBe(200)
    expect(cancels()).toBe(1)
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount))).toEqual([13000])
  })

  it("money returned in i'mport's console while a request went unanswered flags that request and frees nothing", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 5000 })).status).toBe(500)
    const unanswered = await ticketWhere("the unanswered request", (t) => t.status === "requested")
    expect(unanswered.error).not.toContain("i'mport shows only")
    // i'mport never got it, so its console lets the merchant refund more than the request leaves.
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, { amount: 10000 })
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
    const more = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 1000 })
    expect(more.status).toBe(400)
    const retry = await api.post(
      `/admin/iamport-paymentwall/tickets/${unanswered.id}/retry`,
      {},
      { ...ctx.store.admin, validateStatus: () => true }
    )
    expect(retry.status).toBe(400)
    expect(retry.data.message).toContain("Cannot retry")
    expect(cancels()).toBe(sent)

    // A person who checked i'mport's console dismisses it; the rest is refundable again, once.
    const dismissed = await api.post(`/admin/iamport-paymentwall/tickets/${unanswered.id}/dismiss`, {}, ctx.store.admin)
    expect(dismissed.data.cancel_ticket.status).toBe("failed")
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 3000 })).status).toBe(200)
    expect((await sandboxTickets(sandbox(), ctx.paid.impUid)).map((t) => t.amount)).toEqual([3000])
  })
}
