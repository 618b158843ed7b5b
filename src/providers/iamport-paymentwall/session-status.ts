import { MedusaError, PaymentSessionStatus } from "@medusajs/framework/utils"
import type { IamportPayment } from "../../lib/iamport/types"

/** What getPaymentStatus reports for each i'mport status: a paid Paymentwall payment is a sale, so `captured`. */
export const SESSION_STATUS: Record<IamportPayment["status"], PaymentSessionStatus> = {
  ready: PaymentSessionStatus.PENDING_AUTHORIZATION,
  paid: PaymentSessionStatus.CAPTURED,
  failed: PaymentSessionStatus.ERROR,
  cancelled: PaymentSessionStatus.CANCELED,
}

/** authorizePayment's status for a payment already verified as this checkout's; a failed or cancelled one throws. */
export function authorizedStatus(payment: IamportPayment): PaymentSessionStatus {
  switch (payment.status) {
    case "paid":
      return PaymentSessionStatus.CAPTURED
    case "ready":
      return PaymentSessionStatus.PENDING_AUTHORIZATION
    case "failed":
      throw new MedusaError(
        MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
        `Paymentwall did not complete the payment: ${payment.fail_reason || "no reason given"}`
      )
    default:
      throw new MedusaError(
        MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
        `The i'mport payment ${payment.imp_uid} is already ${payment.status}: ${payment.cancel_reason || "cancelled"}`
      )
  }
}
