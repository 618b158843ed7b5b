import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { dismissTicketStep } from "../steps/dismiss-ticket"
import type { TicketActionInput } from "../steps/prepare-ticket-retry"
import { lockTicketPayment } from "../utils/compose"

export const dismissCancelTicketWorkflowId = "iamport-paymentwall-dismiss-cancel-ticket"

/** A person has dealt with a ticket that needed attention (see dismissTicketStep). */
export const dismissCancelTicketWorkflow = createWorkflow(dismissCancelTicketWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const ticket = dismissTicketStep(input)
  releasePaymentLockStep(lock)
  return new WorkflowResponse(ticket)
})
