import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { paymentLockStep } from "./steps/payment-lock"
import { type SettleCancellationsInput, settleCancellationsStep } from "./steps/settle-cancellations"

export type { SettleCancellationsInput, SettleCancellationsResult } from "./steps/settle-cancellations"

export const settleCancellationsWorkflowId = "iamport-paymentwall-settle-cancellations"

/**
 * Projects i'mport's cancel_history for one payment onto Medusa: books new cancellations exactly once (matched to
 * their tickets, or as external), flags suspected rejections and stale tickets. Serialised per payment, so
 * duplicate and concurrent webhooks, the reconciliation job and the admin's "check now" can all call it.
 */
export const settleCancellationsWorkflow = createWorkflow(settleCancellationsWorkflowId, (input: SettleCancellationsInput) => {
  const lock = paymentLockStep(transform({ input }, ({ input }) => ({ payment_id: input.payment_id })))
  acquireLockStep({ key: lock.key, timeout: lock.timeout, ttl: lock.ttl, ownerId: lock.owner_id })
  const result = settleCancellationsStep(input)
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id })
  return new WorkflowResponse(result)
})
