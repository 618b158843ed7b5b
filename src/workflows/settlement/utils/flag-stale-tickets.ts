import type { MedusaContainer } from "@medusajs/framework/types"
import { type CancelTicket, OPEN_TICKET_STATUSES, paymentwallModule } from "../../../modules/iamport-paymentwall"
import type { PaymentFacts } from "./payment-state"

/** Open tickets past the attention threshold (the settlement job's): flagged for a person, once. Returns them. */
export async function flagStaleTickets(
  container: MedusaContainer,
  state: PaymentFacts,
  afterMs: number | undefined
): Promise<CancelTicket[]> {
  const flagged: CancelTicket[] = []
  const service = paymentwallModule(container)
  const now = new Date()
  for (const ticket of await service.listCancelTickets({ payment_id: state.id, status: [...OPEN_TICKET_STATUSES] })) {
    const since = ticket.waiting_since ?? ticket.requested_at
    const stale = afterMs !== undefined && !ticket.needs_attention && now.getTime() - since.getTime() > afterMs
    await service.updateCancelTickets({
      id: ticket.id,
      last_checked_at: now,
      ...(stale ? { needs_attention: true, error: `No answer from Paymentwall since ${since.toISOString()}` } : {}),
    })
    if (stale) {
      flagged.push(ticket)
    }
  }
  return flagged
}
