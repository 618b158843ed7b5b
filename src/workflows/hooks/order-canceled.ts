import { cancelOrderWorkflow } from "@medusajs/medusa/core-flows"
import type { IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import {
  ContainerRegistrationKeys,
  MathBN,
  MedusaError,
  Modules,
  PaymentCollectionStatus,
} from "@medusajs/framework/utils"
import { formatAmount } from "../../lib/money"
import { isPaymentwallProviderId } from "../../lib/paymentwall/provider-id"
import { paymentwallModule } from "../../modules/iamport-paymentwall"

type OrderPayment = {
  id: string
  provider_id: string
  amount: number
  currency_code: string
  captured_at: Date | null
  canceled_at: Date | null
  refunds: { amount: number }[] | null
  captures: { amount: number }[] | null
}

type Collection = { id: string; status: PaymentCollectionStatus; amount: number; payments?: OrderPayment[] }

/**
 * Medusa 2.21's cancelOrderWorkflow refunds each captured payment and, when a refund fails, only logs it and
 * cancels the order anyway (refundPaymentsStep catches the error). For a Paymentwall payment the provider's money
 * gate refuses a refund beyond what is free (a refund still waiting at Paymentwall) before i'mport hears of it; the
 * order must then not be cancelled with the buyer's money kept and nobody told. This last hook throws, so the
 * workflow rolls the cancel back and its caller (a store's own code, or the admin route) gets the reason.
 *
 * Only where the rollback is whole: an order that also has another provider's payment (voided or refunded by the
 * same workflow, steps Medusa does not undo) is left cancelled, and the kept amount is logged as an error for a
 * person instead.
 */
cancelOrderWorkflow.hooks.orderCanceled(async ({ order }, { container }) => {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: [
      "id",
      "payment_collections.id",
      "payment_collections.status",
      "payment_collections.amount",
      "payment_collections.payments.id",
      "payment_collections.payments.provider_id",
      "payment_collections.payments.amount",
      "payment_collections.payments.currency_code",
      "payment_collections.payments.captured_at",
      "payment_collections.payments.canceled_at",
      "payment_collections.payments.refunds.amount",
      "payment_collections.payments.captures.amount",
    ],
    filters: { id: (order as { id: string }).id },
  })
  const found = data[0] as { id: string; payment_collections?: Collection[] } | undefined
  const payments = (found?.payment_collections ?? []).flatMap((c) => c.payments ?? [])
  const kept = payments.flatMap((payment) => {
    if (!isPaymentwallProviderId(payment.provider_id) || !payment.captured_at) {
      return []
    }
    const refunded = (payment.refunds ?? []).reduce((sum, r) => MathBN.add(sum, r.amount), MathBN.convert(0))
    const left = MathBN.sub(payment.amount, refunded)
    return MathBN.gt(left, 0)
      ? [`${formatAmount(left)} ${payment.currency_code.toUpperCase()} of its Paymentwall payment ${payment.id}`]
      : []
  })
  if (!kept.length) {
    return
  }
  // A ticket closed by hand is money i'mport returned that Medusa never books: the cancel can never ask for it.
  const closed = await paymentwallModule(container).listCancelTickets({
    payment_id: payments.map((p) => p.id),
    status: "closed",
    refund_id: null,
  })
  const reason =
    `Medusa could not refund ${kept.join(", ")} (the provider refused it, ` +
    (closed.length
      ? `because ${closed.reduce((sum, t) => sum + Number(t.amount), 0)} of it was returned at i'mport and closed by hand, so i'mport no longer holds it; `
      : "most often because a refund still waits at Paymentwall; ") +
    `the reason is in the server's log after "Error was thrown trying to cancel payment").`
  if (payments.some((p) => !isPaymentwallProviderId(p.provider_id))) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .error(
        `iamport-paymentwall: order ${found?.id} was cancelled, but ${reason} Refund the rest once Paymentwall has answered.`
      )
    return
  }
  await reopenCollections(container, found?.payment_collections ?? [])
  throw new MedusaError(
    MedusaError.Types.NOT_ALLOWED,
    `The order was not cancelled: ${reason} Cancel the order once Paymentwall has answered.`
  )
})

/**
 * The workflow marked the order's payment collections cancelled, and Medusa 2.21's updatePaymentCollectionStep
 * restores only their amount, currency and metadata when it is compensated: the status stays `canceled`, and the
 * order would show partially_captured. A collection captured in full is set back to `completed`, as Medusa's
 * payment module computes it.
 */
async function reopenCollections(container: MedusaContainer, collections: Collection[]): Promise<void> {
  const completed = collections.filter((c) => {
    const captured = (c.payments ?? [])
      .flatMap((p) => p.captures ?? [])
      .reduce((sum, cap) => MathBN.add(sum, cap.amount), MathBN.convert(0))
    return c.status === PaymentCollectionStatus.CANCELED && MathBN.gte(captured, c.amount)
  })
  if (completed.length) {
    // The service writes `status` (its updatable fields take it, though 2.21's UpdatePaymentCollectionDTO does not):
    // core's cancelOrderWorkflow sets `canceled` through the same call.
    await container
      .resolve<IPaymentModuleService>(Modules.PAYMENT)
      .updatePaymentCollections({ id: completed.map((c) => c.id) }, { status: PaymentCollectionStatus.COMPLETED })
  }
}
