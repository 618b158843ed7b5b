import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { acquirePaymentLockStep } from "../../common/steps/acquire-payment-lock"
import { paymentLockStep } from "../../common/steps/payment-lock"
import { checkExtraAttemptStep, type CheckExtraAttemptInput } from "../steps/check-extra-attempt"

export type { CheckExtraAttemptInput, CheckedExtraAttempt } from "../steps/check-extra-attempt"

export const recordExtraAttemptWorkflowId = "iamport-paymentwall-record-extra-attempt"

/**
 * Another attempt of a Medusa payment's merchant_uid reached the store (a notice, the job): under the payment's lock,
 * so a cancel being sent for it and a notice about it never overwrite each other, it is recorded once if i'mport
 * shows it paid, or brought up to date if recorded already.
 */
export const recordExtraAttemptWorkflow = createWorkflow(
  recordExtraAttemptWorkflowId,
  (input: CheckExtraAttemptInput) => {
    const lock = paymentLockStep(transform({ input }, ({ input }) => ({ payment_id: input.payment_id })))
    acquirePaymentLockStep(lock)
    const checked = checkExtraAttemptStep(input)
    releasePaymentLockStep(lock)
    return new WorkflowResponse(checked)
  }
)
