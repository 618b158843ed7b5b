import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { approvalCandidateOf } from "../../../lib/paymentwall/settlement-plan"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { TICKET_REJECTED_EVENT, type TicketEvent, ticketEvent } from "../../settlement/utils/events"
import { OVER_RESERVED_MARK } from "../../settlement/utils/flag-over-reservation"
import { loadPaymentState } from "../../settlement/utils/payment-state"
import { candidateDecided } from "../../settlement/utils/complete-ticket"
import { removeRefund } from "../../settlement/utils/reverse-refund"
import type { TicketActionInput } from "./prepare-ticket-retry"
import { assertWaiting, type TicketDecision, type TicketToSettle, ticketToSettle } from "../utils/ticket-decision"

export const checkRejectableTicketStepId = "iamport-paymentwall-check-rejectable-ticket"
export const confirmTicketRejectionStepId = "iamport-paymentwall-confirm-ticket-rejection"
export const declineSuspectedApprovalStepId = "iamport-paymentwall-decline-suspected-approval"
export const keepTicketWaitingStepId = "iamport-paymentwall-keep-ticket-waiting"

/** Only a ticket waiting for Paymentwall can be found rejected; its payment is then settled before the decision. */
export const checkRejectableTicketStep = createStep(
  checkRejectableTicketStepId,
  async ({ ticket_id }: TicketActionInput, { container }) => {
    const ticket = await paymentwallModule(container).retrieveCancelTicket(ticket_id)
    assertWaiting(ticket.id, ticket.status)
    return new StepResponse<TicketToSettle>(ticketToSettle(ticket))
  }
)

/**
 * A shop admin, having checked Paymentwall's merchant area, confirms that Paymentwall rejected a ticket. The only
 * way reserved money is freed: i'mport's API cannot prove a rejection, and a webhook is unauthenticated. Runs after
 * the payment was settled in the same flow: a cancellation i'mport shows for it was booked instead, and the
 * rejection is refused. An optimistic Refund (order cancel, compensation) is reversed; a later approval is still
 * booked, since the ticket keeps no Refund.
 */
export const confirmTicketRejectionStep = createStep(
  confirmTicketRejectionStepId,
  async ({ ticket_id, actor_id, note }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    const ticket = await service.retrieveCancelTicket(ticket_id)
    if (ticket.status !== "waiting_for_cancellation") {
      const reason = `i'mport now shows this cancellation as returned, so it was not rejected: the ticket is ${ticket.status}.`
      return new StepResponse<{ decision: TicketDecision; events: TicketEvent[] }>({
        decision: { outcome: "refused", reason, ticket },
        events: [],
      })
    }
    const state = await loadPaymentState(container, ticket.payment_id)
    const left = ticket.refund_id
      ? await removeRefund(container, state, { id: ticket.refund_id, amount: ticket.amount }, ticket.origin !== "admin")
      : []
    if (ticket.refund_id && ticket.origin === "order_cancel") {
      left.push("the refund credit line that the order cancellation added cannot be removed in Medusa")
    }
    const message = "Paymentwall rejected the cancellation ticket (confirmed by a shop admin)"
    const now = new Date()
    await service.updateCancelTickets({
      id: ticket.id,
      status: "rejected",
      refund_id: null,
      settled_at: now,
      decided_by: actor_id ?? null,
      decided_at: now,
      error: left.length ? `${message}. Medusa's refund was reversed, but ${left.join("; ")}.` : message,
      // A rejection after Medusa had already booked the refund needs a person: the buyer was told of a refund.
      needs_attention: ticket.refund_id !== null,
      metadata: {
        ...(ticket.metadata ?? {}),
        ...(ticket.refund_id ? { reversed_refund_id: ticket.refund_id } : {}),
        ...(note ? { decision_note: note } : {}),
        ...candidateDecided(ticket).metadata,
      },
    })
    const events: TicketEvent[] = [ticketEvent(TICKET_REJECTED_EVENT, ticket, state)]
    const decision: TicketDecision = { outcome: "decided", ticket: await service.retrieveCancelTicket(ticket.id) }
    return new StepResponse({ decision, events })
  }
)

/**
 * "Keep waiting" checks the ticket, and on a suspected approval declines it: the entry is not this ticket's, so the
 * settlement that follows books it as made outside Medusa, and the ticket waits on. No settlement without one.
 */
export const declineSuspectedApprovalStep = createStep(
  declineSuspectedApprovalStepId,
  async ({ ticket_id }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    const ticket = await service.retrieveCancelTicket(ticket_id)
    const candidate = approvalCandidateOf(ticket.metadata)
    // A suspected approval may also sit on a request whose answer was lost; anything else must be waiting.
    if (!(candidate && ticket.status === "requested")) {
      assertWaiting(ticket.id, ticket.status)
    }
    if (candidate) {
      const { approval_candidate: _declined, ...metadata } = (ticket.metadata ?? {}) as Record<string, unknown>
      const declined = Array.isArray(metadata.declined_approvals) ? (metadata.declined_approvals as string[]) : []
      // Medusa's update merges metadata: "" is what removes the candidate.
      await service.updateCancelTickets({
        id: ticket.id,
        metadata: { ...metadata, declined_approvals: [...declined, candidate.key], approval_candidate: "" },
      })
    }
    return new StepResponse({ ...ticketToSettle(ticket), settle: !!candidate })
  }
)

/** A shop admin found the ticket still open at Paymentwall: clear the suspicion, keep the amount reserved. */
export const keepTicketWaitingStep = createStep(
  keepTicketWaitingStepId,
  async ({ ticket_id, actor_id, note }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    const ticket = await service.retrieveCancelTicket(ticket_id)
    const now = new Date()
    // Requests that no longer all fit stay flagged: keeping this one waiting does not settle the others.
    const overReserved = !!ticket.error?.includes(OVER_RESERVED_MARK)
    await service.updateCancelTickets({
      id: ticket.id,
      rejection_suspected_at: null,
      needs_attention: overReserved,
      error: overReserved ? ticket.error : null,
      decided_by: actor_id ?? null,
      decided_at: now,
      metadata: {
        ...(ticket.metadata ?? {}),
        kept_waiting_at: now.toISOString(),
        ...(note ? { decision_note: note } : {}),
      },
    })
    return new StepResponse(await service.retrieveCancelTicket(ticket.id))
  }
)
