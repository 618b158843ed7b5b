import { MedusaError } from "@medusajs/framework/utils"
import type { IamportPayment } from "../../iamport/types"
import { type Decimal, toDecimal } from "../../money"
import type { PaymentView } from "../payment-view"
import { cancellationsOf, type KeyedCancellation } from "./cancel-history"

/** A V1 payment as settlement reads it; its cancellations keep V1's pg_tid and receipt_url for the admin. */
export type V1PaymentView = PaymentView & { cancellations: KeyedCancellation[] }

/**
 * i'mport V1's payment, mapped to settlement's transport-neutral view (../payment-view). Every value is V1's own,
 * unconverted: cancel_amount is i'mport's figure (not a sum of cancel_history), and the status is V1's, which shows
 * a partly cancelled payment as "cancelled" as well. Optional V1 fields that are absent read as null, as the kept
 * snapshot has always stored them.
 */
export function paymentViewOf(payment: IamportPayment): V1PaymentView {
  return {
    id: payment.imp_uid,
    merchant_uid: payment.merchant_uid,
    amount: payment.amount,
    cancelled_amount: payment.cancel_amount,
    status: payment.status,
    currency: payment.currency,
    paid_at: payment.paid_at,
    cancellations: cancellationsOf(payment),
    sandbox: payment.sandbox,
    pg_provider: payment.pg_provider ?? null,
    pg_tid: payment.pg_tid ?? null,
    receipt_url: payment.receipt_url ?? null,
  }
}

/**
 * Settlement never books past cancel_amount and plans from amount − cancel_amount: a payment whose figures cannot be
 * read that way (absent, not numbers, negative) is refused where settlement reads it (the port), so
 * its settlement fails alone and books nothing, rather than planning from a figure that means nothing. Not checked in
 * paymentViewOf itself, which also maps i'mport's answer to a cancel already sent: that answer must still be recorded.
 */
export function assertSettleableAmounts(payment: IamportPayment): void {
  const read = (field: "amount" | "cancel_amount"): void => {
    // As the wire gave it: V1's types say number, which is not checked on arrival.
    const value: unknown = payment[field]
    let decimal: Decimal | null
    try {
      // Absent is not zero (Medusa's maths reads undefined and null as 0).
      decimal = value === undefined || value === null || value === "" ? null : toDecimal(value as number)
    } catch {
      decimal = null
    }
    if (!decimal || decimal.isNegative()) {
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `i'mport's payment ${payment.imp_uid} has a ${field} that is not an amount (${JSON.stringify(value)}); nothing is settled from it.`
      )
    }
  }
  read("amount")
  // More cancelled than paid is left to the ledger, which never books past cancel_amount nor Medusa past what it
  // captured: i'mport's own reading of a full refund is cancel_amount >= amount, so it is not refused here.
  read("cancel_amount")
}
