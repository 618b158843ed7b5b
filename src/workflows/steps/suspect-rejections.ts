import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PlanStep } from "../../lib/settlement-plan"
import type { TicketEvent } from "../settlement/events"
import { loadPaymentState } from "../settlement/payment-state"
import { suspectApprovals, suspectedApprovals, suspectedTicketIds, suspectRejections } from "../settlement/suspect-rejections"
import { type FlagChange, undoFlagChanges } from "../settlement/ticket-flags"

export const suspectRejectionsStepId = "iamport-paymentwall-suspect-rejections"

/** Flags the tickets a notice hints Paymentwall rejected, and those an entry may have approved, for a person to decide; undone if the workflow fails. */
export const suspectRejectionsStep = createStep(
  suspectRejectionsStepId,
  async ({ payment_id, plan }: { payment_id: string; plan: PlanStep[] }, { container }) => {
    const ids = suspectedTicketIds(plan)
    const approvals = await suspectApprovals(container, payment_id, suspectedApprovals(plan))
    if (!ids.length) {
      return new StepResponse<{ suspected: string[]; events: TicketEvent[] }, FlagChange[]>({ suspected: approvals.flagged, events: [] }, approvals.changes)
    }
    const { suspected, events, changes } = await suspectRejections(container, await loadPaymentState(container, payment_id), ids)
    return new StepResponse({ suspected: [...suspected, ...approvals.flagged], events }, [...changes, ...approvals.changes])
  },
  async (changes, { container }) => {
    await undoFlagChanges(container, changes ?? [])
  }
)
