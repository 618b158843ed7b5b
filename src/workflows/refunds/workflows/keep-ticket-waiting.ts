import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { createWorkflow, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { declineSuspectedApprovalStep, keepTicketWaitingStep } from "../steps/decide-suspected-rejection"
import type { TicketActionInput } from "../steps/prepare-ticket-retry"
import { lockTicketPayment, settleTicketPayment } from "../utils/compose"

export const keepTicketWaitingWorkflowId = "iamport-paymentwall-keep-ticket-waiting"

/** A shop admin keeps a ticket waiting; a suspected approval it carried is booked as made outside Medusa first. */
export const keepTicketWaitingWorkflow = createWorkflow(keepTicketWaitingWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const declined = declineSuspectedApprovalStep(input)
  when("settle-declined-approval", { declined }, ({ declined }) => declined.settle).then(() => {
    settleTicketPayment(declined)
  })
  const ticket = keepTicketWaitingStep(input)
  releasePaymentLockStep(lock)
  return new WorkflowResponse(ticket)
})
