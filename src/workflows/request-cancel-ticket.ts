import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { lockKey } from "./settlement/payment-state"
import { createCancelTicketStep } from "./steps/create-cancel-ticket"
import { sendCancelRequestStep } from "./steps/send-cancel-request"
import { type CancelRequestInput, validateCancelRequestStep } from "./steps/validate-cancel-request"

export const requestCancelTicketWorkflowId = "iamport-paymentwall-request-cancel-ticket"

/**
 * A refund of a Paymentwall payment as a cancel ticket: books no Medusa Refund until i'mport shows the
 * cancellation. Under the payment's lock, so two admins cannot over-refund.
 */
export const requestCancelTicketWorkflow = createWorkflow(requestCancelTicketWorkflowId, (input: CancelRequestInput) => {
  const key = transform({ input }, ({ input }) => lockKey(input.payment_id))
  acquireLockStep({ key, timeout: 30, ttl: 120 })
  const plan = validateCancelRequestStep(input)
  const created = createCancelTicketStep(plan)
  const ticket = sendCancelRequestStep({ plan, ticket_id: created.id })
  releaseLockStep({ key })
  return new WorkflowResponse(ticket)
})
