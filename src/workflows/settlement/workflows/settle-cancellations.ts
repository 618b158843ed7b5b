import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { SettleCancellationsInput } from "../utils/settle-input"
import { settlePaymentWorkflow } from "./settle-payment"
import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { acquirePaymentLockStep } from "../../common/steps/acquire-payment-lock"
import { paymentLockStep } from "../../common/steps/payment-lock"

export type { SettleCancellationsInput, SettledPayment, SettleNotice } from "../utils/settle-input"

export const settleCancellationsWorkflowId = "iamport-paymentwall-settle-cancellations"

/**
 * Settles one payment under its lock (settlePaymentWorkflow). Duplicate and concurrent webhooks, the job, an order's
 * cancellation and the admin's "Check with i'mport now" all run it.
 */
export const settleCancellationsWorkflow = createWorkflow(
  settleCancellationsWorkflowId,
  (input: SettleCancellationsInput) => {
    const lock = paymentLockStep(transform({ input }, ({ input }) => ({ payment_id: input.payment_id })))
    acquirePaymentLockStep(lock)
    const settled = settlePaymentWorkflow.runAsStep({ input })
    releasePaymentLockStep(lock)
    return new WorkflowResponse(settled)
  }
)
