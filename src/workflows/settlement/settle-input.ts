import type { IamportPayment } from "../../lib/iamport/types"
import type { IamportSnapshot } from "../../providers/iamport-paymentwall/payment-data"
import type { SettleResult } from "./settle-payment-cancellations"

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
  /** Already fetched (the job's batch); otherwise looked up under the lock. */
  iamport?: IamportPayment
  /** When the caller's read of `iamport` began (ISO); the snapshot kept in payment.data is stamped with it. */
  read_at?: string
  notice?: SettleNotice
  flag_waiting_after_ms?: number
  rejection_grace_ms?: number
}

/** What a settlement answers its caller; its ticket events are emitted, not returned. */
export type SettledPayment = Omit<SettleResult, "events"> & {
  /** i'mport's view as of this settlement, for the admin. */
  iamport: IamportSnapshot | null
  /** Why nothing was looked up (a later look-up already covered this delivery). */
  skipped?: string
}
