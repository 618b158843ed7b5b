/** Cancellations made outside Medusa and seen late: a pg_tid i'mport fills in later, a chargeback on an old payment. */
import type { IPaymentModuleService, UpdatePaymentDTO } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { settleOpenPayments } from "../../helpers/built-plugin"
import { adminRefund, refundsOf, settleAll, ticketsOf } from "../../helpers/refunds"
import { sandboxPost } from "../../helpers/sandbox"
import type { MoneyGateContext } from "./context"

export function outsideEntryCases(ctx: MoneyGateContext): void {
  const { api, getContainer, sandbox } = ctx

  it("an entry without cancellation_id whose pg_tid i'mport fills in later is booked once, and an approval after it to its ticket", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
      amount: 1000,
      omit_cancellation_id: true,
      pg_tid_later: true,
    })
    await settleOpenPayments(getContainer())
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/fill-in`, {})
    await settleOpenPayments(getContainer())
    await settleOpenPayments(getContainer())
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount))).toEqual([1000])

    expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 2000 })).status).toBe(200)
    await settleAll(sandbox(), ctx.paid.impUid, "approved")
    await settleOpenPayments(getContainer())
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount)).sort()).toEqual([
      1000, 2000,
    ])
    expect((await ticketsOf(getContainer(), ctx.paid.paymentId)).map((t) => [t.origin, t.status]).sort()).toEqual([
      ["admin", "completed"],
      ["external", "completed"],
    ])
  })

  it("a chargeback on a 45-day-old payment whose notice was lost is booked by the job's sweep of older payments", async () => {
    const payments = getContainer().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const old = new Date(Date.now() - 45 * 86_400_000)
    await payments.updatePayment({ id: ctx.paid.paymentId, captured_at: old } as unknown as UpdatePaymentDTO)
    expect((await payments.retrievePayment(ctx.paid.paymentId)).captured_at).toEqual(old)
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
      amount: 13000,
      reason: "Chargeback",
    })
    const run = await settleOpenPayments(getContainer())
    expect(run).toMatchObject({ booked: 1, iamport_calls: 1 })
    expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => Number(r.amount))).toEqual([13000])
  })
}
