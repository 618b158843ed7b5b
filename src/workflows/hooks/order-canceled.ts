import { cancelOrderWorkflow } from "@medusajs/medusa/core-flows"
import { MathBN, MedusaError } from "@medusajs/framework/utils"
import { formatAmount } from "../../lib/money"
import { paymentwallPaymentsOfOrder } from "../../lib/order-payments"

/**
 * Medusa 2.21's cancelOrderWorkflow refunds each captured payment and, when a refund fails, only logs it and
 * cancels the order anyway (refundPaymentsStep catches the error). For a Paymentwall payment the provider's money
 * gate refuses a refund beyond what is free (a refund still waiting at Paymentwall) before i'mport hears of it; the
 * order must then not be cancelled with the buyer's money kept and nobody told. Its last hook throws, so the
 * workflow rolls the cancel back and its caller (a store's own code, or the admin route) gets the reason.
 */
cancelOrderWorkflow.hooks.orderCanceled(async ({ order }, { container }) => {
  const found = await paymentwallPaymentsOfOrder(container, (order as { id: string }).id, ["amount", "captured_at", "refunds", "currency_code"])
  for (const payment of found?.payments ?? []) {
    if (!payment.captured_at) {
      continue
    }
    const refunded = (payment.refunds ?? []).reduce((sum, r) => MathBN.add(sum, r.amount), MathBN.convert(0))
    const kept = MathBN.sub(payment.amount, refunded)
    if (MathBN.gt(kept, 0)) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `The order was not cancelled: Medusa could not refund ${formatAmount(kept)} ${payment.currency_code.toUpperCase()} of its Paymentwall payment ${payment.id} ` +
          `(the provider refused it, most often because a refund still waits at Paymentwall; the reason is in the server's log after ` +
          `"Error was thrown trying to cancel payment"). Cancel the order once Paymentwall has answered, or dismiss the request on the order page.`
      )
    }
  }
})
