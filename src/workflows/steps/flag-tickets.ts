import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../lib/iamport/types"
import type { TicketEvent } from "../settlement/events"
import { flagTickets } from "../settlement/flag-tickets"
import { type FlagChange, undoFlagChanges } from "../settlement/ticket-flags"

export const flagTicketsStepId = "iamport-paymentwall-flag-tickets"

/** Flags over-reserved and stale tickets for a person; undone if the workflow fails after it. */
export const flagTicketsStep = createStep(
  flagTicketsStepId,
  async (
    input: { payment_id: string; iamport: IamportPayment | null; skip_over_reservation: boolean; flag_waiting_after_ms?: number },
    { container }
  ) => {
    const { iamport } = input
    if (!iamport) {
      return new StepResponse<{ flagged: string[]; events: TicketEvent[] }, FlagChange[]>({ flagged: [], events: [] }, [])
    }
    const { flagged, events, changes } = await flagTickets(container, { ...input, iamport })
    return new StepResponse({ flagged, events }, changes)
  },
  async (changes, { container }) => {
    await undoFlagChanges(container, changes ?? [])
  }
)
