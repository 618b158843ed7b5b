/** The provider as Medusa's payment module calls it: refunds, their records, record-only bookings, and voids. */
import { refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import type { IPaymentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { registeredProvider, runAsSettlementBooking, settleOpenPayments } from "../../helpers/built-plugin"
import { adminRefund, refundsOf, sandboxTickets, ticketsOf } from "../../helpers/refunds"
import { PROVIDER_ID, sandboxPost } from "../../helpers/sandbox"
import type { MoneyGateContext } from "./context"

type AnyRecord = Record<string, any>

export function providerCases(ctx: MoneyGateContext): void {
  const { api, getContainer, sandbox, cancels, bookedTotal, failure } = ctx

  describe("the provider itself, as Medusa's payment module calls it", () => {
    const provider = () => registeredProvider(getContainer(), PROVIDER_ID)
    const paymentData = async (): Promise<AnyRecord> =>
      (
        await getContainer()
          .resolve<IPaymentModuleService>(Modules.PAYMENT)
          .retrievePayment(ctx.paid.paymentId, { select: ["data"] })
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
        imp_uid: ctx.paid.impUid,
        cancel_requests: { ref_A: { amount: 3000, status: "waiting_for_cancellation", cancellation_id: null } },
      })
      expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toEqual([
        expect.objectContaining({ amount: 3000, enable_webhook: true, status: "open" }),
      ])
      const [ticket] = await ticketsOf(getContainer(), ctx.paid.paymentId)
      expect(ticket).toMatchObject({
        status: "waiting_for_cancellation",
        refund_id: "ref_A",
        order_id: ctx.paid.orderId,
        origin: "admin",
        metadata: expect.objectContaining({ request_key: "ref_A", via_provider: true }),
      })
    })

    it("a cancel i'mport settles at once is recorded as completed with its cancellation_id, and booked once", async () => {
      sandbox().context.options.cancelMode = "immediate"
      await refundPaymentWorkflow(getContainer()).run({ input: { payment_id: ctx.paid.paymentId, amount: 4000 } })
      const [refund] = await refundsOf(getContainer(), ctx.paid.paymentId)
      expect((await paymentData()).cancel_requests[refund.id]).toMatchObject({
        status: "completed",
        cancellation_id: expect.stringMatching(/^cxl_/),
      })
      await settleOpenPayments(getContainer())
      expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toEqual([
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
      expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(1)
    })

    it("a request saved under the same key with nothing recorded (a crash either side of the cancel) is flagged, never sent again nor taken as done", async () => {
      const ticket = await getContainer()
        .resolve<any>("iamport_paymentwall")
        .createCancelTickets({
          payment_id: ctx.paid.paymentId,
          provider_id: PROVIDER_ID,
          order_id: ctx.paid.orderId,
          imp_uid: ctx.paid.impUid,
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
      expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toEqual([
        expect.objectContaining({ id: ticket.id, status: "requested", needs_attention: true }),
      ])
    })

    it("refuses more than i'mport shows left, and sends nothing", async () => {
      const error = await failure(() => refund(13001, "ref_D"))
      expect(error).toContain("i'mport shows 13000 left to refund")
      await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {})
      expect(await failure(() => refund(13000, "ref_E"))).toContain("i'mport shows 0 left to refund")
      expect(cancels()).toBe(0)
      expect((await ticketsOf(getContainer(), ctx.paid.paymentId)).filter((t) => t.origin !== "external")).toEqual([])
    })

    it("passes i'mport's refusal on with i'mport's message, and the ticket fails with it", async () => {
      sandbox().context.faults.push({ route: "POST /payments/cancel", kind: "refused", times: 1, delayMs: 0 })
      expect(await failure(() => refund(2000, "ref_F"))).toContain("i'mport refused to cancel the payment")
      const [ticket] = await ticketsOf(getContainer(), ctx.paid.paymentId)
      expect(ticket).toMatchObject({ status: "failed", refund_id: null, error: expect.stringContaining("PG refused") })
      // Nothing holds the money: the whole payment is free again.
      await refund(13000, "ref_G")
      expect(cancels()).toBe(2)
    })

    it("reads i'mport first, so a data snapshot from capture never meets an older refund of the same amount and reason", async () => {
      sandbox().context.options.cancelMode = "immediate"
      await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, {
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
            imp_uid: ctx.paid.impUid,
            payment_id: ctx.paid.paymentId,
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

      it("a store's refund that finds a booking's marker is refused, so it is never taken for money i'mport already returned", async () => {
        const marked = await claim(2500, "booking-taker")
        expect(await failure(() => refund(2500, "ref_R5", marked))).toContain(
          "arrived while the plugin's settlement books i'mport cancellation cxl_claimed_2500"
        )
        expect(cancels()).toBe(0)
        const ledger = getContainer().resolve<any>("iamport_paymentwall")
        expect((await ledger.listCancellations({ imp_uid: ctx.paid.impUid }))[0]).toMatchObject({ refund_id: null })
        // The booking that holds the claim records it.
        const booking = { imp_uid: ctx.paid.impUid, cancellation_id: "cxl_claimed_2500", claim_owner: "booking-taker" }
        expect(await runAsSettlementBooking(booking, () => refund(2500, "ref_R6", marked))).toMatchObject({
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
          .listCancellations({ imp_uid: ctx.paid.impUid })
        expect(row).toMatchObject({ status: "claimed", refund_id: "ref_R1" })
      })

      it("a booking paused past its claim, woken after the takeover booked the cancellation, sends nothing through Medusa's workflow", async () => {
        const marked = await claim(2500, "booking-taker")
        const ledger = getContainer().resolve<any>("iamport_paymentwall")
        const [row] = await ledger.listCancellations({ imp_uid: ctx.paid.impUid })
        // The takeover booked it and cleared the marker: to the gate, the paused booking's refund looks like a store's.
        await ledger.updateCancellations({ id: row.id, status: "booked", refund_id: "ref_taker" })
        expect(marked.iamport_record_only.claim_owner).toBe("booking-taker")
        const paused = { imp_uid: ctx.paid.impUid, cancellation_id: row.key, claim_owner: "booking-frozen" }
        const error = await failure(() =>
          runAsSettlementBooking(paused, () =>
            refundPaymentWorkflow(getContainer()).run({ input: { payment_id: ctx.paid.paymentId, amount: 2500 } })
          )
        )
        expect(error).toContain("belongs to a settlement's booking")
        expect(cancels()).toBe(0)
        expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toEqual([])
        expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toEqual([])
        // The same refund from a store's own code, outside any booking, reaches i'mport through the gate.
        await refundPaymentWorkflow(getContainer()).run({ input: { payment_id: ctx.paid.paymentId, amount: 2500 } })
        expect(cancels()).toBe(1)
      })

      it("a paused booking that wakes to the takeover's marker records nothing, and the takeover's booking records it", async () => {
        const marked = await claim(2500, "booking-taker")
        const as = (owner: string) => ({
          imp_uid: ctx.paid.impUid,
          cancellation_id: "cxl_claimed_2500",
          claim_owner: owner,
        })
        const error = await failure(() =>
          runAsSettlementBooking(as("booking-frozen"), () => refund(2500, "ref_R7", marked))
        )
        expect(error).toContain("belongs to a settlement's booking")
        const ledger = getContainer().resolve<any>("iamport_paymentwall")
        expect((await ledger.listCancellations({ imp_uid: ctx.paid.impUid }))[0]).toMatchObject({ refund_id: null })
        const data = await runAsSettlementBooking(as("booking-taker"), () => refund(2500, "ref_R8", marked))
        expect(data.cancel_requests.ref_R8).toMatchObject({
          status: "completed",
          cancellation_id: "cxl_claimed_2500",
          claim_owner: "booking-taker",
        })
        expect(cancels()).toBe(0)
      })

      it("a refund without the marker is refused while a booking is in flight, so a lost marker never sends a second cancel", async () => {
        await claim(2500)
        expect(await failure(() => refund(2500, "ref_R3"))).toContain("is being booked right now")
        expect(cancels()).toBe(0)
        expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
      })
    })

    it("a void of a paid payment cancels what i'mport shows left, once, whatever Medusa retries", async () => {
      const voided = (
        await provider().cancelPayment({ data: await paymentData(), context: { idempotency_key: ctx.paid.paymentId } })
      ).data as AnyRecord
      expect(voided.cancel_requests[ctx.paid.paymentId]).toMatchObject({
        amount: 13000,
        status: "waiting_for_cancellation",
      })
      await provider().cancelPayment({ data: voided, context: { idempotency_key: ctx.paid.paymentId } })
      await provider().cancelPayment({
        data: { ...voided, imp_uid: null, cancel_requests: null },
        context: { idempotency_key: ctx.paid.paymentId },
      })
      expect(cancels()).toBe(1)
      expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toEqual([
        expect.objectContaining({ amount: 13000, refund_id: null, status: "waiting_for_cancellation" }),
      ])
    })

    it("a void while a refund waits at Paymentwall is refused: it would ask for that money twice", async () => {
      expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 5000 })).status).toBe(200)
      const error = await failure(async () =>
        provider().cancelPayment({ data: await paymentData(), context: { idempotency_key: ctx.paid.paymentId } })
      )
      expect(error).toContain("of which 5000 waits in Paymentwall cancellation tickets")
      expect(cancels()).toBe(1)
    })
  })
}
