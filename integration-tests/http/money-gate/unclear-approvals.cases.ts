/** Approvals on which i'mport writes a reason of its own: matched by amount, or flagged for a shop admin. */
import { adminRefund, refundsOf, settleAll, ticketsOf } from "../../helpers/refunds"
import { sandboxPost, waitFor } from "../../helpers/sandbox"
import type { MoneyGateContext } from "./context"

type AnyRecord = Record<string, any>

export function unclearApprovalCases(ctx: MoneyGateContext): void {
  const { api, getContainer, sandbox, bookedTotal } = ctx

  describe("unclear approvals: i'mport writes a reason of its own on Paymentwall's approval", () => {
    const ticketWhere = (what: string, match: (t: AnyRecord) => boolean) =>
      waitFor(what, async () => (await ticketsOf(getContainer(), ctx.paid.paymentId)).find(match), 30_000)
    beforeEach(async () => {
      await sandboxPost(sandbox(), "/sandbox/approval-reason", { reason: "own" })
    })

    it("a full refund's approval completes its ticket with the admin's note, matched by amount", async () => {
      expect(
        (await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 13000, note: "Damaged box" })).status
      ).toBe(200)
      await settleAll(sandbox(), ctx.paid.impUid, "approved")
      const ticket = await ticketWhere("the ticket to complete", (t) => t.status === "completed")
      expect(ticket).toMatchObject({
        origin: "admin",
        refund_id: expect.any(String),
        metadata: expect.objectContaining({ matched_by: "amount" }),
      })
      const refunds = await refundsOf(getContainer(), ctx.paid.paymentId)
      expect(refunds.map((r) => [Number(r.amount), r.note])).toEqual([[13000, "Damaged box"]])
      expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(1)
    })

    it("a partial refund's approval is flagged at once, its amount held once, and booked to the ticket when a shop admin says so", async () => {
      expect(
        (await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 5000, note: "Sleeve too short" })).status
      ).toBe(200)
      await settleAll(sandbox(), ctx.paid.impUid, "approved")
      const flagged = await ticketWhere("the ticket to be flagged", (t) => !!t.metadata?.approval_candidate)
      expect(flagged).toMatchObject({ status: "waiting_for_cancellation", needs_attention: true })
      // Booked by neither until a person decides, and the ticket's amount still reserved: 3000 of i'mport's 8000 is free.
      expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
      expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 8000 })).status).toBe(400)

      const bound = await api.post(
        `/admin/iamport-paymentwall/tickets/${flagged.id}/bind-approval`,
        {},
        ctx.store.admin
      )
      expect(bound.data.cancel_ticket).toMatchObject({
        status: "completed",
        decided_by: ctx.store.adminUserId,
        metadata: expect.objectContaining({ matched_by: "person" }),
      })
      expect((await refundsOf(getContainer(), ctx.paid.paymentId)).map((r) => [Number(r.amount), r.note])).toEqual([
        [5000, "Sleeve too short"],
      ])
      // The candidate is gone from the ticket (Medusa merges metadata, so it takes an explicit removal).
      expect((await ticketsOf(getContainer(), ctx.paid.paymentId))[0].metadata).not.toHaveProperty("approval_candidate")
      // The rest of i'mport's balance is free now.
      expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 8000 })).status).toBe(200)
    })

    it("keep waiting books the entry as made outside Medusa, and the ticket keeps its amount reserved", async () => {
      expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 5000 })).status).toBe(200)
      await settleAll(sandbox(), ctx.paid.impUid, "approved")
      const flagged = await ticketWhere("the ticket to be flagged", (t) => !!t.metadata?.approval_candidate)
      const kept = await api.post(`/admin/iamport-paymentwall/tickets/${flagged.id}/keep-waiting`, {}, ctx.store.admin)
      expect(kept.data.cancel_ticket).toMatchObject({ status: "waiting_for_cancellation", needs_attention: false })
      // Declined: no longer shown to the admin as a candidate to bind.
      const declined = (await ticketsOf(getContainer(), ctx.paid.paymentId)).find((t) => t.id === flagged.id)!
      expect(declined.metadata).not.toHaveProperty("approval_candidate")
      expect(declined.metadata).toMatchObject({ declined_approvals: [flagged.metadata.approval_candidate.key] })
      const tickets = await ticketsOf(getContainer(), ctx.paid.paymentId)
      expect(tickets.map((t) => [t.origin, t.status]).sort()).toEqual([
        ["admin", "waiting_for_cancellation"],
        ["external", "completed"],
      ])
      expect(await bookedTotal()).toBe(5000)
      // i'mport shows 8000 left, and the ticket's 5000 still waits: 3000 is free.
      expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 3001 })).status).toBe(400)
      expect((await adminRefund(api, ctx.store, ctx.paid.paymentId, { amount: 3000 })).status).toBe(200)
    })
  })
}
