import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { checkClosableTicketStep, closeReturnedTicketStep } from "../steps/close-returned-ticket"
import type { TicketActionInput } from "../steps/prepare-ticket-retry"
import { lockTicketPayment, settleTicketPayment } from "../utils/compose"

export const closeReturnedTicketWorkflowId = "iamport-paymentwall-close-returned-ticket"

/**
 * A person closes a returned ticket that Medusa can never book, on the record. The payment is settled first, so only
 * what Medusa still refuses is closed; a refusal found then is the answer's `outcome: "refused"`.
 */
export const closeReturnedTicketWorkflow = createWorkflow(closeReturnedTicketWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const target = checkClosableTicketStep(input)
  settleTicketPayment(target)
  const decision = closeReturnedTicketStep(input)
  releasePaymentLockStep(lock)
  return new WorkflowResponse(decision)
})
