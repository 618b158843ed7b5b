import { AsyncLocalStorage } from "node:async_hooks"

/**
 * The settlement booking that the code running now belongs to, carried through Medusa's refund workflow to the
 * provider by Node's async context. The provider is the last gate before i'mport, and a settlement's booking records a
 * cancellation i'mport already shows: it must never send one. A booking whose process froze after it set its marker,
 * and woke after another settlement took its claim over, reaches the provider with the marker cleared or another
 * booking's in its place; the payment's data alone cannot tell that refund from a store's own, the context can.
 */
export type SettlementBooking = {
  imp_uid: string
  /** The ledger key of the cancellation being booked. */
  cancellation_id: string
  /** The booking's claim on the ledger row (its marker names the same). */
  claim_owner: string
}

const bookings = new AsyncLocalStorage<{ booking: SettlementBooking; taken: boolean }>()

/** Runs Medusa's side of a booking as this booking: the one refund the provider is asked for within it is recorded only. */
export function runAsSettlementBooking<T>(booking: SettlementBooking, work: () => Promise<T>): Promise<T> {
  const running = { booking, taken: false }
  return bookings.run(running, async () => {
    try {
      return await work()
    } finally {
      // Whatever this chain still runs afterwards (a timer, a late callback) is not the booking's.
      running.taken = true
    }
  })
}

/**
 * The booking a refund of this payment runs in, if any, taken by that refund. A booking asks Medusa for one refund,
 * so what else runs later in the same async chain is not the booking's: a store's subscriber of the refund's event
 * that refunds again, or a refund of another payment.
 */
export function takeSettlementBooking(impUid: string | null | undefined): SettlementBooking | undefined {
  const running = bookings.getStore()
  if (!running || running.taken || (impUid && running.booking.imp_uid !== impUid)) {
    return undefined
  }
  running.taken = true
  return running.booking
}
