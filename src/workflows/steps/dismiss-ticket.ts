import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ticketService } from "../settlement/payment-state"
import type { TicketActionInput } from "./prepare-ticket-retry"

/**
 * A person has dealt with a ticket that needed attention. An unanswered request they found absent from i'mport's
 * console becomes failed (it holds no money back any more); any other flagged ticket is just acknowledged.
 */
export const dismissTicketStep = createStep(
  "iamport-paymentwall-dismiss-ticket",
  async ({ ticket_id, actor_id }: TicketActionInput, { container }) => {
    const service = ticketService(container)
    const ticket = await service.retrieveCancelTicket(ticket_id)
    if (!ticket.needs_attention && ticket.status !== "requested") {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Ticket ${ticket.id} does not need attention.`)
    }
    const metadata = { ...(ticket.metadata ?? {}), dismissed_by: actor_id ?? null, dismissed_at: new Date().toISOString() }
    const unanswered = ticket.status === "requested"
    await service.updateCancelTickets({
      id: ticket.id,
      needs_attention: false,
      metadata,
      ...(unanswered
        ? { status: "failed", settled_at: new Date(), error: `${ticket.error ?? "No answer from i'mport"} (dismissed: not found at i'mport)` }
        : {}),
    })
    return new StepResponse(await service.retrieveCancelTicket(ticket.id))
  }
)
