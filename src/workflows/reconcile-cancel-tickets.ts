import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { type ReconcileInput, reconcileCancelTicketsStep } from "./steps/reconcile-cancel-tickets"

export const reconcileCancelTicketsWorkflowId = "iamport-paymentwall-reconcile-cancel-tickets"

/** The safety net behind webhooks: the scheduled job, and the admin's "Check with i'mport now". */
export const reconcileCancelTicketsWorkflow = createWorkflow(reconcileCancelTicketsWorkflowId, (input: ReconcileInput) => {
  return new WorkflowResponse(reconcileCancelTicketsStep(input))
})
