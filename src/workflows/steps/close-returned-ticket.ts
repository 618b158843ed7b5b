import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import { emitTicketEventsNow } from "../settlement/events"
import { closeTicketAsRow } from "../settlement/complete-ticket"
import { ledgerOf, ledgerRows, markClosed } from "../settlement/ledger"
import { loadPaymentState } from "../settlement/payment-state"
import { settlePaymentCancellations } from "../settlement/settle-payment-cancellations"
import type { TicketActionInput } from "./prepare-ticket-retry"
import { paymentwallModule } from "../../modules/iamport-paymentwall"

export const closeReturnedTicketStepId = "iamport-paymentwall-close-returned-ticket"

/**
 * A person closes a `returned` ticket whose obstacle can never clear: i'mport returned the money, and Medusa will
 * never book it (say, the order can no longer take a refund). Money-neutral: i'mport's cancel_amount already holds
 * the amount, so nothing is freed or reserved. The booking is tried once more first, so only what Medusa still
 * refuses is closed. The ledger row is written first and keeps who, when and why; the ticket follows from it, here or
 * (after a crash between the two) at the next settlement. Nothing books them again.
 */
export const closeReturnedTicketStep = createStep(
  closeReturnedTicketStepId,
  async ({ ticket_id, actor_id, note }: TicketActionInput, { container }) => {
    const reason = note?.trim()
    if (!reason) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "Say why the ticket is closed (note): it stays on the ticket and on the ledger.")
    }
    const service = paymentwallModule(container)
    let ticket = await service.retrieveCancelTicket(ticket_id)
    assertReturned(ticket.id, ticket.status)
    const iamport = await paymentwallProvider(container, ticket.provider_id).lookupPayment(ticket.imp_uid)
    const settled = await settlePaymentCancellations(container, { payment_id: ticket.payment_id, iamport, read_at: new Date() })
    await emitTicketEventsNow(container, settled.events)
    ticket = await service.retrieveCancelTicket(ticket_id)
    assertReturned(ticket.id, ticket.status)
    if (ticket.refund_id) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Ticket ${ticket.id} is booked to Refund ${ticket.refund_id}: there is nothing to close.`)
    }
    const rows = ledgerRows(await ledgerOf(container, ticket.imp_uid)).filter((row) => row.ticket_id === ticket.id)
    const blocked = rows.filter((row) => row.status === "blocked")
    // A close that died after its ledger write is finished from that row; otherwise only a blocked row closes.
    const closed = rows.find((row) => row.status === "closed")
    if (!blocked.length && !closed) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Ticket ${ticket.id} has no blocked cancellation to close: a booking may be under way. Try again in a moment.`)
    }
    const state = await loadPaymentState(container, ticket.payment_id)
    const live = blocked.find((row) => row.refund_id && state.refund_ids.includes(row.refund_id))
    if (live) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Refund ${live.refund_id} books this cancellation in Medusa: there is nothing to close.`)
    }
    let row = closed
    for (const each of blocked) {
      row = await markClosed(container, each, actor_id ?? null, reason)
    }
    const updated = await closeTicketAsRow(container, ticket, row!)
    return new StepResponse(updated)
  }
)

function assertReturned(id: string, status: string): void {
  if (status !== "returned") {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Only a returned ticket (i'mport returned the money, Medusa refused to book it) can be closed by hand; ticket ${id} is ${status}.`
    )
  }
}
