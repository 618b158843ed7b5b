import type { MedusaContainer } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { succeeded } from "../../../lib/paymentwall/cancellation"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { formatAmount } from "../../../lib/money"
import {
  type CancelTicket,
  paymentwallModule,
  RESERVING_TICKET_STATUSES,
  reservedTotal,
} from "../../../modules/iamport-paymentwall"
import type { PaymentFacts } from "./payment-state"

const RESERVING = new Set<string>(RESERVING_TICKET_STATUSES)
/** How an over-reservation flag starts: a decision about a suspected rejection leaves it in place. */
export const OVER_RESERVED_MARK = "i'mport shows only "
const MARK = OVER_RESERVED_MARK

/**
 * Open requests that no longer fit in what i'mport has left: money came back by other means (i'mport's console, a
 * chargeback) while they waited, typically after a request whose answer was lost and that i'mport never got.
 * Paymentwall pays a ticket whole or not at all, so the plugin cannot tell which request will fail: each is flagged
 * for a person, with the figures. Nothing is freed: the tickets keep holding their whole amounts, which leaves
 * nothing refundable until a person dismisses or Paymentwall answers. Returns the tickets newly flagged.
 *
 * Tickets whose cancellation i'mport already shows are returned money, not requests (a booking of theirs may still
 * be running), and Refunds Medusa booked before asking (order cancel) are requests too until i'mport shows them.
 */
export async function flagOverReservation(
  container: MedusaContainer,
  state: PaymentFacts,
  payment: PaymentView
): Promise<CancelTicket[]> {
  const service = paymentwallModule(container)
  const history = succeeded(payment.cancellations)
  const shown = new Set(history.flatMap((e) => e.knownAs))
  const open = (
    await service.listCancelTickets({ payment_id: state.id, status: [...RESERVING_TICKET_STATUSES] })
  ).filter((t) => RESERVING.has(t.status) && !(t.cancellation_id && shown.has(t.cancellation_id)))
  const waiting = open.filter((t) => !t.refund_id)
  if (!waiting.length) {
    return []
  }
  const paid = MathBN.min(state.captured, payment.amount)
  const left = MathBN.sub(MathBN.sub(paid, payment.cancelled_amount), reservedTotal(open.filter((t) => t.refund_id)))
  const asked = reservedTotal(waiting)
  if (!MathBN.gt(asked, left)) {
    return []
  }
  const currency = state.currency_code.toUpperCase()
  const why =
    `${MARK}${formatAmount(MathBN.max(left, 0))} ${currency} left to return (${formatAmount(payment.cancelled_amount)} of ${formatAmount(payment.amount)} ` +
    `returned), but open requests ask for ${formatAmount(asked)} ${currency}: money came back by other means (i'mport console or a chargeback) ` +
    `while they waited, so not all of them can be paid. Check Paymentwall's merchant area and i'mport's console: dismiss a request ` +
    `i'mport never got, or confirm the rejection of a ticket Paymentwall will not pay. Until then the whole amount stays reserved.`
  const flagged: CancelTicket[] = []
  for (const ticket of waiting) {
    // Once per ticket: a person who has looked is not asked again by every notice and job run.
    if (ticket.error?.includes(MARK)) {
      continue
    }
    // Keeps what the ticket said before (an unanswered request's warning).
    await service.updateCancelTickets({
      id: ticket.id,
      needs_attention: true,
      error: ticket.error ? `${why} Earlier: ${ticket.error}` : why,
    })
    flagged.push(ticket)
  }
  return flagged
}
