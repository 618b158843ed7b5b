import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { sessionIdFromMerchantUid } from "../../../lib/paymentwall/payment-data"
import { adoptRecordedRefunds } from "../utils/adopt-recorded-refunds"
import { clearRecordOnlyMarker } from "../utils/medusa-booking"
import { finishInterruptedTickets } from "../utils/complete-ticket"
import { ledgerOf } from "../utils/ledger"
import { markerBookingInFlight } from "../utils/ledger-claim"
import { loadPaymentState, type PaymentFacts, paymentFactsOf, type PaymentState } from "../utils/payment-state"

export const prepareSettlementStepId = "iamport-paymentwall-prepare-settlement"

/**
 * Checks i'mport's payment is this one, repairs what an interrupted run left and adopts Refunds Medusa booked
 * itself. No compensation: each repair moves Medusa towards what i'mport and the ledger already say.
 */
export const prepareSettlementStep = createStep(
  prepareSettlementStepId,
  async ({ payment_id, payment }: { payment_id: string; payment: PaymentView | null }, { container }) => {
    if (!payment) {
      return new StepResponse<PreparedSettlement>({ booking_in_flight: false, state: null })
    }
    return new StepResponse(await prepareSettlement(container, payment_id, payment))
  }
)

export type PreparedSettlement = {
  /** A booking may still be running in a process whose lock expired: this run books nothing. */
  booking_in_flight: boolean
  /** Medusa's payment as the repairs left it, for the suspicion and flag steps (read once, handed on). */
  state: PaymentFacts | null
}

/**
 * The first part of a settlement: checks that i'mport's payment is this Medusa payment, then repairs what an
 * interrupted run left (a stale record-only marker, a booked ledger row whose ticket stayed open) and gives tickets
 * to the Refunds Medusa booked through the provider itself (adopt). Each repair moves Medusa towards what i'mport
 * and the ledger already say, so there is nothing to undo.
 */
export async function prepareSettlement(
  container: MedusaContainer,
  paymentId: string,
  payment: PaymentView
): Promise<PreparedSettlement> {
  let state = await loadPaymentState(container, paymentId)
  assertSamePayment(state, payment)
  // A marker whose booking is still alive (its claim's heartbeat, see lib/claim-liveness.ts) may belong to a process
  // whose lock expired: book nothing this time. One left by a booking that died is cleared.
  const marker = state.data.iamport_record_only
  const leaseSeconds = paymentwallProvider(container, state.provider_id).lockTtlSeconds()
  const bookingInFlight = !!marker && (await markerBookingInFlight(container, payment.id, marker, leaseSeconds))
  if (marker && !bookingInFlight) {
    await clearRecordOnlyMarker(container, state.id)
    state = await loadPaymentState(container, state.id)
  }
  await adoptRecordedRefunds(container, state, payment)
  await finishInterruptedTickets(container, state, await ledgerOf(container, payment.id))
  // Adopting and finishing write tickets only: the state read above is still Medusa's payment.
  return { booking_in_flight: bookingInFlight, state: paymentFactsOf(state) }
}

function assertSamePayment(state: PaymentState, payment: PaymentView): void {
  const sessionId = sessionIdFromMerchantUid(payment.merchant_uid)
  const expected = state.data.merchant_uid
  // One merchant_uid can carry several attempts (failed, then approved late): only the captured one's history counts.
  const sameAttempt = !state.data.imp_uid || state.data.imp_uid === payment.id
  if (payment.merchant_uid !== expected || !sessionId || !sameAttempt) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `i'mport payment ${payment.id} (${payment.merchant_uid}) is not Medusa payment ${state.id} (${String(state.data.imp_uid ?? expected)}).`
    )
  }
}
