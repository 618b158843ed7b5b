import { type CancellationEntry, succeeded } from "./cancellation"
import { cancellationsOf } from "./v1/cancel-history"
import type { IamportCancelHistory } from "../iamport/types"
import { type Decimal, formatAmount, minusAmount, toDecimal } from "../money"
import { planSettlement, type PlanTicket, type TicketRow } from "./settlement-plan"
import { RESERVING_TICKET_STATUSES } from "../../modules/iamport-paymentwall/reservation"

/** i'mport's payment as far as what is free to refund goes. */
export type FreeInput = {
  iamport: { amount: number; cancel_amount: number; cancel_history?: readonly IamportCancelHistory[] | null }
  /** Every ticket of the payment (the plan also reads rejected and completed ones). */
  tickets: readonly PlanTicket[]
  /** Ledger keys that Medusa's Refund rows already book. */
  booked: ReadonlySet<string>
  /** The payment's cancellations, transport-neutral, when the caller has them; else mapped from V1's cancel_history. */
  cancellations?: readonly CancellationEntry[]
}

export type FreeToRefund = {
  /** What i'mport shows left: amount − cancel_amount. */
  left: Decimal
  /** What tickets still ask Paymentwall for, that i'mport's history does not already show settled. */
  waiting: Decimal
  /** left − waiting: the most a new cancel may ask for. */
  free: Decimal
  /** Tickets whose result i'mport already shows (its answer is in cancel_amount, the notice may not be processed). */
  settled_ticket_ids: string[]
  /** Tickets counted in `waiting`. */
  waiting_ticket_ids: string[]
}

const RESERVING = new Set<string>(RESERVING_TICKET_STATUSES)

/**
 * The one definition of what may still be asked back of a Paymentwall payment: what i'mport shows left, minus the
 * open tickets whose result i'mport does not already show. A ticket that the history settles (bound to an entry,
 * or the plan's match for a new one) is in cancel_amount already, so it is never counted a second time as waiting.
 * The provider (for every refund Medusa asks for), the admin's refund, the order-cancel guard and the widget all
 * decide with it.
 */
export function freeToRefund({ iamport, tickets, booked, cancellations }: FreeInput): FreeToRefund {
  // Only money returned settles a ticket: one still requested or failed at the transport leaves it waiting.
  const history = succeeded(cancellations ?? cancellationsOf(iamport))
  const shown = new Set(history.flatMap((e) => e.knownAs))
  const settled = new Set<string>()
  for (const step of planSettlement({
    history,
    tickets: [...tickets],
    booked,
    left: minusAmount(iamport.amount, iamport.cancel_amount).toFixed(),
  })) {
    // A suspected approval stays waiting until a person decides: in the world where i'mport keeps the request's
    // reason, its entry is a refund made elsewhere and the ticket is still Paymentwall's to pay. Its entry is booked
    // by neither meanwhile, so Medusa counts the amount once.
    if (step.type === "complete") {
      settled.add(step.ticket_id)
    }
  }
  for (const ticket of tickets) {
    if (ticket.cancellation_id && shown.has(ticket.cancellation_id)) {
      settled.add(ticket.id)
    }
  }
  const waitingTickets = tickets.filter((t) => RESERVING.has(t.status) && !settled.has(t.id))
  const left = minusAmount(iamport.amount, iamport.cancel_amount)
  const waiting = waitingTickets.reduce((sum, t) => sum.plus(toDecimal(t.amount)), toDecimal(0))
  return {
    left,
    waiting,
    free: left.minus(waiting),
    settled_ticket_ids: tickets.filter((t) => settled.has(t.id) && RESERVING.has(t.status)).map((t) => t.id),
    waiting_ticket_ids: waitingTickets.map((t) => t.id),
  }
}

/**
 * The same, from a kept snapshot of i'mport's payment, which knows its cancel_history only by keys: a ticket bound
 * to one of them is in its cancel_amount already. A snapshot can only be behind i'mport, so what it calls free is
 * checked again by i'mport's checksum on the cancel (and a refusal reads afresh, see cancelFromView).
 */
export function freeFromSnapshot(
  snapshot: { amount: number; cancel_amount: number; history_keys?: readonly string[] | null },
  tickets: readonly TicketRow[]
): FreeToRefund {
  const keys = new Set(snapshot.history_keys ?? [])
  const shown = (t: TicketRow) => !!t.cancellation_id && keys.has(t.cancellation_id)
  const waitingTickets = tickets.filter((t) => RESERVING.has(t.status) && !shown(t))
  const left = minusAmount(snapshot.amount, snapshot.cancel_amount)
  const waiting = waitingTickets.reduce((sum, t) => sum.plus(toDecimal(t.amount as number | string)), toDecimal(0))
  return {
    left,
    waiting,
    free: left.minus(waiting),
    settled_ticket_ids: tickets.filter((t) => RESERVING.has(t.status) && shown(t)).map((t) => t.id),
    waiting_ticket_ids: waitingTickets.map((t) => t.id),
  }
}

/** Why `amount` is refused, in the figures an admin can check in i'mport's console; null when it fits. */
export function refusalOf(amount: number, currency: string, free: FreeToRefund): string | null {
  if (!toDecimal(amount).isGreaterThan(free.free)) {
    return null
  }
  const waiting = free.waiting.isGreaterThan(0)
    ? `, of which ${formatAmount(free.waiting)} waits in Paymentwall cancellation tickets`
    : ""
  return (
    `Cannot refund ${formatAmount(amount)} ${currency.toUpperCase()}: i'mport shows ${formatAmount(free.left)} left to refund${waiting}, ` +
    `so at most ${formatAmount(free.free.isNegative() ? toDecimal(0) : free.free)} is free.`
  )
}
