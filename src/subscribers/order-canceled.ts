import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { OrderWorkflowEvents } from "@medusajs/framework/utils"
import { paymentwallPaymentsOfOrder } from "../lib/order-payments"
import { settleCancellationsWorkflow } from "../workflows/settlement/workflows/settle-cancellations"

/**
 * Cancelling an order refunds its captured payments through the provider, and Medusa books those Refunds at once.
 * This tracks each Paymentwall cancel as a ticket right away (rather than at the next webhook or job run), so a
 * rejection can later reverse the booking.
 */
export default async function trackOrderCancelRefunds({
  event,
  container,
}: SubscriberArgs<{ id: string }>): Promise<void> {
  const order = await paymentwallPaymentsOfOrder(container, event.data.id, ["data"])
  for (const payment of order?.payments ?? []) {
    const impUid = payment.data?.imp_uid
    if (!impUid) {
      continue
    }
    await settleCancellationsWorkflow(container).run({
      input: { payment_id: payment.id, provider_id: payment.provider_id, imp_uid: impUid },
    })
  }
}

export const config: SubscriberConfig = {
  event: OrderWorkflowEvents.CANCELED,
  context: { subscriberId: "iamport-paymentwall-order-canceled" },
}
