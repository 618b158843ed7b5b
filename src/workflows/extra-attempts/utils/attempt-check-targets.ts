import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { PaymentwallData } from "../../../lib/paymentwall/payment-data"
import { isPaymentwallProviderId, PROVIDER_ID_PREFIX } from "../../../lib/paymentwall/provider-id"

/**
 * How far back the job looks for a second paid attempt. It appears when Paymentwall approves, after its fraud
 * review, an attempt it held before the buyer paid again: a review decides within a day or so, and a notice that
 * was lost is found on the next runs. Two days covers both; older payments are left to the notices.
 */
export const ATTEMPT_CHECK_WINDOW_MS = 2 * 86_400_000

/**
 * At most this many payments are checked per run, one i'mport call each (GET /payments/findAll/{merchant_uid}),
 * rotating through the window with the clock: every 15 minutes 20 calls, so a window of up to 3,840 payments (about
 * 1,900 a day) is gone through in the two days.
 */
export const ATTEMPT_CHECKS_PER_RUN = 20
const ROTATION_PERIOD_MS = 15 * 60_000

export type AttemptCheckTarget = { payment_id: string; provider_id: string; merchant_uid: string; imp_uid: string }

/** A slice of the Paymentwall payments captured in the window (or of `payment_ids`), at most ATTEMPT_CHECKS_PER_RUN. */
export async function attemptCheckTargets(
  container: MedusaContainer,
  paymentIds?: string[]
): Promise<AttemptCheckTarget[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const filters = {
    provider_id: { $like: `${PROVIDER_ID_PREFIX}%` },
    captured_at: { $gte: new Date(Date.now() - ATTEMPT_CHECK_WINDOW_MS) },
    ...(paymentIds ? { id: paymentIds } : {}),
  }
  const { metadata } = await query.graph({
    entity: "payment",
    fields: ["id"],
    filters,
    pagination: { skip: 0, take: 1 },
  })
  const count = metadata?.count ?? 0
  if (!count) {
    return []
  }
  const slices = Math.ceil(count / ATTEMPT_CHECKS_PER_RUN)
  const skip = (Math.floor(Date.now() / ROTATION_PERIOD_MS) % slices) * ATTEMPT_CHECKS_PER_RUN
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "provider_id", "data"],
    filters,
    pagination: { skip, take: ATTEMPT_CHECKS_PER_RUN, order: { captured_at: "ASC" } },
  })
  return (data as { id: string; provider_id: string; data: Partial<PaymentwallData> | null }[]).flatMap((p) => {
    const { merchant_uid: merchantUid, imp_uid: impUid } = p.data ?? {}
    return merchantUid && impUid && isPaymentwallProviderId(p.provider_id)
      ? [{ payment_id: p.id, provider_id: p.provider_id, merchant_uid: merchantUid, imp_uid: impUid }]
      : []
  })
}
