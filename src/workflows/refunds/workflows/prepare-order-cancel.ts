import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { type PrepareOrderCancelInput, prepareOrderCancelStep } from "../steps/prepare-order-cancel"

export const prepareOrderCancelWorkflowId = "iamport-paymentwall-prepare-order-cancel"

/**
 * Runs before Medusa's own cancel of an order with Paymentwall payments, while the caller holds their locks and
 * has settled them (the order-cancel guard): refuses the cancel while a refund waits at Paymentwall or an order
 * change is open, so Medusa's cancel never asks Paymentwall for money twice nor refunds an order it then refuses
 * to cancel.
 */
export const prepareOrderCancelWorkflow = createWorkflow(
  prepareOrderCancelWorkflowId,
  (input: PrepareOrderCancelInput) => {
    prepareOrderCancelStep(input)
    return new WorkflowResponse(undefined)
  }
)
