import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys, OrderWorkflowEvents } from "@medusajs/framework/utils"
import { isPaymentwallProviderId } from "../lib/paymentwall-provider"
import { settleCancellationsWorkflow } from "../workflows/settle-cancellations"

type PaymentRow = { id: string; provider_id: string; data: { imp_uid?: string | null } | null }

/**
 * Cancelling an order refunds its captured payments through the provider, and Medusa books those Refunds at once.
 * This tracks each Paymentwall cancel as a ticket right away (rather than at the next webhook or job run), so a
 * rejection can later reverse the booking.
 */
export default async function trackOrderCancelRefunds({ event, container }: SubscriberArgs<{ id: string }>): Promise<void> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: ["id", "payment_collections.payments.id", "payment_collections.payments.provider_id", "payment_collections.payments.data"],
    filters: { id: event.data.id },
  })
  const order = data[0] as { payment_collections?: { payments?: PaymentRow[] }[] } | undefined
  const payments = (order?.payment_collections ?? []).flatMap((c) => c.payments ?? [])
  for (const payment of payments) {
    const impUid = payment.data?.imp_uid
    if (!isPaymentwallProviderId(payment.provider_id) || !impUid) {
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
