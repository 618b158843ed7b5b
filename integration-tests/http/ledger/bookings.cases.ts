/** Each cancel_history entry booked once, however it is seen, and requests that ask only for what is left. */
import { adminRefund, refundsOf, sandboxTickets, ticketsOf } from "../../helpers/refunds"
import { sandboxPost } from "../../helpers/sandbox"
import { orderWithPayments, paidOrder } from "../../helpers/store"
import type { LedgerContext } from "./context"

type AnyRecord = Record<string, any>

export function bookingCases(ctx: LedgerContext): void {
  const {
    api,
    getContainer,
    sandbox,
    module,
    pay,
    iamport,
    bookedTotal,
    cancels,
    runJob,
    ticketWhere,
    deliveriesHandled,
    forge,
  } = ctx

  it("entries without cancellation_id are booked once each", async () => {
    for (const amount of [1000, 1000]) {
      await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
        amount,
        omit_cancellation_id: true,
      })
    }
    expect((await iamport()).cancel_history.every((e: AnyRecord) => !e.cancellation_id)).toBe(true)
    await deliveriesHandled(3)
    await runJob()
    await runJob()
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount))).toEqual([1000, 1000])
    const rows: AnyRecord[] = await module().listCancellations({ imp_uid: ctx.paid.impUid })
    expect(rows.map((r) => r.status)).toEqual(["booked", "booked"])
    expect(rows.every((r) => r.key.startsWith("noid:"))).toBe(true)
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })

  it("a refund made in i'mport's console whose webhook was lost is booked by the job's sweep, once", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, { amount: 3500 })
    expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    expect(await runJob()).toMatchObject({ checked: 1, booked: 1, iamport_calls: 1 })
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount))).toEqual([3500])
    // Swept again with nothing new: no settlement, no second booking.
    expect(await runJob()).toMatchObject({ checked: 0, booked: 0, iamport_calls: 1 })
    expect(await bookedTotal()).toBe((await iamport()).cancel_amount)
  })

  it("one cancellation seen first without, then with its cancellation_id is booked once", async () => {
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
      amount: 1200,
      omit_cancellation_id: true,
    })
    await ticketWhere("the cancellation to be booked", (t) => t.status === "completed")
    // A later answer carries the id it left out before.
    sandbox().context.state.payments.get(ctx.paid.impUid)!.cancel_history[0].cancellation_id = "cxl_seen_late"
    await runJob()
    await api.post(`/admin/iamport-paymentwall/payments/${ctx.paid.paymentId}/settle`, {}, ctx.store.admin)
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount))).toEqual([1200])
    expect(await module().listCancellations({ imp_uid: ctx.paid.impUid })).toHaveLength(1)
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId)).map((t) => t.status)).toEqual(["completed"])
  })

  it("dismissing an order cancel that never reached i'mport reverses the refund Medusa booked for it", async () => {
    sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    expect((await api.post(`/admin/orders/${ctx.paid.orderId}/cancel`, {}, ctx.store.admin)).status).toBe(200)
    const ticket = await ticketWhere(
      "the unanswered order-cancel ticket",
      (t) => t.origin === "order_cancel" && t.status === "requested"
    )
    expect(await bookedTotal()).toBe(13000)
    expect(cancels()).toBe(1)
    const dismissed = await api.post(`/admin/iamport-paymentwall/tickets/${ticket.id}/dismiss`, {}, ctx.store.admin)
    expect(dismissed.data.cancel_ticket).toMatchObject({ status: "failed", refund_id: null })
    expect(dismissed.data.cancel_ticket.error).toContain("refund was reversed")
    expect(await bookedTotal()).toBe(0)
    expect((await iamport()).cancel_amount).toBe(0)
  })

  it("a cancellation of another attempt with the same merchant_uid is never booked on the captured payment", async () => {
    // An attempt held for fraud review before the buyer paid again, approved late and refunded in the console.
    let other = ""
    const twice = await paidOrder(api, ctx.store, async (merchantUid) => {
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
    expect((await adminRefund(api, ctx.store, twice.paymentId, { amount: 1000 })).status).toBe(200)
    await forge({ imp_uid: other, merchant_uid: merchantUid, status: "cancelled" })
    await runJob()
    expect(await refundsOf(getContainer(), twice.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, ctx.store, twice.orderId)).payment_status).toBe("captured")
  })

  it("an order cancel first books what i'mport already returned, so it asks Paymentwall for exactly the rest", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, { amount: 1000 })
    expect((await api.post(`/admin/orders/${ctx.paid.orderId}/cancel`, {}, ctx.store.admin)).status).toBe(200)
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount)).sort()).toEqual([
      1000, 12000,
    ])
    expect((await sandboxTickets(sandbox(), ctx.paid.impUid)).map((t) => t.amount)).toEqual([12000])
  })

  it("a refund never asks Paymentwall for money i'mport already returned but Medusa has not booked yet", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, { amount: 1000 })
    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 6500 })).status).toBe(200)
    // i'mport's answer to that refund showed the console's 1000: booked in the same request.
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount))).toEqual([1000])
    const second = await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 6500 })
    expect(second.status).toBe(400)
    expect(second.data.message).toContain("refunded 1000, waiting for Paymentwall 6500, leaves 5500")
    expect((await sandboxTickets(sandbox(), ctx.paid.impUid)).map((t) => t.amount)).toEqual([6500])
  })
}
