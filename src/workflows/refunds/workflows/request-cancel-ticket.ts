import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { acquirePaymentLockStep } from "../../common/steps/acquire-payment-lock"
import { createCancelTicketStep } from "../steps/create-cancel-ticket"
import { paymentLockStep } from "../../common/steps/payment-lock"
import { sendCancelRequestStep } from "../steps/send-cancel-request"
import { settleAfterSend } from "../utils/compose"
import { retrieveCancelTicketStep } from "../steps/retrieve-cancel-ticket"
import { type CancelRequestInput, validateCancelRequestStep } from "../steps/validate-cancel-request"

export const requestCancelTicketWorkflowId = "iamport-paymentwall-request-cancel-ticket"

/**
 * A refund of a Paymentwall payment as a cancel ticket: books no Medusa Refund until i'mport shows the
 * cancellation. Under the payment's lock, so two admins cannot over-refund.
 */
export const requestCancelTicketWorkflow = createWorkflow(
  requestCancelTicketWorkflowId,
  (input: CancelRequestInput) => {
    const lock = paymentLockStep(transform({ input }, ({ input }) => ({ payment_id: input.payment_id })))
    acquirePaymentLockStep(lock)
    const plan = validateCancelRequestStep(input)
    const created = createCancelTicketStep(plan)
    const sent = sendCancelRequestStep({ plan, ticket_id: created.id })
    settleAfterSend(plan, sent)
    const ticket = retrieveCancelTicketStep(sent)
    releasePaymentLockStep(lock)
    return new WorkflowResponse(ticket)
  }
)
