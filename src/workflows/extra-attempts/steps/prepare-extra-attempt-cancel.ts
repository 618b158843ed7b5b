import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { formatAmount } from "../../../lib/money"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { type IamportSnapshot, snapshotOf } from "../../../lib/paymentwall/payment-data"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { loadPaymentState } from "../../settlement/utils/payment-state"
import { extraAttemptProblems, fullyCancelled, leftAtIamport } from "../utils/attempt-facts"
import type { ExtraAttemptActionInput } from "./extra-attempt-payment"

export const prepareExtraAttemptCancelStepId = "iamport-paymentwall-prepare-extra-attempt-cancel"

export type PreparedExtraAttemptCancel = {
  attempt_id: string
  provider_id: string
  imp_uid: string
  /** All that i'mport shows left of the attempt. */
  amount: number
  /** i'mport's word just read: the cancel is sent from it, with its balance as checksum. */
  snapshot: IamportSnapshot
}

/**
 * A shop admin asks to cancel a second paid attempt at i'mport. Checked on a fresh lookup (it is ours, paid, not the
 * attempt Medusa captured, not cancelled yet), then saved as cancel_requested before i'mport hears of it. No
 * compensation: once the request may be sent, the row must keep saying so.
 */
export const prepareExtraAttemptCancelStep = createStep(
  prepareExtraAttemptCancelStepId,
  async ({ attempt_id, actor_id }: ExtraAttemptActionInput, { container }) => {
    const service = paymentwallModule(container)
    const attempt = await service.retrieveExtraAttempt(attempt_id)
    if (attempt.status === "cancelled") {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport payment ${attempt.imp_uid} is already cancelled.`)
    }
    if (attempt.status === "cancel_requested" || attempt.status === "waiting_for_cancellation") {
      // Never ask twice: an open Paymentwall ticket does not show in i'mport's balance, so a second one would pass.
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `A cancel of i'mport payment ${attempt.imp_uid} was already sent (${attempt.status.replace(/_/g, " ")}). ` +
          `Check its cancel requests in the i'mport console; the store marks it cancelled once i'mport shows it.`
      )
    }
    const state = await loadPaymentState(container, attempt.payment_id)
    const provider = paymentwallProvider(container, state.provider_id)
    const readAt = new Date()
    const iamport = await provider.lookupPayment(attempt.imp_uid)
    if (fullyCancelled(iamport)) {
      await service.updateExtraAttempts({ id: attempt.id, status: "cancelled", error: null })
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `i'mport payment ${attempt.imp_uid} is already cancelled in full.`
      )
    }
    const captured = { merchant_uid: state.data.merchant_uid, imp_uid: state.data.imp_uid ?? null }
    const problems = extraAttemptProblems(iamport, captured, provider.ownershipProblems(iamport))
    if (problems.length) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Cannot cancel i'mport payment ${attempt.imp_uid} as a second payment: ${problems.join("; ")}.`
      )
    }
    const amount = leftAtIamport(iamport)
    await service.updateExtraAttempts({
      id: attempt.id,
      status: "cancel_requested",
      error: null,
      decided_by: actor_id ?? null,
      decided_at: new Date(),
      metadata: {
        ...(attempt.metadata ?? {}),
        cancel_amount_asked: formatAmount(amount),
        cancel_requested_at: new Date().toISOString(),
      },
    })
    return new StepResponse<PreparedExtraAttemptCancel>({
      attempt_id: attempt.id,
      provider_id: state.provider_id,
      imp_uid: iamport.imp_uid,
      amount: amount.toNumber(),
      snapshot: snapshotOf(iamport, readAt),
    })
  }
)
