import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { acquirePaymentLockStep } from "../../common/steps/acquire-payment-lock"
import { paymentLockStep } from "../../common/steps/payment-lock"
import { type ExtraAttemptActionInput, extraAttemptPaymentStep } from "../steps/extra-attempt-payment"
import { prepareExtraAttemptCancelStep } from "../steps/prepare-extra-attempt-cancel"
import { sendExtraAttemptCancelStep } from "../steps/send-extra-attempt-cancel"

export type { ExtraAttemptActionInput } from "../steps/extra-attempt-payment"

export const cancelExtraAttemptWorkflowId = "iamport-paymentwall-cancel-extra-attempt"

/**
 * A shop admin cancels a second paid attempt at i'mport in full, under its payment's lock: checked afresh, saved as
 * cancel_requested, sent once, and its outcome recorded. It books no Medusa Refund (Medusa never booked this
 * money) and leaves the captured payment and its tickets alone.
 */
export const cancelExtraAttemptWorkflow = createWorkflow(
  cancelExtraAttemptWorkflowId,
  (input: ExtraAttemptActionInput) => {
    const lock = paymentLockStep(extraAttemptPaymentStep(input))
    acquirePaymentLockStep(lock)
    const prepared = prepareExtraAttemptCancelStep(input)
    const attempt = sendExtraAttemptCancelStep(prepared)
    releasePaymentLockStep(lock)
    return new WorkflowResponse(attempt)
  }
)
