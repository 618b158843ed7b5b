/** Order cancels, and a refund made through Medusa's payment module directly, which Medusa books at once. */
import { Modules } from "@medusajs/framework/utils"
import { settleOpenPayments } from "../../helpers/built-plugin"
import { adminRefund, refundsOf, sandboxTickets, settleAll, ticketsOf } from "../../helpers/refunds"
import { waitFor } from "../../helpers/sandbox"
import { orderWithPayments } from "../../helpers/store"
import type { RefundsContext } from "./context"

export function orderCancelCases(ctx: RefundsContext): void {
  const { api, getContainer, sandbox, iamport, bookedTotal, waitForTicket } = ctx

  it("an order cancel on a captured Paymentwall payment is tracked, and booked once when Paymentwall confirms", async () => {
    const res = await api.post(`/admin/orders/${ctx.paid.orderId}/cancel`, {}, ctx.store.admin)
    expect(res.status).toBe(200)
    // Medusa books order-cancel refunds at once; the provider saved the cancel as a ticket before i'mport heard of
    // it, and the plugin's order.canceled subscriber names it the order's cancel.
    const ticket = await waitFor("the order-cancel ticket", async () =>
      (await ticketsOf(getContainer(), ctx.paid.paymentId)).find(
        (t) => t.origin === "order_cancel" && t.status === "waiting_for_cancellation"
      )
    )
    expect(ticket).toMatchObject({ origin: "order_cancel", amount: 13000 })
    expect(ticket.refund_id).toBeTruthy()
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toHaveLength(1)

    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await waitForTicket("completed")
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(1)
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })

  it("a refund Medusa books through its payment module directly is tracked by the provider's ticket and settled once", async () => {
    // Custom code (or a core path with no event) calling the module: Medusa books at once, the provider cancels once,
    // having saved the request as a ticket first.
    const payments = getContainer().resolve(Modules.PAYMENT)
    await payments.refundPayment({ payment_id: ctx.paid.paymentId, amount: 2500 })
    expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toEqual([
      expect.objectContaining({ status: "waiting_for_cancellation", amount: 2500, refund_id: expect.any(String) }),
    ])
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toHaveLength(1)

    sandbox().context.webhooks.configure({ url: null })
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    const result = await settleOpenPayments(getContainer())
    expect(result).toMatchObject({ checked: 1, booked: 0, failed: [] })
    const [ticket] = await ticketsOf(getContainer(), ctx.paid.paymentId)
    expect(ticket).toMatchObject({
      origin: "admin",
      status: "completed",
      amount: 2500,
      metadata: { booked_by_medusa_before_settlement: true },
    })
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })

  it("an order cancel waits while Paymentwall settles a refund, so the money is not asked back twice", async () => {
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 3000 })).status).toBe(200)
    const refused = await api.post(
      `/admin/orders/${ctx.paid.orderId}/cancel`,
      {},
      { ...ctx.store.admin, validateStatus: () => true }
    )
    expect(refused.status).toBe(400)
    expect(refused.data.message).toContain("Paymentwall is still settling a refund of 3000 KRW")
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toHaveLength(1)
    expect((await orderWithPayments(api, ctx.store, ctx.paid.orderId)).status).not.toBe("canceled")

    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await waitForTicket("completed")
    expect((await api.post(`/admin/orders/${ctx.paid.orderId}/cancel`, {}, ctx.store.admin)).status).toBe(200)
    // The cancel asks for what is left, once.
    const tickets = await sandboxTickets(sandbox(), ctx.paid.impUid)
    expect(tickets.map((t) => t.amount)).toEqual([3000, 10000])
  })

  it("an order cancel that Paymentwall rejects is reversed once an admin confirms it, and the ticket is flagged", async () => {
    await api.post(`/admin/orders/${ctx.paid.orderId}/cancel`, {}, ctx.store.admin)
    const waiting = await waitForTicket("waiting_for_cancellation")
    expect(await bookedTotal()).toBe(13000)
    await settleAll(sandbox(), ctx.paid.impUid, "rejected")
    await waitFor("the rejection to be suspected", async () =>
      (await ticketsOf(getContainer(), ctx.paid.paymentId))[0]?.rejection_suspected_at ? true : undefined
    )
    // The notice alone changes no money.
    expect(await bookedTotal()).toBe(13000)
    await api.post(`/admin/iamport-paymentwall/tickets/${waiting.id}/confirm-rejection`, {}, ctx.store.admin)
    const ticket = await waitForTicket("rejected")
    expect(ticket.needs_attention).toBe(true)
    expect(ticket.error).toContain("credit line")
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })
}
