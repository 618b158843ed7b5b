import { createWorkflow, transform, when, type WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { releaseLockStep } from "@medusajs/medusa/core-flows"
import { emitTicketEvents } from "./settlement/events"
import { settleAfterSend } from "./settle-after-send"
import { settlePaymentWorkflow } from "./settle-payment"
import { acquirePaymentLockStep } from "./steps/acquire-payment-lock"
import { bindSuspectedApprovalStep } from "./steps/bind-suspected-approval"
import { checkClosableTicketStep, closeReturnedTicketStep } from "./steps/close-returned-ticket"
import {
  checkRejectableTicketStep,
  confirmTicketRejectionStep,
  declineSuspectedApprovalStep,
  keepTicketWaitingStep,
} from "./steps/decide-suspected-rejection"
import { dismissTicketStep } from "./steps/dismiss-ticket"
import { paymentLockStep } from "./steps/payment-lock"
import { prepareTicketRetryStep, type TicketActionInput } from "./steps/prepare-ticket-retry"
import { retrieveCancelTicketStep } from "./steps/retrieve-cancel-ticket"
import { sendCancelRequestStep } from "./steps/send-cancel-request"
import type { TicketToSettle } from "./steps/ticket-decision"

export type { TicketDecision } from "./steps/ticket-decision"

/** Every ticket action takes the same per-payment lock as every other ticket change. */
function lockTicketPayment(input: TicketActionInput) {
  const lock = paymentLockStep(transform({ input }, ({ input }) => ({ ticket_id: input.ticket_id })))
  acquirePaymentLockStep(lock)
  return lock
}

/** The one settlement, composed into a ticket action before it decides (the caller holds the lock). */
function settleTicketPayment(target: WorkflowData<TicketToSettle>) {
  return settlePaymentWorkflow.runAsStep({
    input: transform({ target }, ({ target }) => ({
      payment_id: target.payment_id,
      provider_id: target.provider_id,
      imp_uid: target.imp_uid,
    })),
  })
}

export const retryCancelTicketWorkflowId = "iamport-paymentwall-retry-cancel-ticket"

export const retryCancelTicketWorkflow = createWorkflow(retryCancelTicketWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const retry = prepareTicketRetryStep(input)
  const plan = transform({ retry }, ({ retry }) => retry.plan)
  const sent = sendCancelRequestStep(retry)
  settleAfterSend(plan, sent)
  const ticket = retrieveCancelTicketStep(sent)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(ticket)
})

export const dismissCancelTicketWorkflowId = "iamport-paymentwall-dismiss-cancel-ticket"

export const dismissCancelTicketWorkflow = createWorkflow(dismissCancelTicketWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const ticket = dismissTicketStep(input)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(ticket)
})

export const confirmTicketRejectionWorkflowId = "iamport-paymentwall-confirm-ticket-rejection"

/**
 * A shop admin confirms Paymentwall rejected a ticket: the one path that frees a reserved amount. The payment is
 * settled first; if that shows the cancellation returned, the answer is a refusal (`refused`), and what the
 * settlement did stands.
 */
export const confirmTicketRejectionWorkflow = createWorkflow(confirmTicketRejectionWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const target = checkRejectableTicketStep(input)
  settleTicketPayment(target)
  const decided = confirmTicketRejectionStep(input)
  emitTicketEvents(transform({ decided }, ({ decided }) => decided.events), confirmTicketRejectionWorkflowId)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(transform({ decided }, ({ decided }) => decided.decision))
})

export const keepTicketWaitingWorkflowId = "iamport-paymentwall-keep-ticket-waiting"

/** A shop admin keeps a ticket waiting; a suspected approval it carried is booked as made outside Medusa first. */
export const keepTicketWaitingWorkflow = createWorkflow(keepTicketWaitingWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const declined = declineSuspectedApprovalStep(input)
  when("settle-declined-approval", { declined }, ({ declined }) => declined.settle).then(() => {
    settleTicketPayment(declined)
  })
  const ticket = keepTicketWaitingStep(input)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(ticket)
})

export const bindSuspectedApprovalWorkflowId = "iamport-paymentwall-bind-suspected-approval"

/** A shop admin says a cancellation i'mport shows with another reason is Paymentwall's approval of this ticket. */
export const bindSuspectedApprovalWorkflow = createWorkflow(bindSuspectedApprovalWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const bound = bindSuspectedApprovalStep(input)
  // Settled from the read the binding checked, so the entry it bound is the one booked.
  settlePaymentWorkflow.runAsStep({
    input: transform({ bound }, ({ bound }) => ({
      payment_id: bound.payment_id,
      provider_id: bound.provider_id,
      imp_uid: bound.imp_uid,
      iamport: bound.iamport,
      read_at: bound.read_at,
    })),
  })
  const ticket = retrieveCancelTicketStep(bound)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(ticket)
})

export const closeReturnedTicketWorkflowId = "iamport-paymentwall-close-returned-ticket"

/**
 * A person closes a returned ticket that Medusa can never book, on the record. The payment is settled first, so only
 * what Medusa still refuses is closed; a refusal found then is the answer's `refused`.
 */
export const closeReturnedTicketWorkflow = createWorkflow(closeReturnedTicketWorkflowId, (input: TicketActionInput) => {
  const lock = lockTicketPayment(input)
  const target = checkClosableTicketStep(input)
  settleTicketPayment(target)
  const decision = closeReturnedTicketStep(input)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })
  return new WorkflowResponse(decision)
})
