import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"

export const extraAttemptPaymentStepId = "iamport-paymentwall-extra-attempt-payment"

export type ExtraAttemptActionInput = { attempt_id: string; actor_id?: string }

/** The Medusa payment a recorded second attempt belongs to: its lock guards the attempt too. */
export const extraAttemptPaymentStep = createStep(
  extraAttemptPaymentStepId,
  async ({ attempt_id }: ExtraAttemptActionInput, { container }) => {
    const attempt = await paymentwallModule(container).retrieveExtraAttempt(attempt_id, {
      select: ["id", "payment_id"],
    })
    return new StepResponse({ payment_id: attempt.payment_id })
  }
)
