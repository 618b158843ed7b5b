import type { RefundPaymentInput } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { sameAmount } from "../../lib/money"
import {
  type CancelRequestRecord,
  RECORD_ONLY_KEY,
  type PaymentwallData,
  type RecordOnlyMarker,
} from "../../lib/paymentwall/payment-data"

/**
 * How long a record-only marker is honoured. The settlement sets it and books within seconds; an older one was left by
 * a booking that died, and honouring it would let a later genuine refund (an order cancel) skip i'mport.
 */
export const RECORD_ONLY_MAX_AGE_MS = 10 * 60 * 1000

/** The booking of a cancellation i'mport already shows: no call to i'mport, the marker cleared. */
export function recordOnly(
  data: PaymentwallData & Record<string, unknown>,
  marker: RecordOnlyMarker,
  amount: RefundPaymentInput["amount"],
  refundId: string
): Record<string, unknown> {
  // The marker comes from stored JSON: set_at may be missing or not a string.
  const setAt: unknown = marker.set_at
  const setAtMs = typeof setAt === "string" ? Date.parse(setAt) : Number.NaN
  // Both ways: a marker dated ahead by a wrong clock would otherwise never go stale.
  if (!Number.isFinite(setAtMs) || Math.abs(Date.now() - setAtMs) > RECORD_ONLY_MAX_AGE_MS) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `A settlement booking of i'mport cancellation ${String(marker.cancellation_id)} was interrupted: its record-only marker ` +
        `${typeof setAt === "string" ? `was set at ${setAt}` : "has no time"}, not within the last ${RECORD_ONLY_MAX_AGE_MS / 60_000} minutes. ` +
        `Run "Check with i'mport now" on this payment (it clears the marker) before retrying.`
    )
  }
  if (typeof marker.cancellation_id !== "string" || !sameAmount(marker.amount, amount)) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `The record-only refund does not match the cancellation it books (${marker.cancellation_id}, ${marker.amount}).`
    )
  }
  const record: CancelRequestRecord = {
    amount: marker.amount,
    currency: data.currency,
    status: "completed",
    requested_at: new Date().toISOString(),
    reason: marker.reason ?? "",
    cancellation_id: marker.cancellation_id,
  }
  // The key is set to null, not removed: Medusa's update would keep a key that is merely missing.
  return { ...data, [RECORD_ONLY_KEY]: null, cancel_requests: { ...(data.cancel_requests ?? {}), [refundId]: record } }
}
