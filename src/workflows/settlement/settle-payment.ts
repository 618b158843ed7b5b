import type { IEventBusModuleService, IPaymentModuleService, MedusaContainer, UpdatePaymentDTO } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { type KeyedCancellation, keyedCancellations } from "../../lib/cancel-history"
import type { IamportPayment } from "../../lib/iamport/types"
import { planSettlement, type PlanTicket } from "../../lib/settlement-plan"
import { OPEN_TICKET_STATUSES } from "../../modules/iamport-paymentwall/models/cancel-ticket"
import { paymentwallProvider } from "../../lib/paymentwall-provider"
import { sessionIdFromMerchantUid } from "../../providers/iamport-paymentwall/payment-data"
import { bookCancellation, clearRecordOnlyMarker } from "./book-cancellation"
import { fitReservations } from "./fit-reservations"
import { bookedKeys, type Cancellation, claimCancellation, ledgerOf, ledgerRows, markBooked } from "./ledger"
import { type CancelTicket, loadPaymentState, type PaymentState, ticketService } from "./payment-state"

export const TICKET_REJECTED_EVENT = "iamport_paymentwall.cancel_ticket.rejected"
export const TICKET_ATTENTION_EVENT = "iamport_paymentwall.cancel_ticket.needs_attention"
export const TICKET_REJECTION_SUSPECTED_EVENT = "iamport_paymentwall.cancel_ticket.rejection_suspected"

export type RejectionNotice = {
  received_at: string
  webhook_event_id: string
}

export type SettleInput = {
  payment_id: string
  iamport: IamportPayment
  rejection_notice?: RejectionNotice
  /** Flag tickets that have waited longer than this (the reconciliation job). */
  flag_waiting_after_ms?: number
  rejection_grace_ms?: number
}

export type SettleResult = {
  booked: string[]
  completed: string[]
  external: string[]
  /** Returned at i'mport, but Medusa refused the booking for now (ledger keys). */
  blocked: string[]
  /** Tickets a notice made "rejection suspected": a person confirms. */
  suspected: string[]
  flagged: string[]
}

const DEFAULT_GRACE_MS = 60_000

/**
 * Brings Medusa in line with i'mport for one payment. Must run under the payment's lock; exactly-once is held by
 * the ledger's unique key per cancellation, so even a run that slips past the lock cannot book twice.
 * Nothing here frees reserved money or removes a Refund: only a shop admin's confirmation does (confirm-rejection).
 */
export async function settlePayment(container: MedusaContainer, input: SettleInput): Promise<SettleResult> {
  const result: SettleResult = { booked: [], completed: [], external: [], blocked: [], suspected: [], flagged: [] }
  let state = await loadPaymentState(container, input.payment_id)
  assertSamePayment(state, input.iamport)
  const service = ticketService(container)
  // A marker younger than a lock's lifetime may belong to a booking still running in a process whose lock
  // expired: book nothing this time. An older one was left by a booking that died, and is cleared.
  const marker = state.data.iamport_record_only
  const leaseMs = paymentwallProvider(container, state.provider_id).lockTtlSeconds() * 1000
  const bookingInFlight = !!marker && Date.now() - new Date(marker.set_at ?? 0).getTime() < leaseMs
  if (marker && !bookingInFlight) {
    await clearRecordOnlyMarker(container, state.id)
    state = await loadPaymentState(container, state.id)
  }
  await adoptRecordedCancels(container, state, input.iamport)

  const history = keyedCancellations(input.iamport.cancel_history)
  const ledger = await ledgerOf(container, input.iamport.imp_uid)
  await finishInterruptedTickets(container, state, ledger)
  const tickets = await service.listCancelTickets({ payment_id: state.id })
  const booked = bookedKeys(ledger)
  const steps = planSettlement({
    history,
    tickets: tickets.map(toPlanTicket),
    booked,
    rejectionNotice: input.rejection_notice
      ? { received_at: new Date(input.rejection_notice.received_at), grace_ms: input.rejection_grace_ms ?? DEFAULT_GRACE_MS }
      : undefined,
  })

  const byId = new Map(tickets.map((t) => [t.id, t]))
  for (const step of steps) {
    if (step.type === "suspect_rejection") {
      const ticket = byId.get(step.ticket_id)!
      await service.updateCancelTickets({
        id: ticket.id,
        rejection_suspected_at: new Date(),
        needs_attention: true,
        error:
          "A notice from i'mport suggests Paymentwall rejected this cancellation, but i'mport's API cannot prove it. " +
          "Check the ticket in Paymentwall's merchant area, then confirm the rejection or keep waiting. The amount stays reserved until then.",
      })
      result.suspected.push(ticket.id)
      await emit(container, TICKET_REJECTION_SUSPECTED_EVENT, ticket, state)
      continue
    }
    if (bookingInFlight) {
      continue
    }
    const ticket =
      step.type === "complete"
        ? byId.get(step.ticket_id)!
        : await service.createCancelTickets(externalTicket(state, input.iamport, step.entry))
    if (step.type === "complete" && !step.book) {
      state = await confirmOptimistic(container, state, input.iamport, ticket, step.entry)
      result.completed.push(ticket.id)
      continue
    }
    const outcome = await bookCancellation(container, state, input.iamport, ticket, step.entry)
    state = await loadPaymentState(container, state.id)
    if (outcome.kind === "in_flight") {
      continue
    }
    if (outcome.kind === "blocked") {
      result.blocked.push(step.entry.key)
      continue
    }
    result.booked.push(step.entry.key)
    result[step.type === "external" ? "external" : "completed"].push(ticket.id)
  }

  if (!bookingInFlight) {
    for (const ticket of await fitReservations(container, state, input.iamport)) {
      result.flagged.push(ticket.id)
      await emit(container, TICKET_ATTENTION_EVENT, ticket, state)
    }
  }
  await flagStale(container, state, input.flag_waiting_after_ms, result)
  return result
}

/**
 * A booked ledger row whose ticket is still open: the process died between the two writes. The ledger is the
 * truth, so the ticket completes (an open ticket would keep the amount reserved and could be "rejected").
 */
async function finishInterruptedTickets(container: MedusaContainer, state: PaymentState, ledger: ReadonlyMap<string, Cancellation>): Promise<void> {
  const service = ticketService(container)
  const booked = ledgerRows(ledger).filter((row) => row.status === "booked" && row.ticket_id && row.refund_id)
  if (!booked.length) {
    return
  }
  const tickets = await service.listCancelTickets({ id: booked.map((row) => row.ticket_id!), payment_id: state.id })
  for (const ticket of tickets) {
    const row = booked.find((r) => r.ticket_id === ticket.id)!
    if (ticket.status !== "completed") {
      await service.updateCancelTickets({
        id: ticket.id,
        status: "completed",
        cancellation_id: row.key,
        refund_id: row.refund_id,
        settled_at: row.booked_at ?? new Date(),
        needs_attention: false,
        rejection_suspected_at: null,
        error: null,
      })
    }
  }
}

async function flagStale(container: MedusaContainer, state: PaymentState, afterMs: number | undefined, result: SettleResult): Promise<void> {
  const service = ticketService(container)
  const now = new Date()
  for (const ticket of await service.listCancelTickets({ payment_id: state.id, status: [...OPEN_TICKET_STATUSES] })) {
    const since = ticket.waiting_since ?? ticket.requested_at
    const stale = afterMs !== undefined && !ticket.needs_attention && now.getTime() - since.getTime() > afterMs
    await service.updateCancelTickets({
      id: ticket.id,
      last_checked_at: now,
      ...(stale ? { needs_attention: true, error: `No answer from Paymentwall since ${since.toISOString()}` } : {}),
    })
    if (stale) {
      result.flagged.push(ticket.id)
      await emit(container, TICKET_ATTENTION_EVENT, ticket, state)
    }
  }
}

function assertSamePayment(state: PaymentState, iamport: IamportPayment): void {
  const sessionId = sessionIdFromMerchantUid(iamport.merchant_uid)
  const expected = state.data.merchant_uid
  // One merchant_uid can carry several attempts (failed, then approved late): only the captured one's history counts.
  const sameAttempt = !state.data.imp_uid || state.data.imp_uid === iamport.imp_uid
  if (iamport.merchant_uid !== expected || !sessionId || !sameAttempt) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `i'mport payment ${iamport.imp_uid} (${iamport.merchant_uid}) is not Medusa payment ${state.id} (${String(state.data.imp_uid ?? expected)}).`
    )
  }
}

function toPlanTicket(ticket: CancelTicket): PlanTicket {
  return {
    id: ticket.id,
    status: ticket.status,
    amount: ticket.amount as unknown as number,
    cancellation_id: ticket.cancellation_id,
    refund_id: ticket.refund_id,
    requested_at: new Date(ticket.requested_at),
    waiting_since: ticket.waiting_since ? new Date(ticket.waiting_since) : null,
    rejection_suspected_at: ticket.rejection_suspected_at ? new Date(ticket.rejection_suspected_at) : null,
  }
}

function externalTicket(state: PaymentState, iamport: IamportPayment, entry: KeyedCancellation) {
  const at = new Date((entry.cancelled_at || Math.floor(Date.now() / 1000)) * 1000)
  return {
    payment_id: state.id,
    provider_id: state.provider_id,
    order_id: state.order_id,
    imp_uid: iamport.imp_uid,
    merchant_uid: iamport.merchant_uid,
    amount: entry.amount,
    currency_code: state.currency_code,
    origin: "external" as const,
    status: "waiting_for_cancellation" as const,
    // Tied to its entry at once: a run that dies before booking finds this ticket again, not a second one.
    cancellation_id: entry.key,
    reason: entry.reason || "Cancelled outside Medusa (i'mport console or chargeback)",
    note: `Cancelled outside Medusa: ${entry.reason || "no reason given"}`,
    requested_at: at,
    waiting_since: at,
  }
}

/** An optimistic Refund (order cancel, compensation) that i'mport now shows: tie it to its cancellation. */
async function confirmOptimistic(
  container: MedusaContainer,
  state: PaymentState,
  iamport: IamportPayment,
  ticket: CancelTicket,
  entry: KeyedCancellation
): Promise<PaymentState> {
  const refundId = ticket.refund_id!
  // The Refund exists already (Medusa booked it first): tying it to its entry is safe even mid-claim.
  const { row } = await claimCancellation(container, state, iamport.imp_uid, ticket.id, entry, 0)
  if (row.status !== "booked") {
    await markBooked(container, row, refundId)
  }
  const records = { ...(state.data.cancel_requests ?? {}) }
  if (records[refundId]) {
    records[refundId] = { ...records[refundId], status: "completed", cancellation_id: entry.key }
    const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    await payments.updatePayment({ id: state.id, data: { ...state.data, cancel_requests: records } } as unknown as UpdatePaymentDTO)
  }
  await ticketService(container).updateCancelTickets({
    id: ticket.id,
    status: "completed",
    cancellation_id: entry.key,
    settled_at: new Date(),
    needs_attention: false,
    rejection_suspected_at: null,
    error: null,
  })
  return loadPaymentState(container, state.id)
}

export async function emit(container: MedusaContainer, name: string, ticket: CancelTicket, state: PaymentState): Promise<void> {
  await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit({
    name,
    data: { id: ticket.id, payment_id: state.id, order_id: state.order_id, amount: ticket.amount, currency_code: ticket.currency_code },
  })
}

/**
 * Tickets for cancels that Medusa sent through the provider itself (order cancel, cart compensation): Medusa
 * booked those Refunds at once, and the provider recorded each request in payment.data under the refund id.
 */
async function adoptRecordedCancels(container: MedusaContainer, state: PaymentState, iamport: IamportPayment): Promise<void> {
  const records = state.data.cancel_requests ?? {}
  const service = ticketService(container)
  const ledger = await ledgerOf(container, iamport.imp_uid)
  const tickets = await service.listCancelTickets({ payment_id: state.id }, { select: ["refund_id", "metadata", "cancellation_id"] })
  const tracked = new Set(tickets.flatMap((t) => [t.refund_id, (t.metadata as { reversed_refund_id?: string } | null)?.reversed_refund_id]))
  // A record naming a cancellation that a ticket already carries is an interrupted booking of that ticket: the
  // booking itself finds its Refund (bookCancellation), and a second ticket for one cancellation is refused.
  const ticketKeys = new Set(tickets.map((t) => t.cancellation_id).filter(Boolean))
  const bookedRefunds = new Set(ledgerRows(ledger).map((row) => row.refund_id))
  for (const refundId of state.refund_ids) {
    const record = records[refundId]
    // A refund the ledger books is the plugin's own booking, tracked by its ticket.
    if (!record || tracked.has(refundId) || bookedRefunds.has(refundId) || (record.cancellation_id && ticketKeys.has(record.cancellation_id))) {
      continue
    }
    const at = new Date(record.requested_at)
    await service.createCancelTickets({
      payment_id: state.id,
      provider_id: state.provider_id,
      order_id: state.order_id,
      imp_uid: iamport.imp_uid,
      merchant_uid: iamport.merchant_uid,
      amount: record.amount,
      currency_code: state.currency_code,
      origin: !state.order_id ? "compensation" : state.order_status === "canceled" ? "order_cancel" : "admin",
      // Open until the ledger ties it to a cancel_history entry, in this same run when i'mport already shows it
      // (the cancellation_id i'mport gave in its answer to the cancel, if it settled at once).
      status: record.status === "requested" ? "requested" : "waiting_for_cancellation",
      reason: record.reason,
      cancellation_id: record.cancellation_id ?? null,
      refund_id: refundId,
      requested_at: at,
      waiting_since: record.status === "requested" ? null : at,
      needs_attention: record.status === "requested",
      error: record.error ?? null,
      metadata: { booked_by_medusa_before_settlement: true },
    })
  }
}
