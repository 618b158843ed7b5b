import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { type KeyedCancellation, keyedCancellations } from "../../lib/cancel-history"
import type { IamportPayment } from "../../lib/iamport/types"
import { planSettlement, type PlanTicket } from "../../lib/settlement-plan"
import { paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import { sessionIdFromMerchantUid } from "../../providers/iamport-paymentwall/payment-data"
import { adoptRecordedRefunds } from "./adopt-recorded-refunds"
import { bookCancellation, clearRecordOnlyMarker } from "./book-cancellation"
import { completeOptimisticTicket, finishInterruptedTickets } from "./complete-ticket"
import { emitTicketEvent, TICKET_ATTENTION_EVENT, TICKET_REJECTION_SUSPECTED_EVENT } from "./events"
import { flagStaleTickets } from "./flag-stale-tickets"
import { flagOverReservation } from "./flag-over-reservation"
import { bookedKeys, ledgerOf } from "./ledger"
import { loadPaymentState, type PaymentState } from "./payment-state"
import { type CancelTicket, paymentwallModule } from "../../modules/iamport-paymentwall"

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
export async function settlePaymentCancellations(container: MedusaContainer, input: SettleInput): Promise<SettleResult> {
  const result: SettleResult = { booked: [], completed: [], external: [], blocked: [], suspected: [], flagged: [] }
  let state = await loadPaymentState(container, input.payment_id)
  assertSamePayment(state, input.iamport)
  const service = paymentwallModule(container)
  // A marker younger than a lock's lifetime may belong to a booking still running in a process whose lock
  // expired: book nothing this time. An older one was left by a booking that died, and is cleared.
  const marker = state.data.iamport_record_only
  const leaseMs = paymentwallProvider(container, state.provider_id).lockTtlSeconds() * 1000
  const bookingInFlight = !!marker && Date.now() - new Date(marker.set_at ?? 0).getTime() < leaseMs
  if (marker && !bookingInFlight) {
    await clearRecordOnlyMarker(container, state.id)
    state = await loadPaymentState(container, state.id)
  }
  await adoptRecordedRefunds(container, state, input.iamport)

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
  let interrupted = false
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
      await emitTicketEvent(container, TICKET_REJECTION_SUSPECTED_EVENT, ticket, state)
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
      state = await completeOptimisticTicket(container, state, input.iamport, ticket, step.entry)
      result.completed.push(ticket.id)
      continue
    }
    const outcome = await bookCancellation(container, state, input.iamport, ticket, step.entry)
    state = await loadPaymentState(container, state.id)
    if (outcome.kind === "in_flight") {
      interrupted = true
      continue
    }
    if (outcome.kind === "blocked") {
      result.blocked.push(step.entry.key)
      continue
    }
    result.booked.push(step.entry.key)
    result[step.type === "external" ? "external" : "completed"].push(ticket.id)
  }

  // A booking still running would count its own cancellation as returned by other means: look next time.
  if (!bookingInFlight && !interrupted) {
    for (const ticket of await flagOverReservation(container, state, input.iamport)) {
      result.flagged.push(ticket.id)
      await emitTicketEvent(container, TICKET_ATTENTION_EVENT, ticket, state)
    }
  }
  for (const ticket of await flagStaleTickets(container, state, input.flag_waiting_after_ms)) {
    result.flagged.push(ticket.id)
    await emitTicketEvent(container, TICKET_ATTENTION_EVENT, ticket, state)
  }
  return result
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
    history_before: historyBefore(ticket.metadata),
    // What the request told i'mport; an external ticket's reason is the entry's own, never a request's.
    sent_reason: ticket.origin === "external" ? null : ticket.reason,
  }
}

function historyBefore(metadata: unknown): string[] | null {
  const value = (metadata as { history_before?: unknown } | null)?.history_before
  return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : null
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

