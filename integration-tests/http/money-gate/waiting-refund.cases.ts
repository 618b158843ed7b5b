/** A store's own refund and cancel workflows, and the admin, while an admin's refund waits at Paymentwall. */
import { cancelOrderWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { adminRefund, refundsOf, sandboxTickets, settleAll, ticketsOf } from "../../helpers/refunds"
import { waitFor } from "../../helpers/sandbox"
import { orderWithPayments } from "../../helpers/store"
import type { MoneyGateContext } from "./context"

export function waitingRefundCases(ctx: MoneyGateContext): void {
  const { api, getContainer, sandbox, cancels, bookedTotal, failure } = ctx

  describe("while an admin's refund of 5000 waits at Paymentwall", () => {
    beforeEach(async () => {
      expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 5000 })).status).toBe(200)
    })

    it("a store's own refundPaymentWorkflow beyond what is free is refused before i'mport hears of it", async () => {
      const sent = cancels()
      const message = await failure(() =>
        refundPaymentWorkflow(getContainer()).run({ input: { payment_id: ctx.paid.paymentId, amount: 10000 } })
      )
      expect(message).toContain(
        "i'mport shows 13000 left to refund, of which 5000 waits in Paymentwall cancellation tickets"
      )
      expect(message).toContain("Nothing was sent to i'mport")
      expect(cancels()).toBe(sent)
      expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
      expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(1)
    })

    it("a store's own refundPaymentWorkflow within what is free is sent once and tracked as a ticket", async () => {
      await refundPaymentWorkflow(getContainer()).run({ input: { payment_id: ctx.paid.paymentId, amount: 8000 } })
      expect(cancels()).toBe(2)
      const tickets = await ticketsOf(getContainer(), ctx.paid.paymentId)
      const [refund] = await refundsOf(getContainer(), ctx.paid.paymentId)
      expect(tickets.map((t) => [Number(t.amount), t.status])).toEqual([
        [5000, "waiting_for_cancellation"],
        [8000, "waiting_for_cancellation"],
      ])
      expect(tickets[1]).toMatchObject({ refund_id: refund.id, order_id: ctx.paid.orderId })
      // Nothing is free now: a third request, from anywhere, is refused.
      const sent = cancels()
      expect(
        await failure(() =>
          refundPaymentWorkflow(getContainer()).run({ input: { payment_id: ctx.paid.paymentId, amount: 1 } })
        )
      ).toContain("at most 0 is free")
      expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 1 })).status).toBe(400)
      expect(cancels()).toBe(sent)

      // Paymentwall approves both: each booked once, the store's own Refund not a second time.
      await settleAll(sandbox(), ctx.paid.impUid, "approved")
      await waitFor(
        "both tickets to complete",
        async () =>
          (await ticketsOf(getContainer(), ctx.paid.paymentId)).every((t) => t.status === "completed") || undefined,
        30_000
      )
      expect(await bookedTotal()).toBe(13000)
    })

    it("a store's own cancelOrderWorkflow while a refund waits is refused before i'mport hears of it", async () => {
      const sent = cancels()
      // Medusa's refund step only logs a refused refund; the plugin's hook then refuses the cancel itself.
      const message = await failure(() =>
        cancelOrderWorkflow(getContainer()).run({ input: { order_id: ctx.paid.orderId } })
      )
      expect(message).toContain("The order was not cancelled: Medusa could not refund 13000 KRW")
      expect(cancels()).toBe(sent)
      expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
      const order = await orderWithPayments(api, ctx.store, ctx.paid.orderId)
      expect(order.status).not.toBe("canceled")
      // Medusa's rollback leaves the payment collection cancelled; the plugin sets it back, so the order reads as paid.
      expect(order.payment_status).toBe("captured")
      expect((await sandboxTickets(sandbox(), ctx.paid.impUid)).map((t) => t.amount)).toEqual([5000])
    })

    it("an approval whose notice has not been processed is counted once: a refund that fits is accepted and the approval booked", async () => {
      sandbox().context.webhooks.configure({ url: null })
      await settleAll(sandbox(), ctx.paid.impUid, "approved")
      // i'mport shows 8000 left; the admin's 5000 is in it, and no longer waits.
      const res = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 8000 })
      expect(res.status).toBe(200)
      const tickets = await ticketsOf(getContainer(), ctx.paid.paymentId)
      expect(tickets.map((t) => [Number(t.amount), t.status])).toEqual([
        [5000, "completed"],
        [8000, "waiting_for_cancellation"],
      ])
      expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount))).toEqual([5000])
    })
  })
}
