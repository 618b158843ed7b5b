import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { isBooked, keyedCancellations } from "../../lib/cancel-history"
import { bookedKeys, ledgerOf } from "../settlement/ledger"
import { approvalCandidateOf } from "../../lib/settlement-plan"
import { paymentwallModule } from "../../modules/iamport-paymentwall"
import { paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import type { TicketEvent } from "../settlement/events"
import { settlePaymentCancellations } from "../settlement/settle-payment-cancellations"
import type { TicketActionInput } from "./prepare-ticket-retry"

export const bindSuspectedApprovalStepId = "iamport-paymentwall-bind-suspected-approval"

/**
 * A shop admin says the cancellation i'mport shows with another reason is Paymentwall's approval of this ticket:
 * the ticket is bound to it and booked now, with the ticket's note and reason, after a fresh look at i'mport that
 * must still show it unbooked. Who said so, and when, stays on the ticket.
 */
export const bindSuspectedApprovalStep = createStep(
  bindSuspectedApprovalStepId,
  async ({ ticket_id, actor_id, note }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    const ticket = await service.retrieveCancelTicket(ticket_id)
    const candidate = approvalCandidateOf(ticket.metadata)
    if (!candidate || (ticket.status !== "waiting_for_cancellation" && ticket.status !== "requested")) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Ticket ${ticket.id} has no cancellation at i'mport that may be its approval (it is ${ticket.status}).`)
    }
    const iamport = await paymentwallProvider(container, ticket.provider_id).lookupPayment(ticket.imp_uid)
    const entry = keyedCancellations(iamport.cancel_history).find((e) => e.knownAs.includes(candidate.key))
    if (!entry) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport no longer shows the cancellation ${candidate.key} of this payment.`)
    }
    if (isBooked(entry, bookedKeys(await ledgerOf(container, ticket.imp_uid)))) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport's cancellation ${entry.key} is booked already, so it cannot be this ticket's approval as well.`)
    }
    const now = new Date()
    const { approval_candidate: _done, ...metadata } = (ticket.metadata ?? {}) as Record<string, unknown>
    await service.updateCancelTickets({
      id: ticket.id,
      cancellation_id: entry.key,
      needs_attention: false,
      error: null,
      decided_by: actor_id ?? null,
      decided_at: now,
      metadata: { ...metadata, matched_by: "person", bound_entry_reason: entry.reason ?? null, ...(note ? { decision_note: note } : {}) },
    })
    const settled = await settlePaymentCancellations(container, { payment_id: ticket.payment_id, iamport, read_at: now })
    return new StepResponse({ ticket: await service.retrieveCancelTicket(ticket.id), events: settled.events })
  }
)

/** "Keep waiting" on a suspected approval: the entry is not this ticket's; it is booked as made outside Medusa. */
export async function declineSuspectedApproval(container: MedusaContainer, ticketId: string): Promise<TicketEvent[]> {
  const service = paymentwallModule(container)
  const ticket = await service.retrieveCancelTicket(ticketId)
  const candidate = approvalCandidateOf(ticket.metadata)
  if (!candidate) {
    return []
  }
  const { approval_candidate: _declined, ...metadata } = (ticket.metadata ?? {}) as Record<string, unknown>
  const declined = Array.isArray(metadata.declined_approvals) ? (metadata.declined_approvals as string[]) : []
  await service.updateCancelTickets({ id: ticket.id, metadata: { ...metadata, declined_approvals: [...declined, candidate.key] } })
  const readAt = new Date()
  const iamport = await paymentwallProvider(container, ticket.provider_id).lookupPayment(ticket.imp_uid)
  return (await settlePaymentCancellations(container, { payment_id: ticket.payment_id, iamport, read_at: readAt })).events
}
