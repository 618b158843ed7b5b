import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import type { MedusaContainer } from "@medusajs/framework/types"
import { TICKET_ATTENTION_EVENT, type TicketEvent, ticketEvent } from "../utils/events"
import { flagOverReservation } from "../utils/flag-over-reservation"
import { flagStaleTickets } from "../utils/flag-stale-tickets"
import { OPEN_TICKET_STATUSES, paymentwallModule } from "../../../modules/iamport-paymentwall"
import { loadPaymentState, type PaymentFacts, paymentFactsOf } from "../utils/payment-state"
import { type FlagChange, flagChanges, flagsBefore, undoFlagChanges } from "../utils/ticket-flags"

export const flagTicketsStepId = "iamport-paymentwall-flag-tickets"

/** Flags over-reserved and stale tickets for a person; undone if the workflow fails after it. */
export const flagTicketsStep = createStep(
  flagTicketsStepId,
  async (
    input: {
      payment_id: string
      payment: PaymentView | null
      /** Medusa's payment as the settlement's earlier steps left it (read once, handed on). */
      state?: PaymentFacts | null
      skip_over_reservation: boolean
      flag_waiting_after_ms?: number
    },
    { container }
  ) => {
    const { payment } = input
    if (!payment) {
      return new StepResponse<{ flagged: string[]; events: TicketEvent[] }, FlagChange[]>(
        { flagged: [], events: [] },
        []
      )
    }
    const { flagged, events, changes } = await flagTickets(container, { ...input, payment })
    return new StepResponse({ flagged, events }, changes)
  },
  async (changes, { container }) => {
    await undoFlagChanges(container, changes ?? [])
  }
)

/**
 * The last part of a settlement: flags open requests that no longer fit in what i'mport has left, and tickets
 * Paymentwall has left waiting too long. Flags ask a person to look; nothing is freed.
 */
export async function flagTickets(
  container: MedusaContainer,
  input: {
    payment_id: string
    payment: PaymentView
    state?: PaymentFacts | null
    /** A booking still running would count its own cancellation as returned by other means: look next time. */
    skip_over_reservation: boolean
    flag_waiting_after_ms?: number
  }
): Promise<{ flagged: string[]; events: TicketEvent[]; changes: FlagChange[] }> {
  // Both flags are only ever set on open tickets: with none (the usual end of a booking), nothing to read.
  const open = await paymentwallModule(container).listCancelTickets(
    { payment_id: input.payment_id, status: [...OPEN_TICKET_STATUSES] },
    { select: ["id"] }
  )
  if (!open.length) {
    return { flagged: [], events: [], changes: [] }
  }
  const state = input.state ?? paymentFactsOf(await loadPaymentState(container, input.payment_id))
  const before = await flagsBefore(
    container,
    open.map((t) => t.id)
  )
  const flagged = [
    ...(input.skip_over_reservation ? [] : await flagOverReservation(container, state, input.payment)),
    ...(await flagStaleTickets(container, state, input.flag_waiting_after_ms)),
  ]
  return {
    flagged: flagged.map((t) => t.id),
    events: flagged.map((t) => ticketEvent(TICKET_ATTENTION_EVENT, t, state)),
    changes: await flagChanges(
      container,
      before,
      flagged.map((t) => t.id)
    ),
  }
}
