import type { CancellationEntry } from "./cancellation"

/**
 * A payment's status as settlement reads it. `cancelled` means money came back, in part or in full, as i'mport V1
 * reports it (V1 has no partial status): whether any is left is `amount` against `cancelled_amount`, never the
 * status. `ready` is any state before payment (V2's READY, PAY_PENDING, VIRTUAL_ACCOUNT_ISSUED would map there).
 */
export type PaymentStatus = "ready" | "paid" | "cancelled" | "failed"

/**
 * One payment as settlement and the refund workflows read it, whichever transport reported it: i'mport V1's
 * payment maps into it today (v1/payment-view.ts), PortOne V2's is to map beside it. Amounts are in the payment's
 * currency as the transport counts them (major units for KRW and USD), exactly as it gave them: never rounded here.
 * Plain data, so a workflow step may hand it to the next.
 */
export type PaymentView = {
  /** The transport's id for the payment (V1's imp_uid): what tickets, the ledger and snapshots are keyed by. */
  id: string
  /** The plugin's id for the checkout (`pw_` + the payment session id), which the transport echoes. */
  merchant_uid: string
  amount: number
  /**
   * What the transport says is returned: its own figure, never the sum of `cancellations` (a list may lag behind it
   * or leave entries out). Settlement never books past it.
   */
  cancelled_amount: number
  status: PaymentStatus
  currency: string
  /** Unix seconds; 0 when it was never paid. */
  paid_at: number
  /** Every cancellation the transport lists, in its order; only `succeeded` ones returned money. */
  cancellations: CancellationEntry[]
  /** A test-channel payment; the store's mode must match it. */
  sandbox: boolean
  /** The PG the transport routed it through; this plugin acts only on Paymentwall's. */
  pg_provider: string | null
  /** For the admin's kept snapshot: the PG's transaction id and the receipt, where the transport gives them. */
  pg_tid: string | null
  receipt_url: string | null
}

/**
 * A batch read: the payments the transport showed, and those it answered with something that cannot be read as a
 * view (a malformed amount), each with why, so one bad answer fails only its own settlement.
 */
export type PaymentReads = { payments: PaymentView[]; unreadable: { id: string; error: unknown }[] }
