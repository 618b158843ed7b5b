import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import { loadPaymentState } from "../settlement/payment-state"
import { removeRefund } from "../settlement/reverse-refund"
import { emitTicketEventsNow, TICKET_REJECTED_EVENT, type TicketEvent, ticketEvent } from "../settlement/events"
import { OVER_RESERVED_MARK } from "../settlement/flag-over-reservation"
import { settlePaymentCancellations } from "../settlement/settle-payment-cancellations"
import type { TicketActionInput } from "./prepare-ticket-retry"
import { declineSuspectedApproval } from "./bind-suspected-approval"
import { approvalCandidateOf } from "../../lib/settlement-plan"
import { paymentwallModule } from "../../modules/iamport-paymentwall"

export const confirmTicketRejectionStepId = "iamport-paymentwall-confirm-ticket-rejection"
export const keepTicketWaitingStepId = "iamport-paymentwall-keep-ticket-waiting"

/**
 * A shop admin, having checked Paymentwall's merchant area, confirms that Paymentwall rejected a ticket. The only
 * way reserved money is freed: i'mport's API cannot prove a rejection, and a webhook is unauthenticated. i'mport is
 * asked once more first; a cancellation it shows is booked instead. An optimistic Refund (order cancel,
 * compensation) is reversed; a later approval is still booked, since the ticket keeps no Refund.
 */
export const confirmTicketRejectionStep = createStep(
  confirmTicketRejectionStepId,
  async ({ ticket_id, actor_id, note }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    let ticket = await service.retrieveCancelTicket(ticket_id)
    assertWaiting(ticket.id, ticket.status)
    const provider = paymentwallProvider(container, ticket.provider_id)
    const readAt = new Date()
    const iamport = await provider.lookupPayment(ticket.imp_uid)
    const settled = await settlePaymentCancellations(container, { payment_id: ticket.payment_id, iamport, read_at: readAt })
    // Stands even if the rejection is refused below.
    await emitTicketEventsNow(container, settled.events)
    ticket = await service.retrieveCancelTicket(ticket_id)
    if (ticket.status !== "waiting_for_cancellation") {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `i'mport now shows this cancellation as returned, so it was not rejected: the ticket is ${ticket.status}.`
      )
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
      },
    })
    const events: TicketEvent[] = [ticketEvent(TICKET_REJECTED_EVENT, ticket, state)]
    return new StepResponse({ ticket: await service.retrieveCancelTicket(ticket.id), events })
  }
)

/** A shop admin found the ticket still open at Paymentwall: clear the suspicion, keep the amount reserved. */
export const keepTicketWaitingStep = createStep(
  keepTicketWaitingStepId,
  async ({ ticket_id, actor_id, note }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    const before = await service.retrieveCancelTicket(ticket_id)
    const candidate = approvalCandidateOf(before.metadata)
    // A suspected approval may also sit on a request whose answer was lost; anything else must be waiting.
    if (!(candidate && before.status === "requested")) {
      assertWaiting(before.id, before.status)
    }
    // A suspected approval declined: its entry is booked as made outside Medusa, and the ticket waits on.
    await emitTicketEventsNow(container, await declineSuspectedApproval(container, ticket_id))
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
      metadata: { ...(ticket.metadata ?? {}), kept_waiting_at: now.toISOString(), ...(note ? { decision_note: note } : {}) },
    })
    return new StepResponse(await service.retrieveCancelTicket(ticket.id))
  }
)

function assertWaiting(id: string, status: string): void {
  if (status !== "waiting_for_cancellation") {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      status === "requested"
        ? `Ticket ${id} never reached Paymentwall as far as the store knows (no answer from i'mport): check i'mport's console and dismiss or retry it instead.`
        : `Only a ticket waiting for Paymentwall can be decided on; ticket ${id} is ${status}.`
    )
  }
}
