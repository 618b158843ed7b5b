import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../lib/iamport/types"
import { paymentwallProvider } from "../../lib/paymentwall-provider"
import { snapshotOf } from "../../providers/iamport-paymentwall/payment-data"
import { type RejectionNotice, settlePayment, type SettleResult } from "../settlement/settle-payment"

export type SettleCancellationsInput = {
  payment_id: string
  provider_id: string
  imp_uid: string
  /** Already fetched (the reconciliation job's batch); otherwise looked up here, under the lock. */
  iamport?: IamportPayment
  rejection_notice?: RejectionNotice
  flag_waiting_after_ms?: number
  rejection_grace_ms?: number
}

/** Looks the payment up at i'mport and projects its cancel_history onto Medusa (the caller holds the lock). */
export const settleCancellationsStep = createStep(
  "iamport-paymentwall-settle-cancellations",
  async (input: SettleCancellationsInput, { container }) => {
    const provider = paymentwallProvider(container, input.provider_id)
    const iamport = input.iamport ?? (await provider.lookupPayment(input.imp_uid))
    const problems = provider.ownershipProblems(iamport)
    if (problems.length || iamport.imp_uid !== input.imp_uid) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport payment ${input.imp_uid} cannot be settled: ${problems.join("; ")}`)
    }
    const settled: SettleResult = await settlePayment(container, {
      payment_id: input.payment_id,
      iamport,
      rejection_notice: input.rejection_notice,
      flag_waiting_after_ms: input.flag_waiting_after_ms,
      rejection_grace_ms: input.rejection_grace_ms,
    })
    // i'mport's view as of this settlement, for the admin.
    return new StepResponse({ ...settled, iamport: snapshotOf(iamport) })
  }
)
