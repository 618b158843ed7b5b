import type { MedusaContainer } from "@medusajs/framework/types"
import { paymentwallModule } from "../../modules/iamport-paymentwall"
import { TICKET_REJECTION_SUSPECTED_EVENT, type TicketEvent, ticketEvent } from "./events"
import { type FlagChange, flagChanges, flagsBefore } from "./ticket-flags"

const SUSPICION =
  "A notice from i'mport suggests Paymentwall rejected this cancellation, but i'mport's API cannot prove it. " +
  "Check the ticket in Paymentwall's merchant area, then confirm the rejection or keep waiting. The amount stays reserved until then."

/**
 * Tickets a notice hints Paymentwall rejected: flagged for a person, who confirms or keeps waiting. The amount stays
 * reserved; a notice is unauthenticated and i'mport's API cannot prove a rejection.
 */
export async function suspectRejections(
  container: MedusaContainer,
  payment: { id: string; order_id: string | null },
  ticketIds: string[]
): Promise<{ suspected: string[]; events: TicketEvent[]; changes: FlagChange[] }> {
  if (!ticketIds.length) {
    return { suspected: [], events: [], changes: [] }
  }
  const service = paymentwallModule(container)
  const before = await flagsBefore(container, ticketIds)
  const tickets = await service.listCancelTickets({ id: ticketIds, payment_id: payment.id })
  await service.updateCancelTickets(tickets.map((t) => ({ id: t.id, rejection_suspected_at: new Date(), needs_attention: true, error: SUSPICION })))
  return {
    suspected: tickets.map((t) => t.id),
    events: tickets.map((t) => ticketEvent(TICKET_REJECTION_SUSPECTED_EVENT, t, payment)),
    changes: await flagChanges(container, before, tickets.map((t) => t.id)),
  }
}
