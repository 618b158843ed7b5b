/** Bookings that died half-way, and the claims (heartbeats, takeovers, compare-and-set) that keep each booked once. */
import type { IPaymentModuleService, UpdatePaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { ledger } from "../../helpers/built-plugin"
import { refundsOf, sandboxTickets, ticketsOf } from "../../helpers/refunds"
import { sandboxPost } from "../../helpers/sandbox"
import type { LedgerContext } from "./context"

export function claimCases(ctx: LedgerContext): void {
  const { api, getContainer, sandbox, module, iamport, cancels, runJob } = ctx

  /**
   * What a process leaves when it dies in the middle of booking a console refund of `amount`: its ticket bound to
   * the cancellation, and a claimed ledger row (`claim` sets its owner, claim time and heartbeat).
   */
  const diedBooking = async (
    amount: number,
    claim: { owner?: string; claimed_at: Date; heartbeat_seconds_ago?: number }
  ) => {
    sandbox().context.webhooks.configure({ url: null })
    await sandboxPost(sandbox(), `/sandbox/payments/${ctx.paid.impUid}/console-cancel`, { amount })
    const entry = (await iamport()).cancel_history[0]
    const ticket = await module().createCancelTickets({
      payment_id: ctx.paid.paymentId,
      provider_id: "pp_iamport-paymentwall_paymentwall",
      order_id: ctx.paid.orderId,
      imp_uid: ctx.paid.impUid,
      merchant_uid: (await iamport()).merchant_uid,
      amount,
      currency_code: "krw",
      origin: "external",
      status: "waiting_for_cancellation",
      cancellation_id: entry.cancellation_id,
      requested_at: new Date(),
      waiting_since: new Date(),
    })
    const row = await module().createCancellations({
      imp_uid: ctx.paid.impUid,
      payment_id: ctx.paid.paymentId,
      key: entry.cancellation_id,
      cancellation_id: entry.cancellation_id,
      position: 0,
      amount,
      currency_code: "krw",
      ticket_id: ticket.id,
      status: "claimed",
      claim_owner: claim.owner ?? null,
      attempts: 1,
      claimed_at: claim.claimed_at,
    })
    if (claim.heartbeat_seconds_ago !== undefined) {
      await beatSecondsAgo(row.id, claim.heartbeat_seconds_ago)
    }
    return { entry, ticket, row }
  }
  const sql = (statement: string, bindings: unknown[]) =>
    getContainer()
      .resolve<{ raw(sql: string, bindings: unknown[]): Promise<unknown> }>(ContainerRegistrationKeys.PG_CONNECTION)
      .raw(statement, bindings)
  /** The claim's heartbeat as its booking last wrote it, on the database's clock as the plugin writes it. */
  const beatSecondsAgo = (rowId: string, seconds: number) =>
    sql("update iamport_pw_cancellation set heartbeat_at = now() - make_interval(secs => ?) where id = ?", [
      seconds,
      rowId,
    ])

  it("a booking that died after Medusa's Refund is finished on the next run, without a second Refund", async () => {
    // Claimed longer ago than a lock lives, before claims had heartbeats; and a Refund the provider recorded.
    const { entry, ticket } = await diedBooking(2000, { claimed_at: new Date(Date.now() - 3_600_000) })
    const payments = getContainer().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const [payment] = await payments.listPayments({ id: ctx.paid.paymentId }, { select: ["id", "data"] })
    const marker = {
      cancellation_id: entry.cancellation_id,
      amount: 2000,
      reason: null,
      set_at: new Date().toISOString(),
    }
    await payments.updatePayment({
      id: ctx.paid.paymentId,
      data: { ...payment.data, iamport_record_only: marker },
    } as unknown as UpdatePaymentDTO)
    await payments.refundPayment({ payment_id: ctx.paid.paymentId, amount: 2000 })

    await runJob()
    await api.post(`/admin/iamport-paymentwall/payments/${ctx.paid.paymentId}/settle`, {}, ctx.store.admin)
    const refunds = await refundsOf(getContainer(), ctx.paid.paymentId)
    expect(refunds).toHaveLength(1)
    const [row] = await module().listCancellations({ imp_uid: ctx.paid.impUid })
    expect(row).toMatchObject({ status: "booked", refund_id: refunds[0].id, ticket_id: ticket.id })
    expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toEqual([
      expect.objectContaining({ id: ticket.id, status: "completed", refund_id: refunds[0].id }),
    ])
    expect(cancels()).toBe(0)
  })

  it("a stale record-only marker is cleared by the next settlement, so a later order cancel reaches i'mport", async () => {
    const payments = getContainer().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const [payment] = await payments.listPayments({ id: ctx.paid.paymentId }, { select: ["id", "data"] })
    // Left by a booking that died an hour ago (a younger one may belong to a booking still running elsewhere).
    const marker = {
      cancellation_id: "left-behind",
      amount: 13000,
      reason: null,
      set_at: new Date(Date.now() - 3_600_000).toISOString(),
    }
    await payments.updatePayment({
      id: ctx.paid.paymentId,
      data: { ...payment.data, iamport_record_only: marker },
    } as unknown as UpdatePaymentDTO)
    await api.post(`/admin/iamport-paymentwall/payments/${ctx.paid.paymentId}/settle`, {}, ctx.store.admin)
    const [after] = await payments.listPayments({ id: ctx.paid.paymentId }, { select: ["id", "data"] })
    expect(after.data?.iamport_record_only).toBeNull()
    expect((await api.post(`/admin/orders/${ctx.paid.orderId}/cancel`, {}, ctx.store.admin)).status).toBe(200)
    expect(cancels()).toBe(1)
    expect(await sandboxTickets(sandbox(), ctx.paid.impUid)).toHaveLength(1)
  })

  it("a claim is taken over as soon as its booking's heartbeat stops, never while it beats, and only after a lock's lifetime once it reached Medusa", async () => {
    // Claimed an hour ago, but its booking still beats: it is alive (a slow Medusa), and nothing takes it over.
    const { row, ticket } = await diedBooking(2000, {
      owner: "booking-a",
      claimed_at: new Date(Date.now() - 3_600_000),
      heartbeat_seconds_ago: 0,
    })
    await api.post(`/admin/iamport-paymentwall/payments/${ctx.paid.paymentId}/settle`, {}, ctx.store.admin)
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)
    expect((await module().listCancellations({ id: row.id }))[0]).toMatchObject({
      status: "claimed",
      claim_owner: "booking-a",
    })

    // It had entered Medusa's refund workflow, which nothing can stop half-way, and went silent a minute ago: it may be
    // a frozen process that finishes there when it wakes, so it stays alone for a lock's whole lifetime.
    await sql("update iamport_pw_cancellation set booking_at = now() - interval '61 seconds' where id = ?", [row.id])
    await beatSecondsAgo(row.id, 61)
    await api.post(`/admin/iamport-paymentwall/payments/${ctx.paid.paymentId}/settle`, {}, ctx.store.admin)
    expect(await refundsOf(getContainer(), ctx.paid.paymentId)).toHaveLength(0)

    // A claim that had not reached Medusa, silent for a minute: its process is gone, and it is taken over at once.
    await sql("update iamport_pw_cancellation set booking_at = null where id = ?", [row.id])
    await api.post(`/admin/iamport-paymentwall/payments/${ctx.paid.paymentId}/settle`, {}, ctx.store.admin)
    const refunds = await refundsOf(getContainer(), ctx.paid.paymentId)
    expect(refunds.map((r) => Number(r.amount))).toEqual([2000])
    const [after] = await module().listCancellations({ id: row.id })
    expect(after).toMatchObject({ status: "booked", refund_id: refunds[0].id, attempts: 2 })
    expect(after.claim_owner).not.toBe("booking-a")
    expect(await ticketsOf(getContainer(), ctx.paid.paymentId)).toEqual([
      expect.objectContaining({ id: ticket.id, status: "completed" }),
    ])
    expect(cancels()).toBe(0)
  })

  it("a claim is a compare-and-set: of two settlements that take a blocked row at once, one gets it, and a booking that lost its claim writes nothing", async () => {
    const { row, ticket, entry } = await diedBooking(2000, {
      owner: "booking-a",
      claimed_at: new Date(),
      heartbeat_seconds_ago: 0,
    })
    await sql(
      "update iamport_pw_cancellation set status = 'blocked', blocked_reason = 'an open order edit' where id = ?",
      [row.id]
    )
    const keyed = {
      key: entry.cancellation_id,
      alias: null,
      names: [entry.cancellation_id],
      cancellation_id: entry.cancellation_id,
      position: 0,
      amount: 2000,
      cancelled_at: null,
    }
    const state = { id: ctx.paid.paymentId, currency_code: "krw" } as never
    const claim = (owner: string) =>
      ledger().claimCancellation(getContainer(), state, ctx.paid.impUid, ticket.id, keyed as never, {
        owner,
        leaseSeconds: 300,
      })
    const results = await Promise.all([claim("booking-b"), claim("booking-c")])
    expect(results.filter((r) => !r.in_flight)).toHaveLength(1)
    const [claimed] = await module().listCancellations({ id: row.id })
    const winner = claimed.claim_owner
    expect(["booking-b", "booking-c"]).toContain(winner)
    expect(claimed).toMatchObject({ status: "claimed", attempts: 2 })
    expect(claimed.heartbeat_at).toBeTruthy()

    // The old owner, and the loser, can neither book nor block the row now.
    for (const owner of ["booking-a", winner === "booking-b" ? "booking-c" : "booking-b"]) {
      await expect(ledger().markBooked(getContainer(), claimed, "refund_x", owner)).rejects.toThrow("taken over")
      await expect(ledger().markBlocked(getContainer(), claimed, "late", owner)).rejects.toThrow("taken over")
    }
    expect((await module().listCancellations({ id: row.id }))[0]).toMatchObject({
      status: "claimed",
      refund_id: null,
      claim_owner: winner,
    })
    await ledger().markBlocked(getContainer(), claimed, "still an open order edit", winner)
    expect((await module().listCancellations({ id: row.id }))[0]).toMatchObject({
      status: "blocked",
      blocked_reason: "still an open order edit",
    })
  })
}
