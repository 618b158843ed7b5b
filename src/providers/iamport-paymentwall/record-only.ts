import type { RefundPaymentInput } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { sameAmount } from "../../lib/money"
import { providerReservations } from "../../lib/provider-reservations"
import { type SettlementBooking, takeSettlementBooking } from "../../lib/paymentwall/settlement-booking"
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

/**
 * A refund that books a cancellation i'mport already shows, recorded without a call to i'mport; null for any other
 * refund. Within a settlement's booking (lib/paymentwall/settlement-booking.ts) only that booking's own marker is
 * honoured, and nothing is ever sent: a booking that was paused and taken over finds its marker cleared or replaced,
 * and is refused here, at the last gate, rather than sending i'mport a second cancel for money already returned.
 * Outside one, a refund that finds a booking's marker (a store's own refund running alongside) is refused: recorded
 * as that booking's, it would be booked as money i'mport already returned and never reach the buyer. Only a marker
 * from before markers named their booking is taken by the first refund that reads it, as then.
 */
export async function recordBooking(
  container: Record<string, unknown>,
  data: PaymentwallData & Record<string, unknown>,
  amount: RefundPaymentInput["amount"],
  refundId: string
): Promise<Record<string, unknown> | null> {
  const marker = data[RECORD_ONLY_KEY]
  const booking = takeSettlementBooking(data.imp_uid)
  if (!marker) {
    if (booking) {
      throw refusedBooking(refundId, booking, "its marker is gone from the payment's data")
    }
    return null
  }
  const owner = typeof marker.claim_owner === "string" ? marker.claim_owner : undefined
  if (booking && owner !== booking.claim_owner) {
    throw refusedBooking(refundId, booking, "the payment's data carries another booking's marker")
  }
  assertFresh(marker)
  if (!booking && owner !== undefined) {
    throw new MedusaError(
      MedusaError.Types.CONFLICT,
      `Refund ${refundId} arrived while the plugin's settlement books i'mport cancellation ${marker.cancellation_id} of ` +
        `this payment; nothing was sent to i'mport or recorded. Try again in a moment.`
    )
  }
  const recorded = recordOnly(data, marker, amount, refundId, booking)
  const taken =
    !!data.imp_uid &&
    (await providerReservations(container).takeClaim(data.imp_uid, marker.cancellation_id, refundId, owner))
  if (!taken) {
    throw booking
      ? refusedBooking(refundId, booking, "its claim on the ledger row is no longer its own")
      : new MedusaError(
          MedusaError.Types.CONFLICT,
          `Refund ${refundId} found the booking marker of i'mport cancellation ${marker.cancellation_id}, but that booking is not claimed for it; nothing was recorded. Try again in a moment.`
        )
  }
  return recorded
}

function refusedBooking(refundId: string, booking: SettlementBooking, why: string): MedusaError {
  return new MedusaError(
    MedusaError.Types.CONFLICT,
    `Refund ${refundId} belongs to a settlement's booking of i'mport cancellation ${booking.cancellation_id}, but ${why} ` +
      `(most often: another settlement took the booking over while this one was paused); nothing was sent to i'mport or recorded.`
  )
}

/** A marker left by a booking that died is refused once stale, whoever meets it. */
function assertFresh(marker: RecordOnlyMarker): void {
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
}

/** The booking of a cancellation i'mport already shows: no call to i'mport, the marker cleared. */
function recordOnly(
  data: PaymentwallData & Record<string, unknown>,
  marker: RecordOnlyMarker,
  amount: RefundPaymentInput["amount"],
  refundId: string,
  booking: SettlementBooking | undefined
): Record<string, unknown> {
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
    // Which booking recorded it: shows that the booking's context reached the provider.
    ...(booking ? { claim_owner: booking.claim_owner } : {}),
  }
  // The key is set to null, not removed: Medusa's update would keep a key that is merely missing.
  return { ...data, [RECORD_ONLY_KEY]: null, cancel_requests: { ...(data.cancel_requests ?? {}), [refundId]: record } }
}
