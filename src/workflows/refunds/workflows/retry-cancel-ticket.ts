import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { prepareTicketRetryStep, type TicketActionInput } from "../steps/prepare-ticket-retry"
import { retrieveCancelTicketStep } from "../steps/retrieve-cancel-ticket"
import { sendCancelRequestStep } from "../steps/send-cancel-request"
import { lockTicketPayment, settleAfterSend } from "../utils/compose"

export const retryCancelTicketWorkflowId = "iamport-paymentwall-retry-cancel-ticket"

/** Sends an unanswered or refused admin refund's cancel again, as the first request did. */
export const retryCancelTicketWorkflow = createWorkflow(retryCancelTicketWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const retry = prepareTicketRetryStep(input)
  const plan = transform({ retry }, ({ retry }) => retry.plan)
  const sent = sendCancelRequestStep(retry)
  settleAfterSend(plan, sent)
  const ticket = retrieveCancelTicketStep(sent)
  releasePaymentLockStep(lock)
  return new WorkflowResponse(ticket)
})
