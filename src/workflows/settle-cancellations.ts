import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { lockKey } from "./settlement/payment-state"
import { type SettleCancellationsInput, settleCancellationsStep } from "./steps/settle-cancellations"

export const settleCancellationsWorkflowId = "iamport-paymentwall-settle-cancellations"

/**
 * Projects i'mport's cancel_history for one payment onto Medusa: books new cancellations exactly once (matched to
 * their tickets, or as external), rejects on a rejection notice, flags stale tickets. Serialised per payment, so
 * duplicate and concurrent webhooks, the reconciliation job and the admin's "check now" can all call it.
 */
export const settleCancellationsWorkflow = createWorkflow(settleCancellationsWorkflowId, (input: SettleCancellationsInput) => {
  const key = transform({ input }, ({ input }) => lockKey(input.payment_id))
  acquireLockStep({ key, timeout: 60, ttl: 120 })
  const result = settleCancellationsStep(input)
  releaseLockStep({ key })
  return new WorkflowResponse(result)
})
