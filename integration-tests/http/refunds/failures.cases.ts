/** Refunds refused or failed (a race, i'mport's 5xx or refusal, bad amounts), and another provider's left to Medusa. */
import { adminRefund, refundsOf, sandboxTickets, settleAll, ticketsOf } from "../../helpers/refunds"
import { sandboxPost } from "../../helpers/sandbox"
import { completeCart, orderWithPayments, paidOrder, startCheckout } from "../../helpers/store"
import type { RefundsContext } from "./context"

export function failureCases(ctx: RefundsContext): void {
  const { api, getContainer, sandbox, bookedTotal, waitForTicket } = ctx

  it("two concurrent refunds that together exceed the payment: one wins", async () => {
    const [a, b] = await Promise.all([
      adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 10000 }),
      adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 10000 }),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 400])
    const loser = a.status === 400 ? a : b
    expect(loser.data.message).toContain("waiting for Paymentwall 10000")
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toHaveLength(1)
  })

  it("i'mport answering 5xx on the cancel books nothing, and a retry does not cancel twice", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx_after", times: 1, delayMs: 0 })
    const first = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 6000 })
    expect(first.status).toBe(500)
    expect(first.data.message).toContain("may have been accepted")
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId))[0]).toMatchObject({
      status: "requested",
      needs_attention: true,
    })

    const retry = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 6000 })
    expect(retry.status).toBe(400)
    expect(retry.data.message).toContain("got no answer from i'mport")
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toHaveLength(1)

    // i'mport had accepted it after all: Paymentwall settles it, and it is booked once, to that ticket.
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    const ticket = await waitForTicket("completed")
    expect(ticket.needs_attention).toBe(false)
    expect(await bookedTotal()).toBe(6000)
  })

  it("i'mport refusing the cancel fails the ticket with i'mport's message and books nothing", async () => {
    // A second order, paid with a method Paymentwall cannot refund in the buyer's country.
    ctx.paid = await paidOrder(api, ctx.store, (merchantUid) =>
      sandboxPost(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid", refundable: false })
    )
    const res = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 1000 })
    expect(res.status).toBe(400)
    expect(res.data.message).toContain("Refunds are not supported for this payment method")
    const [ticket] = await ticketsOf(getContainer(), ctx.paid.paymentId)
    expect(ticket).toMatchObject({ status: "failed", error: expect.stringContaining("Refunds are not supported") })
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    // A failed ticket holds nothing back: the balance is still there to refund by other means.
    expect((await orderWithPayments(api, ctx.store, ctx.paid.orderId)).payment_status).toBe("captured")
  })

  it("refuses an amount the currency cannot carry, and more than is left", async () => {
    const fraction = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 10.5 })
    expect(fraction.status).toBe(400)
    expect(fraction.data.message).toContain("more decimals than KRW allows")
    const tooMuch = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 13001 })
    expect(tooMuch.status).toBe(400)
    expect(tooMuch.data.message).toContain("leaves 13000")
    expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
  })

  it("another provider's payment still goes through Medusa's own refund", async () => {
    const checkout = await startCheckout(api, ctx.store, 1, "pp_system_default")
    const completed = await completeCart(api, ctx.store, checkout.cartId)
    const order = await orderWithPayments(api, ctx.store, completed.order.id)
    const payment = order.payment_collections[0].payments[0]
    await api.post(`/admin/payments/${payment.id}/capture`, {}, ctx.store.admin)
    const res = await adminRefund(api, ctx.store, payment.id, { amount: 1000, note: "core path" })
    expect(res.status).toBe(200)
    expect(res.data.cancel_ticket).toBeUndefined()
    // Booked at once by Medusa's own handler: no ticket, no i'mport call.
    expect(await refundsOf(getContainer(), payment.id)).toEqual([expect.objectContaining({ note: "core path" })])
    expect(await ticketsOf(getContainer(), payment.id)).toHaveLength(0)
  })
}
