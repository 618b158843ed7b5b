import type { MedusaContainer } from "@medusajs/framework/types"
import type { IamportPayment } from "../../lib/iamport/types"
import { type BookedCancellations, bookPlannedCancellations } from "./book-planned-cancellations"
import type { TicketEvent } from "./events"
import { flagTickets } from "./flag-tickets"
import { loadPaymentState } from "./payment-state"
import { planPaymentSettlement, type RejectionNotice } from "./plan-payment-settlement"
import { prepareSettlement } from "./prepare-settlement"
import { refreshSnapshot } from "./refresh-snapshot"
import { suspectApprovals, suspectedApprovals, suspectRejections } from "./suspect-rejections"

export type { RejectionNotice } from "./plan-payment-settlement"

export type SettleInput = {
  payment_id: string
  iamport: IamportPayment
  rejection_notice?: RejectionNotice
  /** Flag tickets that have waited longer than this (the settlement job). */
  flag_waiting_after_ms?: number
  rejection_grace_ms?: number
  /** When `iamport` was read (the send, for a cancel's answer): the payment's snapshot is refreshed from it. */
  read_at?: Date
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
  /** For the calling workflow to emit once it succeeds (emitTicketEvents). */
  events: TicketEvent[]
}

/**
 * Brings Medusa in line with i'mport for one payment, in the order of the settle-cancellations workflow's steps:
 * prepare, plan, suspect rejections, book, flag, refresh the snapshot. For the steps that settle as part of a larger one (a cancel
 * settled in i'mport's answer, an admin's decision, an order cancel). Must run under the payment's lock;
 * exactly-once is held by the ledger's unique key per cancellation, so even a run that slips past the lock cannot
 * book twice. Nothing here frees reserved money or removes a Refund: only a shop admin's confirmation does.
 */
export async function settlePaymentCancellations(container: MedusaContainer, input: SettleInput): Promise<SettleResult> {
  const { payment_id, iamport } = input
  const prepared = await prepareSettlement(container, payment_id, iamport)
  const plan = await planPaymentSettlement(container, input)
  const state = await loadPaymentState(container, payment_id)
  const suspicions = await suspectRejections(container, state, suspectedTicketIds(plan))
  suspicions.suspected.push(...(await suspectApprovals(container, payment_id, suspectedApprovals(plan))).flagged)
  const booked = prepared.booking_in_flight ? null : await bookPlannedCancellations(container, payment_id, iamport, plan)
  const flags = await flagTickets(container, {
    payment_id,
    iamport,
    skip_over_reservation: !booked || booked.interrupted,
    flag_waiting_after_ms: input.flag_waiting_after_ms,
  })
  if (input.read_at && !prepared.booking_in_flight) {
    await refreshSnapshot(container, payment_id, iamport, input.read_at)
  }
  return settleResultOf(booked, suspicions, flags)
}

/** The parts' results as one: what the settle-cancellations workflow and this function both answer. */
export function settleResultOf(
  booked: BookedCancellations | null,
  suspicions: { suspected: string[]; events: TicketEvent[] },
  flags: { flagged: string[]; events: TicketEvent[] }
): SettleResult {
  return {
    booked: booked?.booked ?? [],
    completed: booked?.completed ?? [],
    external: booked?.external ?? [],
    blocked: booked?.blocked ?? [],
    suspected: suspicions.suspected,
    flagged: flags.flagged,
    events: [...suspicions.events, ...flags.events],
  }
}

export function suspectedTicketIds(plan: { type: string; ticket_id?: string }[]): string[] {
  return plan.flatMap((step) => (step.type === "suspect_rejection" && step.ticket_id ? [step.ticket_id] : []))
}
