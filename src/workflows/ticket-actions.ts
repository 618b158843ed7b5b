import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { releaseLockStep } from "@medusajs/medusa/core-flows"
import { acquirePaymentLockStep } from "./steps/acquire-payment-lock"
import { confirmTicketRejectionStep, keepTicketWaitingStep } from "./steps/decide-suspected-rejection"
import { bindSuspectedApprovalStep } from "./steps/bind-suspected-approval"
import { closeReturnedTicketStep } from "./steps/close-returned-ticket"
import { dismissTicketStep } from "./steps/dismiss-ticket"
import { paymentLockStep } from "./steps/payment-lock"
import { prepareTicketRetryStep, type TicketActionInput } from "./steps/prepare-ticket-retry"
import { sendCancelRequestStep } from "./steps/send-cancel-request"
import { emitTicketEvents } from "./settlement/events"

/** Every ticket action takes the same per-payment lock as every other ticket change. */
function lockTicketPayment(input: TicketActionInput) {
  const lock = paymentLockStep(transform({ input }, ({ input }) => ({ ticket_id: input.ticket_id })))
  acquirePaymentLockStep(lock)
  return lock
}

const RETRY_WORKFLOW_ID = "iamport-paymentwall-retry-cancel-ticket"

export const retryCancelTicketWorkflow = createWorkflow(RETRY_WORKFLOW_ID, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const { plan, ticket_id } = prepareTicketRetryStep(input)
  const sent = sendCancelRequestStep({ plan, ticket_id })
  emitTicketEvents(transform({ sent }, ({ sent }) => sent.events), RETRY_WORKFLOW_ID)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(transform({ sent }, ({ sent }) => sent.ticket))
})

export const dismissCancelTicketWorkflow = createWorkflow("iamport-paymentwall-dismiss-cancel-ticket", (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const ticket = dismissTicketStep(input)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(ticket)
})

const CONFIRM_REJECTION_WORKFLOW_ID = "iamport-paymentwall-confirm-ticket-rejection"

/** A shop admin confirms Paymentwall rejected a ticket: the one path that frees a reserved amount. */
export const confirmTicketRejectionWorkflow = createWorkflow(CONFIRM_REJECTION_WORKFLOW_ID, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const decided = confirmTicketRejectionStep(input)
  emitTicketEvents(transform({ decided }, ({ decided }) => decided.events), CONFIRM_REJECTION_WORKFLOW_ID)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(transform({ decided }, ({ decided }) => decided.ticket))
})

export const keepTicketWaitingWorkflow = createWorkflow("iamport-paymentwall-keep-ticket-waiting", (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const ticket = keepTicketWaitingStep(input)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(ticket)
})

const BIND_APPROVAL_WORKFLOW_ID = "iamport-paymentwall-bind-suspected-approval"

/** A shop admin says a cancellation i'mport shows with another reason is Paymentwall's approval of this ticket. */
export const bindSuspectedApprovalWorkflow = createWorkflow(BIND_APPROVAL_WORKFLOW_ID, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const bound = bindSuspectedApprovalStep(input)
  emitTicketEvents(transform({ bound }, ({ bound }) => bound.events), BIND_APPROVAL_WORKFLOW_ID)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(transform({ bound }, ({ bound }) => bound.ticket))
})

/** A person closes a returned ticket that Medusa can never book, on the record. */
export const closeReturnedTicketWorkflow = createWorkflow("iamport-paymentwall-close-returned-ticket", (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const ticket = closeReturnedTicketStep(input)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(ticket)
})
