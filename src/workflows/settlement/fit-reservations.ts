import type { MedusaContainer } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import type { IamportPayment } from "../../lib/iamport/types"
import { formatAmount } from "../../lib/money"
import { type PaymentState } from "./payment-state"
import { OPEN_TICKET_STATUSES, RESERVING_TICKET_STATUSES, reservedAmount, type CancelTicket, paymentwallModule } from "../../modules/iamport-paymentwall"

const RESERVING = new Set<string>(RESERVING_TICKET_STATUSES)

/**
 * Open tickets without a Refund hold money back, but never more than can still come back. Money that i'mport
 * returned by other means while a request waited (its console, a chargeback) cannot also come back through the
 * ticket: Paymentwall never returns more than was paid. So a reservation that no longer fits is lowered to what
 * is left, oldest ticket first (Paymentwall works through them in order), and the ticket is flagged.
 *
 * Only i'mport's own answer lowers a reservation, and lowering it frees nothing: whatever it gives up is already
 * returned, so the refundable balance stays at zero. The status never changes; a person decides on the ticket.
 * Returns the tickets it lowered.
 */
export async function fitReservations(container: MedusaContainer, state: PaymentState, iamport: IamportPayment): Promise<CancelTicket[]> {
  const service = paymentwallModule(container)
  const tickets = await service.listCancelTickets(
    { payment_id: state.id, status: [...OPEN_TICKET_STATUSES] },
    { order: { requested_at: "ASC" } }
  )
  const live = new Map(state.refunds.map((r) => [r.id, r.amount]))
  const sum = (list: CancelTicket[], amount: (t: CancelTicket) => ReturnType<typeof MathBN.convert>) =>
    list.reduce((total, t) => MathBN.convert(MathBN.add(total, amount(t))), MathBN.convert(0))
  // Returned at i'mport but not booked: in cancel_amount, not in Medusa's refunded total.
  const returned = sum(tickets.filter((t) => t.status === "returned" && !t.refund_id), (t) => MathBN.convert(t.amount as never))
  // Booked by Medusa before i'mport showed them (order cancel, compensation): in refunded, not in cancel_amount.
  const optimistic = sum(
    tickets.filter((t) => RESERVING.has(t.status) && t.refund_id && live.has(t.refund_id)),
    (t) => live.get(t.refund_id!)!
  )
  const leftInMedusa = MathBN.sub(MathBN.sub(state.captured, state.refunded), returned)
  const leftAtIamport = MathBN.sub(MathBN.sub(state.captured, iamport.cancel_amount), optimistic)
  let room = MathBN.convert(MathBN.max(0, MathBN.min(leftInMedusa, leftAtIamport)))

  const lowered: CancelTicket[] = []
  for (const ticket of tickets.filter((t) => RESERVING.has(t.status) && !t.refund_id)) {
    const held = reservedAmount(ticket)
    const fit = MathBN.convert(MathBN.min(held, room))
    room = MathBN.convert(MathBN.sub(room, fit))
    if (!MathBN.lt(fit, held)) {
      continue
    }
    const currency = ticket.currency_code.toUpperCase()
    const why =
      `i'mport shows ${formatAmount(iamport.cancel_amount)} ${currency} of ${formatAmount(iamport.amount)} ${currency} returned, so this request of ` +
      `${formatAmount(ticket.amount as never)} ${currency} can bring back at most ${formatAmount(fit)} ${currency} more: the rest came back by other ` +
      `means (i'mport console or a chargeback). Check Paymentwall's merchant area and i'mport's console, then dismiss or keep the request.`
    await service.updateCancelTickets({
      id: ticket.id,
      reserved_amount: fit.toNumber(),
      needs_attention: true,
      error: ticket.error && !ticket.error.startsWith("i'mport shows ") ? `${why} Earlier: ${ticket.error}` : why,
    })
    lowered.push(ticket)
  }
  return lowered
}
