import type { OrderView, Ticket } from "./types"

/** Tickets whose money is still with Paymentwall (or whose send is unanswered): the order shows no Refund for them. */
export function waitingTickets(view: OrderView | undefined): Ticket[] {
  return (view?.payments ?? []).flatMap((p) =>
    p.tickets.filter((t) => t.status === "requested" || t.status === "waiting_for_cancellation")
  )
}
