import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { lockKey, ticketService } from "./settlement/payment-state"
import { dismissTicketStep } from "./steps/dismiss-ticket"
import { prepareTicketRetryStep, type TicketActionInput } from "./steps/prepare-ticket-retry"
import { sendCancelRequestStep } from "./steps/send-cancel-request"

/** The lock of the ticket's payment: both actions take the same per-payment lock as every other ticket change. */
const ticketLockKeyStep = createStep("iamport-paymentwall-ticket-lock-key", async (input: TicketActionInput, { container }) => {
  const ticket = await ticketService(container).retrieveCancelTicket(input.ticket_id, { select: ["payment_id"] })
  return new StepResponse(lockKey(ticket.payment_id))
})

const ticketLockKey = (input: TicketActionInput) => ticketLockKeyStep(input)

export const retryCancelTicketWorkflow = createWorkflow("iamport-paymentwall-retry-cancel-ticket", (input: TicketActionInput) => {
  const key = ticketLockKey(input)
  acquireLockStep({ key, timeout: 30, ttl: 120 })
  const { plan, ticket_id } = prepareTicketRetryStep(input)
  const ticket = sendCancelRequestStep({ plan, ticket_id })
  releaseLockStep({ key })
  return new WorkflowResponse(ticket)
})

export const dismissCancelTicketWorkflow = createWorkflow("iamport-paymentwall-dismiss-cancel-ticket", (input: TicketActionInput) => {
  const key = ticketLockKey(input)
  acquireLockStep({ key, timeout: 30, ttl: 120 })
  const ticket = dismissTicketStep(input)
  releaseLockStep({ key })
  return new WorkflowResponse(ticket)
})
