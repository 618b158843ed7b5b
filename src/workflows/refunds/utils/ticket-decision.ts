import { MedusaError } from "@medusajs/framework/utils"
import type { CancelTicket } from "../../../modules/iamport-paymentwall"

/** A ticket whose payment a ticket action settles before it decides. */
export type TicketToSettle = { ticket_id: string; payment_id: string; provider_id: string; imp_uid: string }

/**
 * What a ticket action that settles first (confirm a rejection, close by hand) answers. A refusal found after the
 * settlement is a result, not a throw: the settlement's bookings, flags and events stand whatever the decision (a
 * flag is raised once, and no later run would raise it again), so the flow succeeds. No answer looks like success
 * by default: a caller reads `outcome`, or passes the answer to throwIfRefused as the admin routes do.
 */
export type TicketDecision =
  { outcome: "decided"; ticket: CancelTicket } | { outcome: "refused"; reason: string; ticket: CancelTicket }

export function ticketToSettle(
  ticket: Pick<CancelTicket, "id" | "payment_id" | "provider_id" | "imp_uid">
): TicketToSettle {
  return {
    ticket_id: ticket.id,
    payment_id: ticket.payment_id,
    provider_id: ticket.provider_id,
    imp_uid: ticket.imp_uid,
  }
}

/** Throws a decision's refusal for a caller that wants an error, as the admin routes do. */
export function throwIfRefused(decision: TicketDecision): CancelTicket {
  if (decision.outcome !== "decided") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, decision.reason)
  }
  return decision.ticket
}

export function notWaitingReason(id: string, status: string): string | null {
  if (status === "waiting_for_cancellation") {
    return null
  }
  return status === "requested"
    ? `Ticket ${id} never reached Paymentwall as far as the store knows (no answer from i'mport): check i'mport's console and dismiss or retry it instead.`
    : `Only a ticket waiting for Paymentwall can be decided on; ticket ${id} is ${status}.`
}

export function assertWaiting(id: string, status: string): void {
  const reason = notWaitingReason(id, status)
  if (reason) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, reason)
  }
}
