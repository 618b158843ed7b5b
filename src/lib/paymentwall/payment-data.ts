import { MedusaError } from "@medusajs/framework/utils"
import { keyedCancellations } from "./v1/cancel-history"
import { paymentViewOf } from "./v1/payment-view"
import type { PaymentView } from "./payment-view"
import { historyKeysOf } from "./cancellation"
import type { IamportPayment, IamportPaymentStatus } from "../iamport/types"
import type { Buyer } from "./buyer"
import type { ResolvedOptions } from "./options"

/** Prefix of every merchant_uid this plugin makes: `pw_` + the Medusa payment session id (36 characters). */
export const MERCHANT_UID_PREFIX = "pw_"
const SESSION_ID_PATTERN = /^payses_[0-9A-Za-z]{10,32}$/

/** What i'mport last said about the payment, kept in Medusa's payment data for the admin and for refunds. */
export type IamportSnapshot = {
  imp_uid: string
  status: IamportPaymentStatus
  amount: number
  cancel_amount: number
  currency: string
  sandbox: boolean
  pg_provider: string | null
  pg_tid: string | null
  paid_at: number
  receipt_url: string | null
  cancellation_ids: string[]
  /**
   * The keys and aliases of every cancel_history entry (see lib/cancel-history): what a cancel sent from this
   * snapshot names as "before". Absent in snapshots written before it was kept; those are never sent from.
   */
  history_keys?: string[]
  checked_at: string
}

/**
 * A cancel sent to i'mport, keyed in `cancel_requests` by Medusa's refund id (or the payment id for a void).
 * A Medusa Refund whose id keys a record with a cancellation_id is the booking of that i'mport cancellation.
 */
export type CancelRequestRecord = {
  amount: number
  currency: string
  /** requested: i'mport's answer was lost; waiting_for_cancellation: a Paymentwall ticket; completed: in cancel_history. */
  status: "requested" | "waiting_for_cancellation" | "completed" | "rejected"
  requested_at: string
  reason: string
  cancellation_id: string | null
  error?: string
  /** The cancel_history keys i'mport showed before this request was sent: none of them is its cancellation. */
  history_before?: string[]
  /** The settlement booking that recorded it (record-only), when the provider saw that booking's context. */
  claim_owner?: string
}

/**
 * Set by the plugin's settlement workflow, under a lock on the payment, just before it books a cancellation that
 * i'mport already shows: the provider's refundPayment then records instead of cancelling again.
 */
export type RecordOnlyMarker = {
  /** The ledger key of the cancellation being booked (cancellation_id, or a derived key). */
  cancellation_id: string
  amount: number
  reason: string | null
  /** When the settlement set it (ISO): a marker left by a booking that died is refused once stale. */
  set_at: string
  /** The booking's claim on the ledger row: the provider records only while that booking still holds it. */
  claim_owner?: string
}

export const RECORD_ONLY_KEY = "iamport_record_only"

/**
 * Medusa stores this as payment_session.data and then payment.data. The keys here are the provider's; the
 * storefront may add its own (buyer hints), which the provider never trusts for money.
 */
export type PaymentwallData = {
  session_id?: string
  merchant_uid: string
  amount: number
  currency: string
  imp_code: string
  channel_key: string | null
  pg: string | null
  name: string
  buyer_email: string | null
  buyer_name: string | null
  mode: "test" | "live"
  imp_uid?: string | null
  iamport?: IamportSnapshot | null
  cancel_requests?: Record<string, CancelRequestRecord> | null
  iamport_record_only?: RecordOnlyMarker | null
}

export function merchantUidFor(sessionId: string): string {
  return `${MERCHANT_UID_PREFIX}${sessionId}`
}

/** A new checkout's data: what IMP.request_pay needs, and no secret. */
export function newSessionData(
  options: Pick<ResolvedOptions, "impCode" | "channelKey" | "pg" | "orderName" | "mode">,
  checkout: { sessionId?: string; merchantUid: string; amount: number; currency: string; buyer: Buyer }
): PaymentwallData {
  const { sessionId, merchantUid, amount, currency, buyer } = checkout
  return {
    ...(sessionId ? { session_id: sessionId } : {}),
    merchant_uid: merchantUid,
    amount,
    currency,
    imp_code: options.impCode,
    channel_key: options.channelKey ?? null,
    pg: options.channelKey ? null : (options.pg ?? null),
    name: options.orderName,
    buyer_email: buyer.email,
    buyer_name: buyer.name,
    mode: options.mode,
    // Medusa merges the storefront's data under ours: every key the provider reads later is set here, so a
    // buyer cannot plant one (a record-only marker, an imp_uid) in the session.
    imp_uid: null,
    iamport: null,
    cancel_requests: null,
    [RECORD_ONLY_KEY]: null,
  }
}

/** The payment session behind one of our merchant_uids, or null for a merchant_uid this plugin did not make. */
export function sessionIdFromMerchantUid(merchantUid: string | undefined | null): string | null {
  if (!merchantUid?.startsWith(MERCHANT_UID_PREFIX)) {
    return null
  }
  const sessionId = merchantUid.slice(MERCHANT_UID_PREFIX.length)
  return SESSION_ID_PATTERN.test(sessionId) ? sessionId : null
}

/** Our keys from Medusa's data, checked: data that lost them cannot be verified against i'mport. */
export function readPaymentwallData(
  data: Record<string, unknown> | undefined
): PaymentwallData & Record<string, unknown> {
  const value = (data ?? {}) as Partial<PaymentwallData> & Record<string, unknown>
  if (
    typeof value.merchant_uid !== "string" ||
    typeof value.amount !== "number" ||
    typeof value.currency !== "string"
  ) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      "This payment has no i'mport merchant_uid, amount or currency in its data; it was not started by the iamport-paymentwall provider."
    )
  }
  return value as PaymentwallData & Record<string, unknown>
}

/** `checkedAt`: when the read began, where the caller knows it (a notice received after it is not covered). */
export function snapshotOf(payment: IamportPayment, checkedAt: Date = new Date()): IamportSnapshot {
  return snapshotOfView(paymentViewOf(payment), checkedAt)
}

/** The kept snapshot of a payment as settlement reads it: the one place its fields are written from. */
export function snapshotOfView(payment: PaymentView, checkedAt: Date = new Date()): IamportSnapshot {
  return {
    imp_uid: payment.id,
    status: payment.status,
    amount: payment.amount,
    cancel_amount: payment.cancelled_amount,
    currency: payment.currency,
    sandbox: payment.sandbox,
    pg_provider: payment.pg_provider,
    pg_tid: payment.pg_tid,
    paid_at: payment.paid_at,
    receipt_url: payment.receipt_url,
    cancellation_ids: payment.cancellations.map((entry) => entry.key),
    history_keys: historyKeysOf(payment.cancellations),
    checked_at: checkedAt.toISOString(),
  }
}

/** The keys and aliases of i'mport's cancel_history: none of them can be the answer to a cancel sent now. */
export function historyKeys(payment: Pick<IamportPayment, "cancel_history">): string[] {
  return historyKeysOf(keyedCancellations(payment.cancel_history))
}

/** The whole data with i'mport's latest word merged in: Medusa replaces payment.data with what we return. */
export function withSnapshot<T extends Record<string, unknown>>(data: T, payment: IamportPayment): T {
  return { ...data, imp_uid: payment.imp_uid, iamport: snapshotOf(payment) }
}
