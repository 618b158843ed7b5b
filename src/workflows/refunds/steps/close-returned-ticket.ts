import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { closeTicketAsRow } from "../../settlement/utils/complete-ticket"
import { ledgerOf, ledgerRows, markClosed } from "../../settlement/utils/ledger"
import { loadPaymentState } from "../../settlement/utils/payment-state"
import type { TicketActionInput } from "./prepare-ticket-retry"
import { type TicketDecision, type TicketToSettle, ticketToSettle } from "../utils/ticket-decision"

export const checkClosableTicketStepId = "iamport-paymentwall-check-closable-ticket"
export const closeReturnedTicketStepId = "iamport-paymentwall-close-returned-ticket"

/** A close needs a reason and a returned ticket; its payment is then settled, so only what Medusa still refuses is closed. */
export const checkClosableTicketStep = createStep(
  checkClosableTicketStepId,
  async ({ ticket_id, note }: TicketActionInput, { container }) => {
    if (!note?.trim()) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        "Say why the ticket is closed (note): it stays on the ticket and on the ledger."
      )
    }
    const ticket = await paymentwallModule(container).retrieveCancelTicket(ticket_id)
    const reason = notReturnedReason(ticket.id, ticket.status)
    if (reason) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, reason)
    }
    return new StepResponse<TicketToSettle>(ticketToSettle(ticket))
  }
)

/**
 * A person closes a `returned` ticket whose obstacle can never clear: i'mport returned the money, and Medusa will
 * never book it (say, the order can no longer take a refund). Money-neutral: i'mport's cancel_amount already holds
 * the amount, so nothing is freed or reserved. Runs after the payment was settled in the same flow (the booking
 * tried once more). The ledger row is written first and keeps who, when and why; the ticket follows from it, here
 * or (after a crash between the two) at the next settlement. Nothing books them again.
 */
export const closeReturnedTicketStep = createStep(
  closeReturnedTicketStepId,
  async ({ ticket_id, actor_id, note }: TicketActionInput, { container }) => {
    const ticket = await paymentwallModule(container).retrieveCancelTicket(ticket_id)
    const refuse = (reason: string) => new StepResponse<TicketDecision>({ outcome: "refused", reason, ticket })
    const notReturned = notReturnedReason(ticket.id, ticket.status)
    if (notReturned) {
      return refuse(notReturned)
    }
    if (ticket.refund_id) {
      return refuse(`Ticket ${ticket.id} is booked to Refund ${ticket.refund_id}: there is nothing to close.`)
    }
    const rows = ledgerRows(await ledgerOf(container, ticket.imp_uid)).filter((row) => row.ticket_id === ticket.id)
    const blocked = rows.filter((row) => row.status === "blocked")
    // A close that died after its ledger write is finished from that row; otherwise only a blocked row closes.
    const closed = rows.find((row) => row.status === "closed")
    if (!blocked.length && !closed) {
      return refuse(
        `Ticket ${ticket.id} has no blocked cancellation to close: a booking may be under way. Try again in a moment.`
      )
    }
    const state = await loadPaymentState(container, ticket.payment_id)
    const live = blocked.find((row) => row.refund_id && state.refund_ids.includes(row.refund_id))
    if (live) {
      return refuse(`Refund ${live.refund_id} books this cancellation in Medusa: there is nothing to close.`)
    }
    let row = closed
    for (const each of blocked) {
      row = await markClosed(container, each, actor_id ?? null, note!.trim())
    }
    return new StepResponse<TicketDecision>({
      outcome: "decided",
      ticket: await closeTicketAsRow(container, ticket, row!),
    })
  }
)

function notReturnedReason(id: string, status: string): string | null {
  return status === "returned"
    ? null
    : `Only a returned ticket (i'mport returned the money, Medusa refused to book it) can be closed by hand; ticket ${id} is ${status}.`
}
