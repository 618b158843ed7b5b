import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { errorMessage } from "../../../lib/error-message"
import { type ExtraAttempt, paymentwallModule } from "../../../modules/iamport-paymentwall"
import type { CancelOutcome } from "../../../lib/paymentwall/cancel"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { fullyCancelled } from "../utils/attempt-facts"
import type { PreparedExtraAttemptCancel } from "./prepare-extra-attempt-cancel"

export const sendExtraAttemptCancelStepId = "iamport-paymentwall-send-extra-attempt-cancel"

/** The reason i'mport and Paymentwall are given (and keep on the cancellation). */
export const EXTRA_ATTEMPT_CANCEL_REASON = "Second payment of an order already paid"

/**
 * Sends the full cancel once, through the registered provider (checksum = i'mport's balance), and records what
 * became of it. Medusa never booked this money, so no Refund is booked and the captured payment is not touched.
 * A refusal is recorded, then thrown with i'mport's reason; a lost answer stays cancel_requested with the error.
 */
export const sendExtraAttemptCancelStep = createStep(
  sendExtraAttemptCancelStepId,
  async (prepared: PreparedExtraAttemptCancel, { container }) => {
    const service = paymentwallModule(container)
    const provider = paymentwallProvider(container, prepared.provider_id)
    let outcome: CancelOutcome
    try {
      outcome = await provider.cancelAtIamport(
        prepared.imp_uid,
        { amount: prepared.amount, reason: EXTRA_ATTEMPT_CANCEL_REASON },
        prepared.snapshot
      )
    } catch (error) {
      // Whether i'mport heard of it is not known: the row stays cancel_requested, with why.
      await service.updateExtraAttempts({ id: prepared.attempt_id, error: errorMessage(error).slice(0, 1000) })
      throw error
    }
    if (outcome.kind === "refused") {
      await service.updateExtraAttempts({
        id: prepared.attempt_id,
        status: "failed",
        error: outcome.message.slice(0, 1000),
      })
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `i'mport refused to cancel payment ${prepared.imp_uid}: ${outcome.message}`
      )
    }
    return new StepResponse<ExtraAttempt>(
      await service.updateExtraAttempts({ id: prepared.attempt_id, ...recordOf(outcome) })
    )
  }
)

function recordOf(outcome: Exclude<CancelOutcome, { kind: "refused" }>): {
  status: ExtraAttempt["status"]
  error: string | null
} {
  switch (outcome.kind) {
    case "accepted":
      return { status: "waiting_for_cancellation", error: null }
    case "completed":
      return { status: fullyCancelled(outcome.payment) ? "cancelled" : "waiting_for_cancellation", error: null }
    case "unknown":
      return { status: "cancel_requested", error: outcome.message.slice(0, 1000) }
  }
}
