/** Cancellation notices: a console refund's, one delivered 20 times, two out of order, one lost. */
import { settleOpenPayments } from "../../helpers/built-plugin"
import { adminRefund, refundsOf, settleAll, ticketsOf } from "../../helpers/refunds"
import { sandboxPost, waitFor } from "../../helpers/sandbox"
import { orderWithPayments } from "../../helpers/store"
import type { RefundsContext } from "./context"

export function noticeCases(ctx: RefundsContext): void {
  const { api, getContainer, sandbox, bookedTotal, waitForTicket } = ctx

  it("a refund made in the i'mport console is booked as external", async () => {
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
      amount: 2000,
      reason: "Customer called",
    })
    const ticket = await waitForTicket("completed")
    expect(ticket).toMatchObject({ origin: "external", reason: "Customer called" })
    const refunds = await refundsOf(getContainer(), ctx.paid.paymentId)
    expect(refunds).toHaveLength(1)
    expect(Number(refunds[0].amount)).toBe(2000)
    expect(refunds[0].note).toContain("Cancelled outside Medusa")
    expect((await orderWithPayments(api, ctx.store, ctx.paid.orderId)).payment_status).toBe("partially_refunded")
  })

  it("the same webhook delivered 20 times at once books one refund", async () => {
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 4000 })).status).toBe(200)
    sandbox().context.webhooks.configure({ copies: 20 })
    sandbox().context.stats.clear()
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await waitForTicket("completed")
    await waitFor(
      "all 20 deliveries to be handled",
      async () => {
        const events = await getContainer()
          .resolve<any>("iamport_paymentwall")
          .listWebhookEvents({ imp_uid: ctx.paid.impUid, status: "cancelled" })
        return events.length === 20 && events.every((e: any) => e.processed_at) ? events : undefined
      },
      60_000
    )
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(1)
    expect(await bookedTotal()).toBe(4000)
    // Queued on the payment's lock, the copies are covered by the first one's lookup.
    expect(sandbox().context.stats.get("GET /payments/{imp_uid}") ?? 0).toBeLessThanOrEqual(2)
  })

  it("out-of-order webhooks for two settled tickets book each once", async () => {
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 1000 })).status).toBe(200)
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 2000 })).status).toBe(200)
    sandbox().context.webhooks.configure({ hold: true })
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await sandboxPost(sandbox(), "/sandbox/webhooks/flush")
    await waitForTicket("completed", 1)
    await waitForTicket("completed", 0)
    const amounts = (await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount)).sort()
    expect(amounts).toEqual([1000, 2000])
  })

  it("a lost webhook is recovered by the reconciliation job, in one batched i'mport call", async () => {
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 3000 })).status).toBe(200)
    sandbox().context.webhooks.configure({ url: null })
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    sandbox().context.stats.clear()
    const result = await settleOpenPayments(getContainer())
    expect(result).toMatchObject({ checked: 1, booked: 1, iamport_calls: 1, failed: [] })
    expect(sandbox().context.stats.get("GET /payments?imp_uid[]")).toBe(1)
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId))[0].status).toBe("completed")
    expect(await bookedTotal()).toBe(3000)
    // Running it again (another instance, the next tick) books nothing more.
    await settleOpenPayments(getContainer())
    expect(await bookedTotal()).toBe(3000)
  })
}
