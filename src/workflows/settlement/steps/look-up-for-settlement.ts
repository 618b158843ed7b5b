import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import type { SettleCancellationsInput, SettleNotice } from "../utils/settle-input"

export const lookUpForSettlementStepId = "iamport-paymentwall-look-up-for-settlement"

export type SettlementLookup = {
  /** i'mport's payment as settlement reads it, proven to be this provider's; null when nothing was looked up. */
  payment: PaymentView | null
  /** Why nothing was looked up (a later look-up already covered this delivery). */
  skipped?: string
  /** When the look-up started: a delivery received before it is covered by it. */
  started_at: string
}

/**
 * Reads i'mport's payment for a settlement (the caller holds the payment's lock), or takes the one the caller
 * fetched. A delivery that a look-up started after its arrival has already covered costs no i'mport call:
 * duplicates of a notice queue on the lock, and the first look-up answers for all of them.
 */
export const lookUpForSettlementStep = createStep(
  lookUpForSettlementStepId,
  async (input: SettleCancellationsInput, { container }) => {
    const startedAt = new Date().toISOString()
    const notice = input.notice
    if (notice && !input.payment && (await coveredByLaterLookup(container, input.imp_uid, notice))) {
      return new StepResponse<SettlementLookup>({
        payment: null,
        skipped: "covered by a later look-up",
        started_at: startedAt,
      })
    }
    const provider = paymentwallProvider(container, input.provider_id)
    const payment = input.payment ?? (await provider.readPayment(input.imp_uid))
    const problems = provider.ownershipProblems(payment)
    if (problems.length || payment.id !== input.imp_uid) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `i'mport payment ${input.imp_uid} cannot be settled: ${problems.join("; ")}`
      )
    }
    return new StepResponse<SettlementLookup>({ payment, started_at: startedAt })
  }
)

async function coveredByLaterLookup(
  container: MedusaContainer,
  impUid: string,
  notice: SettleNotice
): Promise<boolean> {
  const later = await paymentwallModule(container).listWebhookEvents(
    { imp_uid: impUid, looked_up_at: { $gte: new Date(notice.received_at) } },
    { select: ["id"], take: 1 }
  )
  return later.length > 0
}
