import { cancelOrderWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import type { IPaymentModuleService, UpdatePaymentDTO } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { registeredProvider, settleOpenPayments } from "../helpers/built-plugin"
import { adminRefund, refundsOf, sandboxTickets, settleAll, ticketsOf } from "../helpers/refunds"
import { describeStore } from "../helpers/runner"
import { paidOrderNoticed } from "../helpers/webhook-delivery"
import { PROVIDER_ID, sandboxPost, waitFor } from "../helpers/sandbox"
import { orderWithPayments, paidOrder, type Store } from "../helpers/store"

type AnyRecord = Record<string, any>

/**
 * The provider is the money gate (docs/design.md, ledger invariants): every way Medusa asks it for money back (a
 * store's own call of core's refund workflows, an order cancel, the admin) decides against what i'mport shows left
 * less what waits in Paymentwall tickets, before i'mport hears of it.
 */
describeStore(({ api, getContainer, sandbox, store: seeded }) => {
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>

  const pay = (merchantUid: string) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const cancels = () => sandbox().context.stats.get("POST /payments/cancel") ?? 0
  const bookedTotal = async () =>
    (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
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
    // The checkout's own "paid" notice is handled before the test starts (straight to the subscribers, no 5 s wait).
    paid = await paidOrderNoticed(api, store, getContainer(), sandbox(), pay)
    await waitFor(
      "the payment webhook to be handled",
      async () =>
        (await getContainer().resolve<any>("iamport_paymentwall").listWebhookEvents({ imp_uid: paid.impUid })).some(
          (e: AnyRecord) => e.processed_at
        ) || undefined
    )
  })

  describe("the provider itself, as Medusa's payment module calls it", () => {
    const provider = () => registeredProvider(getContainer(), PROVIDER_ID)
    const paymentData = async (): Promise<AnyRecord> =>
      (
        await getContainer()
          .resolve<IPaymentModuleService>(Modules.PAYMENT)
          .retrievePayment(paid.paymentId, { select: ["data"] })
      ).data as AnyRecord
    const refund = async (amount: number, key: string, data?: AnyRecord) =>
      (
        await provider().refundPayment({
          amount,
          data: data ?? (await paymentData()),
          context: { idempotency_key: key },
        })
      ).data as AnyRecord

    it("a refund opens a Paymentwall ticket, saved before i'mport heard of it, and is recorded as waiting under Medusa's refund id", async () => {
      const data = await refund(3000, "ref_A")
      expect(data).toMatchObject({
        merchant_uid: expect.any(String),
        imp_uid: paid.impUid,
        cancel_requests: { ref_A: { amount: 3000, status: "waiting_for_cancellation", cancellation_id: null } },
      })
      expect(await sandboxTickets(sandbox(), paid.impUid)).toEqual([
        expect.objectContaining({ amount: 3000, enable_webhook: true, status: "open" }),
      ])
      const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
      expect(ticket).toMatchObject({
        status: "waiting_for_cancellation",
        refund_id: "ref_A",
        order_id: paid.orderId,
        origin: "admin",
        metadata: expect.objectContaining({ request_key: "ref_A", via_provider: true }),
      })
    })

    it("a cancel i'mport settles at once is recorded as completed with its cancellation_id, and booked once", async () => {
      sandbox().context.options.cancelMode = "immediate"
      await refundPaymentWorkflow(getContainer()).run({ input: { payment_id: paid.paymentId, amount: 4000 } })
      const [refund] = await refundsOf(getContainer(), paid.paymentId)
      expect((await paymentData()).cancel_requests[refund.id]).toMatchObject({
        status: "completed",
        cancellation_id: expect.stringMatching(/^cxl_/),
      })
      await settleOpenPayments(getContainer())
      expect(await ticketsOf(getContainer(), paid.paymentId)).toEqual([
        expect.objectContaining({ status: "completed", refund_id: refund.id }),
      ])
      expect(await bookedTotal()).toBe(4000)
    })

    it("never cancels twice under one refund id: not with the data it returned, nor with the data from before (a crash after i'mport's answer)", async () => {
      const before = await paymentData()
      const first = await refund(1000, "ref_C", before)
      await refund(1000, "ref_C", first)
      await refund(1000, "ref_C", before)
      expect(cancels()).toBe(1)
      expect(await ticketsOf(getContainer(), paid.paymentId)).toHaveLength(1)
    })

    it("a request saved under the same key with nothing recorded (a crash either side of the cancel) is flagged, never sent again nor taken as done", async () => {
      const ticket = await getContainer()
        .resolve<any>("iamport_paymentwall")
        .createCancelTickets({
          payment_id: paid.paymentId,
          provider_id: PROVIDER_ID,
          order_id: paid.orderId,
          imp_uid: paid.impUid,
          merchant_uid: (await paymentData()).merchant_uid,
          amount: 1000,
          currency_code: "krw",
          origin: "admin",
          status: "requested",
          reason: "Refund requested in Medusa",
          requested_at: new Date(),
          metadata: { request_key: "ref_crashed", via_provider: true },
        })
      const error = await failure(() => refund(1000, "ref_crashed"))
      expect(error).toContain("may or may not have reached i'mport")
      expect(cancels()).toBe(0)
      expect(await ticketsOf(getContainer(), paid.paymentId)).toEqual([
        expect.objectContaining({ id: ticket.id, status: "requested", needs_attention: true }),
      ])
    })

    it("refuses more than i'mport shows left, and sends nothing", async () => {
      const error = await failure(() => refund(13001, "ref_D"))
      expect(error).toContain("i'mport shows 13000 left to refund")
      await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {})
      expect(await failure(() => refund(13000, "ref_E"))).toContain("i'mport shows 0 left to refund")
      expect(cancels()).toBe(0)
      expect((await ticketsOf(getContainer(), paid.paymentId)).filter((t) => t.origin !== "external")).toEqual([])
    })

    it("passes i'mport's refusal on with i'mport's message, and the ticket fails with it", async () => {
      sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "refused", times: 1, delayMs: 0 })
      expect(await failure(() => refund(2000, "ref_F"))).toContain("i'mport refused to cancel the payment")
      const [ticket] = await ticketsOf(getContainer(), paid.paymentId)
      expect(ticket).toMatchObject({ status: "failed", refund_id: null, error: expect.stringContaining("PG refused") })
      // Nothing holds the money: the whole payment is free again.
      await refund(13000, "ref_G")
      expect(cancels()).toBe(2)
    })

    it("reads i'mport first, so a data snapshot from capture never meets an older refund of the same amount and reason", async () => {
      sandbox().context.options.cancelMode = "immediate"
      await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
        amount: 3000,
        reason: "Refund requested in Medusa",
      })
      const data = await refund(3000, "ref_cancel")
      expect(data.cancel_requests.ref_cancel).toMatchObject({ status: "completed", amount: 3000 })
      expect(cancels()).toBe(1)
    })

    describe("a settlement's booking through the provider (record-only)", () => {
      const claim = async (amount: number, owner?: string) => {
        const key = `cxl_claimed_${amount}`
        await getContainer()
          .resolve<any>("iamport_paymentwall")
          .createCancellations({
            imp_uid: paid.impUid,
            payment_id: paid.paymentId,
            key,
            alias: key,
            cancellation_id: key,
            position: 0,
            amount,
            currency_code: "krw",
            status: "claimed",
            claim_owner: owner ?? null,
            attempts: 1,
            claimed_at: new Date(),
          })
        const data = await paymentData()
        return {
          ...data,
          iamport_record_only: {
            cancellation_id: key,
            amount,
            reason: "size",
            set_at: new Date().toISOString(),
            claim_owner: owner,
          },
        }
      }

      it("a booking taken over while its process was frozen records nothing: its marker names a claim no longer its own", async () => {
        const marked = await claim(2500, "booking-taker")
        const frozen = {
          ...marked,
          iamport_record_only: { ...marked.iamport_record_only, claim_owner: "booking-frozen" },
        }
        expect(await failure(() => refund(2500, "ref_R5", frozen))).toContain("not claimed for it")
        expect(cancels()).toBe(0)
        // The booking that holds the claim records it.
        expect(await refund(2500, "ref_R6", marked)).toMatchObject({
          cancel_requests: { ref_R6: { status: "completed", cancellation_id: "cxl_claimed_2500" } },
        })
        expect(cancels()).toBe(0)
      })

      it("one booking marker books one Refund: a second refund that read the same marker is refused", async () => {
        const marked = await claim(2500)
        const first = await refund(2500, "ref_R1", marked)
        expect(first).toMatchObject({
          iamport_record_only: null,
          cancel_requests: { ref_R1: { status: "completed", cancellation_id: "cxl_claimed_2500", amount: 2500 } },
        })
        const second = await failure(() => refund(2500, "ref_R2", marked))
        expect(second).toContain("not claimed for it")
        expect(cancels()).toBe(0)
        const [row] = await getContainer()
          .resolve<any>("iamport_paymentwall")
          .listCancellations({ imp_uid: paid.impUid })
        expect(row).toMatchObject({ status: "claimed", refund_id: "ref_R1" })
      })

      it("a refund without the marker is refused while a booking is in flight, so a lost marker never sends a second cancel", async () => {
        await claim(2500)
        expect(await failure(() => refund(2500, "ref_R3"))).toContain("is being booked right now")
        expect(cancels()).toBe(0)
        expect(await ticketsOf(getContainer(), paid.paymentId)).toHaveLength(0)
      })
    })

    it("a void of a paid payment cancels what i'mport shows left, once, whatever Medusa retries", async () => {
      const voided = (
        await provider().cancelPayment({ data: await paymentData(), context: { idempotency_key: paid.paymentId } })
      ).data as AnyRecord
      expect(voided.cancel_requests[paid.paymentId]).toMatchObject({
        amount: 13000,
        status: "waiting_for_cancellation",
      })
      await provider().cancelPayment({ data: voided, context: { idempotency_key: paid.paymentId } })
      await provider().cancelPayment({
        data: { ...voided, imp_uid: null, cancel_requests: null },
        context: { idempotency_key: paid.paymentId },
      })
      expect(cancels()).toBe(1)
      expect(await ticketsOf(getContainer(), paid.paymentId)).toEqual([
        expect.objectContaining({ amount: 13000, refund_id: null, status: "waiting_for_cancellation" }),
      ])
    })

    it("a void while a refund waits at Paymentwall is refused: it would ask for that money twice", async () => {
      expect((await adminRefund(api, store, paid.paymentId, { amount: 5000 })).status).toBe(200)
      const error = await failure(async () =>
        provider().cancelPayment({ data: await paymentData(), context: { idempotency_key: paid.paymentId } })
      )
      expect(error).toContain("of which 5000 waits in Paymentwall cancellation tickets")
      expect(cancels()).toBe(1)
    })
  })

  describe("while an admin's refund of 5000 waits at Paymentwall", () => {
    beforeEach(async () => {
      expect((await adminRefund(api, store, paid.paymentId, { amount: 5000 })).status).toBe(200)
    })

    it("a store's own refundPaymentWorkflow beyond what is free is refused before i'mport hears of it", async () => {
      const sent = cancels()
      const message = await failure(() =>
        refundPaymentWorkflow(getContainer()).run({ input: { payment_id: paid.paymentId, amount: 10000 } })
      )
      expect(message).toContain(
        "i'mport shows 13000 left to refund, of which 5000 waits in Paymentwall cancellation tickets"
      )
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
      expect(tickets.map((t) => [Number(t.amount), t.status])).toEqual([
        [5000, "waiting_for_cancellation"],
        [8000, "waiting_for_cancellation"],
      ])
      expect(tickets[1]).toMatchObject({ refund_id: refund.id, order_id: paid.orderId })
      // Nothing is free now: a third request, from anywhere, is refused.
      const sent = cancels()
      expect(
        await failure(() =>
          refundPaymentWorkflow(getContainer()).run({ input: { payment_id: paid.paymentId, amount: 1 } })
        )
      ).toContain("at most 0 is free")
      expect((await adminRefund(api, store, paid.paymentId, { amount: 1 })).status).toBe(400)
      expect(cancels()).toBe(sent)

      // Paymentwall approves both: each booked once, the store's own Refund not a second time.
      await settleAll(sandbox(), paid.impUid, "approved")
      await waitFor(
        "both tickets to complete",
        async () =>
          (await ticketsOf(getContainer(), paid.paymentId)).every((t) => t.status === "completed") || undefined,
        30_000
      )
      expect(await bookedTotal()).toBe(13000)
    })

    it("a store's own cancelOrderWorkflow while a refund waits is refused before i'mport hears of it", async () => {
      const sent = cancels()
      // Medusa's refund step only logs a refused refund; the plugin's hook then refuses the cancel itself.
      const message = await failure(() =>
        cancelOrderWorkflow(getContainer()).run({ input: { order_id: paid.orderId } })
      )
      expect(message).toContain("The order was not cancelled: Medusa could not refund 13000 KRW")
      expect(cancels()).toBe(sent)
      expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
      const order = await orderWithPayments(api, store, paid.orderId)
      expect(order.status).not.toBe("canceled")
      // Medusa's rollback leaves the payment collection cancelled; the plugin sets it back, so the order reads as paid.
      expect(order.payment_status).toBe("captured")
      expect((await sandboxTickets(sandbox(), paid.impUid)).map((t) => t.amount)).toEqual([5000])
    })

    it("an approval whose notice has not been processed is counted once: a refund that fits is accepted and the approval booked", async () => {
      sandbox().context.webhooks.configure({ url: null })
      await settleAll(sandbox(), paid.impUid, "approved")
      // i'mport shows 8000 left; the admin's 5000 is in it, and no longer waits.
      const res = await adminRefund(api, store, paid.paymentId, { amount: 8000 })
      expect(res.status).toBe(200)
      const tickets = await ticketsOf(getContainer(), paid.paymentId)
      expect(tickets.map((t) => [Number(t.amount), t.status])).toEqual([
        [5000, "completed"],
        [8000, "waiting_for_cancellation"],
      ])
      expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([5000])
    })
  })

  describe("unclear approvals: i'mport writes a reason of its own on Paymentwall's approval", () => {
    const ticketWhere = (what: string, match: (t: AnyRecord) => boolean) =>
      waitFor(what, async () => (await ticketsOf(getContainer(), paid.paymentId)).find(match), 30_000)
    beforeEach(async () => {
      await sandboxPost(sandbox(), "/sandbox/approval-reason", { reason: "own" })
    })

    it("a full refund's approval completes its ticket with the admin's note, matched by amount", async () => {
      expect((await adminRefund(api, store, paid.paymentId, { amount: 13000, note: "Damaged box" })).status).toBe(200)
      await settleAll(sandbox(), paid.impUid, "approved")
      const ticket = await ticketWhere("the ticket to complete", (t) => t.status === "completed")
      expect(ticket).toMatchObject({
        origin: "admin",
        refund_id: expect.any(String),
        metadata: expect.objectContaining({ matched_by: "amount" }),
      })
      const refunds = await refundsOf(getContainer(), paid.paymentId)
      expect(refunds.map((r) => [Number(r.amount), r.note])).toEqual([[13000, "Damaged box"]])
      expect(await ticketsOf(getContainer(), paid.paymentId)).toHaveLength(1)
    })

    it("a partial refund's approval is flagged at once, its amount held once, and booked to the ticket when a shop admin says so", async () => {
      expect((await adminRefund(api, store, paid.paymentId, { amount: 5000, note: "Sleeve too short" })).status).toBe(
        200
      )
      await settleAll(sandbox(), paid.impUid, "approved")
      const flagged = await ticketWhere("the ticket to be flagged", (t) => !!t.metadata?.approval_candidate)
      expect(flagged).toMatchObject({ status: "waiting_for_cancellation", needs_attention: true })
      // Booked by neither until a person decides, and the ticket's amount still reserved: 3000 of i'mport's 8000 is free.
      expect(await refundsOf(getContainer(), paid.paymentId)).toHaveLength(0)
      expect((await adminRefund(api, store, paid.paymentId, { amount: 8000 })).status).toBe(400)

      const bound = await api.post(`/admin/iamport-paymentwall/tickets/${flagged.id}/bind-approval`, {}, store.admin)
      expect(bound.data.cancel_ticket).toMatchObject({
        status: "completed",
        decided_by: store.adminUserId,
        metadata: expect.objectContaining({ matched_by: "person" }),
      })
      expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => [Number(r.amount), r.note])).toEqual([
        [5000, "Sleeve too short"],
      ])
      // The candidate is gone from the ticket (Medusa merges metadata, so it takes an explicit removal).
      expect((await ticketsOf(getContainer(), paid.paymentId))[0].metadata).not.toHaveProperty("approval_candidate")
      // The rest of i'mport's balance is free now.
      expect((await adminRefund(api, store, paid.paymentId, { amount: 8000 })).status).toBe(200)
    })

    it("keep waiting books the entry as made outside Medusa, and the ticket keeps its amount reserved", async () => {
      expect((await adminRefund(api, store, paid.paymentId, { amount: 5000 })).status).toBe(200)
      await settleAll(sandbox(), paid.impUid, "approved")
      const flagged = await ticketWhere("the ticket to be flagged", (t) => !!t.metadata?.approval_candidate)
      const kept = await api.post(`/admin/iamport-paymentwall/tickets/${flagged.id}/keep-waiting`, {}, store.admin)
      expect(kept.data.cancel_ticket).toMatchObject({ status: "waiting_for_cancellation", needs_attention: false })
      // Declined: no longer shown to the admin as a candidate to bind.
      const declined = (await ticketsOf(getContainer(), paid.paymentId)).find((t) => t.id === flagged.id)!
      expect(declined.metadata).not.toHaveProperty("approval_candidate")
      expect(declined.metadata).toMatchObject({ declined_approvals: [flagged.metadata.approval_candidate.key] })
      const tickets = await ticketsOf(getContainer(), paid.paymentId)
      expect(tickets.map((t) => [t.origin, t.status]).sort()).toEqual([
        ["admin", "waiting_for_cancellation"],
        ["external", "completed"],
      ])
      expect(await bookedTotal()).toBe(5000)
      // i'mport shows 8000 left, and the ticket's 5000 still waits: 3000 is free.
      expect((await adminRefund(api, store, paid.paymentId, { amount: 3001 })).status).toBe(400)
      expect((await adminRefund(api, store, paid.paymentId, { amount: 3000 })).status).toBe(200)
    })
  })

  it("an entry without cancellation_id whose pg_tid i'mport fills in later is booked once, and an approval after it to its ticket", async () => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 1000,
      omit_cancellation_id: true,
      pg_tid_later: true,
    })
    await settleOpenPayments(getContainer())
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/fill-in`, {})
    await settleOpenPayments(getContainer())
    await settleOpenPayments(getContainer())
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([1000])

    expect((await adminRefund(api, store, paid.paymentId, { amount: 2000 })).status).toBe(200)
    await settleAll(sandbox(), paid.impUid, "approved")
    await settleOpenPayments(getContainer())
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount)).sort()).toEqual([1000, 2000])
    expect((await ticketsOf(getContainer(), paid.paymentId)).map((t) => [t.origin, t.status]).sort()).toEqual([
      ["admin", "completed"],
      ["external", "completed"],
    ])
  })

  it("a chargeback on a 45-day-old payment whose notice was lost is booked by the job's sweep of older payments", async () => {
    const payments = getContainer().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const old = new Date(Date.now() - 45 * 86_400_000)
    await payments.updatePayment({ id: paid.paymentId, captured_at: old } as unknown as UpdatePaymentDTO)
    expect((await payments.retrievePayment(paid.paymentId)).captured_at).toEqual(old)
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${paid.impUid}/console-cancel`, {
      amount: 13000,
      reason: "Chargeback",
    })
    const run = await settleOpenPayments(getContainer())
    expect(run).toMatchObject({ booked: 1, iamport_calls: 1 })
    expect((await refundsOf(getContainer(), paid.paymentId)).map((r) => Number(r.amount))).toEqual([13000])
  })
})
