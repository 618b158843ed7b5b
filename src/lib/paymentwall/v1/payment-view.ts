import type { IamportPayment } from "../../iamport/types"
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
