import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import type { IamportSnapshot } from "../../../lib/paymentwall/payment-data"

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
  /** Already read through the port (the job's batch, a cancel's answer); otherwise looked up. */
  payment?: PaymentView
  /** When the caller's read of `payment` began (ISO); the kept snapshot is stamped with it. */
  read_at?: string
  notice?: SettleNotice
  /** Flag tickets that have waited longer than this (the settlement job). */
  flag_waiting_after_ms?: number
  rejection_grace_ms?: number
}

/** What a settlement answers its caller; its ticket events are emitted, not returned. */
export type SettledPayment = {
  /** Ledger keys booked as Medusa Refunds in this run. */
  booked: string[]
  /** Tickets completed: booked now, or an optimistic Refund tied to its cancellation. */
  completed: string[]
  /** Tickets made for cancellations nobody asked for in Medusa, and booked. */
  external: string[]
  /** Returned at i'mport, but Medusa refused the booking for now (ledger keys). */
  blocked: string[]
  /** Tickets a notice made "rejection suspected", or an entry a suspected approval: a person decides. */
  suspected: string[]
  flagged: string[]
  /** i'mport's view as of this settlement, for the admin. */
  iamport: IamportSnapshot | null
  /** Why nothing was looked up (a later look-up already covered this delivery). */
  skipped?: string
}
