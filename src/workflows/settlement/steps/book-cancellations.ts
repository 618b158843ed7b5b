import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import type { PlanStep } from "../../../lib/paymentwall/settlement-plan"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { CancellationEntry } from "../../../lib/paymentwall/cancellation"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { bookCancellation } from "../utils/book-cancellation"
import { completeOptimisticTicket } from "../utils/complete-ticket"
import { loadPaymentState, type PaymentFacts, paymentFactsOf, type PaymentState } from "../utils/payment-state"

export const bookCancellationsStepId = "iamport-paymentwall-book-cancellations"

/**
 * Books each cancellation i'mport shows returned as one Medusa Refund, exactly once (the ledger's claim), through
 * Medusa's refundPaymentWorkflow. No compensation, deliberately: the money is back with the buyer, and undoing the
 * booking because a later step failed would make Medusa disagree with i'mport until the next run booked it again.
 * Null when it booked nothing because another process may still be booking.
 */
export const bookCancellationsStep = createStep(
  bookCancellationsStepId,
  async (
    input: {
      payment_id: string
      payment: PaymentView | null
      plan: PlanStep[]
      booking_in_flight: boolean
    },
    { container }
  ) => {
    if (!input.payment || input.booking_in_flight) {
      return new StepResponse<BookedCancellations | null>(null)
    }
    return new StepResponse<BookedCancellations | null>(
      await bookPlannedCancellations(container, input.payment_id, input.payment, input.plan)
    )
  }
)

export type BookedCancellations = {
  /** Ledger keys booked as Medusa Refunds in this run. */
  booked: string[]
  /** Tickets completed: booked now, or an optimistic Refund tied to its cancellation. */
  completed: string[]
  /** Tickets made for cancellations nobody asked for in Medusa, and booked. */
  external: string[]
  /** Returned at i'mport, but Medusa refused the booking for now (ledger keys). */
  blocked: string[]
  /** Another process may still be booking one of them: the next run looks again. */
  interrupted: boolean
  /** Medusa's payment as the bookings left it (read again after each), for the flags after; null when unread. */
  state: PaymentFacts | null
}

/**
 * Books each cancellation the plan ties to a ticket, or to a new external ticket, exactly once (book-cancellation
 * holds the ledger's claim). One at a time, each on the state the booking before it left.
 */
export async function bookPlannedCancellations(
  container: MedusaContainer,
  paymentId: string,
  payment: PaymentView,
  plan: PlanStep[]
): Promise<BookedCancellations> {
  const result: BookedCancellations = {
    booked: [],
    completed: [],
    external: [],
    blocked: [],
    interrupted: false,
    state: null,
  }
  if (!plan.some((step) => step.type !== "suspect_rejection" && step.type !== "suspect_approval")) {
    return result
  }
  const service = paymentwallModule(container)
  // Read here, not handed on: a booking decides on the Refunds Medusa holds now (book-cancellation).
  let state = await loadPaymentState(container, paymentId)
  const tickets = new Map((await service.listCancelTickets({ payment_id: paymentId })).map((t) => [t.id, t]))
  for (const step of plan) {
    if (step.type === "suspect_rejection" || step.type === "suspect_approval") {
      continue
    }
    let ticket =
      step.type === "complete"
        ? tickets.get(step.ticket_id)!
        : await service.createCancelTickets(externalTicket(state, payment, step.entry))
    if (step.type === "complete" && step.matched_by) {
      // The admin sees why: i'mport's entry gave its own reason, and the ticket could no longer be approved on top.
      ticket = await service.updateCancelTickets({
        id: ticket.id,
        metadata: {
          ...(ticket.metadata ?? {}),
          matched_by: step.matched_by,
          matched_entry_reason: step.entry.reason ?? null,
        },
      })
    }
    if (step.type === "complete" && !step.book) {
      state = await completeOptimisticTicket(container, state, payment, ticket, step.entry)
      result.completed.push(ticket.id)
      continue
    }
    const outcome = await bookCancellation(container, state, payment, ticket, step.entry)
    // Each outcome carries the state as the booking left it (read again after any write of Medusa's).
    state = outcome.state
    if (outcome.kind === "in_flight") {
      result.interrupted = true
    } else if (outcome.kind === "blocked") {
      result.blocked.push(step.entry.key)
    } else {
      result.booked.push(step.entry.key)
      result[step.type === "external" ? "external" : "completed"].push(ticket.id)
    }
  }
  return { ...result, state: paymentFactsOf(state) }
}

function externalTicket(state: PaymentState, payment: PaymentView, entry: CancellationEntry) {
  const at = new Date((entry.cancelled_at || Math.floor(Date.now() / 1000)) * 1000)
  return {
    payment_id: state.id,
    provider_id: state.provider_id,
    order_id: state.order_id,
    imp_uid: payment.id,
    merchant_uid: payment.merchant_uid,
    amount: entry.amount,
    currency_code: state.currency_code,
    origin: "external" as const,
    status: "waiting_for_cancellation" as const,
    // Tied to its entry at once: a run that dies before booking finds this ticket again, not a second one.
    cancellation_id: entry.key,
    reason: entry.reason || "Cancelled outside Medusa (i'mport console or chargeback)",
    note: `Cancelled outside Medusa: ${entry.reason || "no reason given"}`,
    requested_at: at,
    waiting_since: at,
  }
}
