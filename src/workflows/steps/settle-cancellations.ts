import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../lib/iamport/types"
import { paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import { type IamportSnapshot, snapshotOf } from "../../providers/iamport-paymentwall/payment-data"
import { settlePaymentCancellations, type SettleResult } from "../settlement/settle-payment-cancellations"
import { paymentwallModule } from "../../modules/iamport-paymentwall"

/** A webhook delivery that asks for this settlement (an inbox row). */
export type SettleNotice = {
  webhook_event_id: string
  received_at: string
  /** It names no cancellation: if the lookup shows nothing new, it hints at a rejection. */
  suggests_rejection: boolean
}

export type SettleCancellationsInput = {
  payment_id: string
  provider_id: string
  imp_uid: string
  /** Already fetched (the reconciliation job's batch); otherwise looked up here, under the lock. */
  iamport?: IamportPayment
  notice?: SettleNotice
  flag_waiting_after_ms?: number
  rejection_grace_ms?: number
}

export type SettleCancellationsResult = SettleResult & {
  iamport: IamportSnapshot | null
  /** Why nothing was looked up (a later look-up already covered this delivery). */
  skipped?: string
}

const EMPTY: SettleResult = { booked: [], completed: [], external: [], blocked: [], suspected: [], flagged: [] }

/**
 * Looks the payment up at i'mport and projects its cancel_history onto Medusa (the caller holds the lock).
 * A delivery that a look-up started after its arrival has already covered costs no i'mport call: duplicates of a
 * notice queue on the lock, and the first look-up answers for all of them.
 */
export const settleCancellationsStep = createStep(
  "iamport-paymentwall-settle-cancellations",
  async (input: SettleCancellationsInput, { container }) => {
    const notice = input.notice
    if (notice && !input.iamport && (await coveredByLaterLookup(container, input.imp_uid, notice))) {
      const result: SettleCancellationsResult = { ...EMPTY, iamport: null, skipped: "covered by a later look-up" }
      return new StepResponse(result)
    }
    const lookupStartedAt = new Date()
    const provider = paymentwallProvider(container, input.provider_id)
    const iamport = input.iamport ?? (await provider.lookupPayment(input.imp_uid))
    const problems = provider.ownershipProblems(iamport)
    if (problems.length || iamport.imp_uid !== input.imp_uid) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport payment ${input.imp_uid} cannot be settled: ${problems.join("; ")}`)
    }
    const settled = await settlePaymentCancellations(container, {
      payment_id: input.payment_id,
      iamport,
      rejection_notice: notice?.suggests_rejection ? { received_at: notice.received_at, webhook_event_id: notice.webhook_event_id } : undefined,
      flag_waiting_after_ms: input.flag_waiting_after_ms,
      rejection_grace_ms: input.rejection_grace_ms,
    })
    if (notice) {
      // Recorded only once the look-up proved to be this payment's: a forged body naming another payment's
      // merchant_uid must not make a genuine delivery look covered.
      await paymentwallModule(container).updateWebhookEvents({ id: notice.webhook_event_id, looked_up_at: lookupStartedAt })
    }
    // i'mport's view as of this settlement, for the admin.
    const result: SettleCancellationsResult = { ...settled, iamport: snapshotOf(iamport) }
    return new StepResponse(result)
  }
)

async function coveredByLaterLookup(container: MedusaContainer, impUid: string, notice: SettleNotice): Promise<boolean> {
  const later = await paymentwallModule(container).listWebhookEvents(
    { imp_uid: impUid, looked_up_at: { $gte: new Date(notice.received_at) } },
    { select: ["id"], take: 1 }
  )
  return later.length > 0
}
