import { cancelOrderWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { adminRefund, refundsOf, sandboxTickets, settleAll, ticketsOf } from "../helpers/refunds"
import { describeStore } from "../helpers/runner"
import { sandboxPost, waitFor } from "../helpers/sandbox"
import { orderWithPayments, paidOrder, type Store } from "../helpers/store"

type AnyRecord = Record<string, any>

/**
 * The provider is the money gate (DESIGN.md, ledger invariants): every way Medusa asks it for money back (a store's
 * own call of core's refund workflows, an order cancel, the admin) decides against what i'mport shows left less
 * what waits in Paymentwall tickets, before i'mport hears of it.
 */
describeStore(({ api, getContainer, sandbox, store: seeded }) => {
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>

  const pay = (merchantUid: string) => sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const cancels = () => sandbox().context.stats.get("POST /payments/cancel") ?? 0
  const bookedTotal = async () => (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
  const failure = async (run: () => Promise<unknown>): Promise<string> => {
    try {
      await run()
    } catch (error) {
      return (error as { message?: string }).message ?? String(error)
    }
    throw new Error("expected the call to be refused")
  }

  beforeEach(async () => {
    store = seeded()
    paid = await paidOrder(api, store, pay)
    await waitFor("the payment webhook to be handled", async () =>
      (await getContainer().resolve<any>("iamport_paymentwall").listWebhookEvents({ imp_uid: paid.impUid })).some((e: AnyRecord) => e.processed_at) || undefined
    )
    // An admin's refund waits at Paymentwall.
    expect((await adminRefund(api, store, paid.paymentId, { amount: 5000 })).status).toBe(200)
  })

  it("a store's own refundPaymentWorkflow beyond what is free is refused before i'mport hears of it", async () => {
    const sent = cancels()
    const message = await failure(() => refundPaymentWorkflow(getContainer()).run({ input: { payment_id: paid.paymentId, amount: 10000 } }))
    expect(message).toContain("i'mport shows 13000 left to refund, of which 5000 waits in Paymentwall cancellation tickets")
    expect(message).toContain("Nothing was sent to i'mport")
    expect(cancels()).toBe(sent)
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect(await ticketsOf(getContainer(), paid.paymentId)).toHaveLength(1)
  })

  it("a store's own refundPaymentWorkflow within what is free is sent once and tracked as a ticket", async () => {
    await refundPaymentWorkflow(getContainer()).run({ input: { payment_id: paid.paymentId, amount: 8000 } })
    expect(cancels()).toBe(2)
    const tickets = await ticketsOf(getContainer(), paid.paymentId)
    const [refund] = await refundsOf(getContainer(), paid.paymentId)
    expect(tickets.map((t) => [Number(t.amount), t.status])).toEqual([[5000, "waiting_for_cancellation"], [8000, "waiting_for_cancellation"]])
    expect(tickets[1]).toMatchObject({ refund_id: refund.id, order_id: paid.orderId })
    // Nothing is free now: a third request, from anywhere, is refused.
    const sent = cancels()
    expect(await failure(() => refundPaymentWorkflow(getContainer()).run({ input: { payment_id: paid.paymentId, amount: 1 } }))).toContain("at most 0 is free")
    expect((await adminRefund(api, store, paid.paymentId, { amount: 1 })).status).toBe(400)
    expect(cancels()).toBe(sent)

    // Paymentwall approves both: each booked once, the store's own Refund not a second time.
    await settleAll(sandbox(), paid.impUid, "approved")
    await waitFor("both tickets to complete", async () =>
      (await ticketsOf(getContainer(), paid.paymentId)).every((t) => t.status === "completed") || undefined, 30_000
    )
    expect(await bookedTotal()).toBe(13000)
  })

  it("a store's own cancelOrderWorkflow while a refund waits is refused before i'mport hears of it", async () => {
    const sent = cancels()
    // Medusa's refund step only logs a refused refund; the plugin's hook then refuses the cancel itself.
    const message = await failure(() => cancelOrderWorkflow(getContainer()).run({ input: { order_id: paid.orderId } }))
    expect(message).toContain("The order was not cancelled: Medusa could not refund 13000 KRW")
    expect(cancels()).toBe(sent)
    expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
    expect((await orderWithPayments(api, store, paid.orderId)).status).not.toBe("canceled")
    expect((await sandboxTickets(sandbox(), paid.impUid)).map((t) => t.amount)).toEqual([5000])
  })

  it("an approval whose notice has not been processed is counted once: a refund that fits is accepted and the approval booked", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await settleAll(sandbox(), paid.impUid, "approved")
    // i'mport shows 8000 left; the admin's 5000 is in it, and no longer waits.
    const res = await adminRefund(api, store, paid.paymentId, { amount: 8000 })
    expect(res.status).toBe(200)
    const tickets = await ticketsOf(getContainer(), paid.paymentId)
    expect(tickets.map((t) => [Number(t.amount), t.status])).toEqual([[5000, "completed"], [8000, "waiting_for_cancellation"]])
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([5000])
  })
})
