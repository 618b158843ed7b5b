import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type { IamportPayment } from "../../lib/iamport/types"
import { paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import { sessionIdFromMerchantUid } from "../../providers/iamport-paymentwall/payment-data"
import { adoptRecordedRefunds } from "./adopt-recorded-refunds"
import { clearRecordOnlyMarker } from "./book-cancellation"
import { finishInterruptedTickets } from "./complete-ticket"
import { ledgerOf } from "./ledger"
import { loadPaymentState, type PaymentState } from "./payment-state"

export type PreparedSettlement = {
  /** A booking may still be running in a process whose lock expired: this run books nothing. */
  booking_in_flight: boolean
}

/**
 * The first part of a settlement: checks that i'mport's payment is this Medusa payment, then repairs what an
 * interrupted run left (a stale record-only marker, a booked ledger row whose ticket stayed open) and gives tickets
 * to the Refunds Medusa booked through the provider itself (adopt). Each repair moves Medusa towards what i'mport
 * and the ledger already say, so there is nothing to undo.
 */
export async function prepareSettlement(container: MedusaContainer, paymentId: string, iamport: IamportPayment): Promise<PreparedSettlement> {
  let state = await loadPaymentState(container, paymentId)
  assertSamePayment(state, iamport)
  // A marker younger than a lock's lifetime may belong to a booking still running in a process whose lock
  // expired: book nothing this time. An older one was left by a booking that died, and is cleared.
  const marker = state.data.iamport_record_only
  const leaseMs = paymentwallProvider(container, state.provider_id).lockTtlSeconds() * 1000
  const bookingInFlight = !!marker && Date.now() - new Date(marker.set_at ?? 0).getTime() < leaseMs
  if (marker && !bookingInFlight) {
    await clearRecordOnlyMarker(container, state.id)
    state = await loadPaymentState(container, state.id)
  }
  await adoptRecordedRefunds(container, state, iamport)
  await finishInterruptedTickets(container, state, await ledgerOf(container, iamport.imp_uid))
  return { booking_in_flight: bookingInFlight }
}

function assertSamePayment(state: PaymentState, iamport: IamportPayment): void {
  const sessionId = sessionIdFromMerchantUid(iamport.merchant_uid)
  const expected = state.data.merchant_uid
  // One merchant_uid can carry several attempts (failed, then approved late): only the captured one's history counts.
  const sameAttempt = !state.data.imp_uid || state.data.imp_uid === iamport.imp_uid
  if (iamport.merchant_uid !== expected || !sessionId || !sameAttempt) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `i'mport payment ${iamport.imp_uid} (${iamport.merchant_uid}) is not Medusa payment ${state.id} (${String(state.data.imp_uid ?? expected)}).`
    )
  }
}
