import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { DELIVERY_EVENTS, onDeliveryEvent } from "../workflows/delivery/utils/on-fulfillment-event"

/** Paymentwall delivery confirmation: shipments, deliveries and goods that need no shipping (see onDeliveryEvent). */
export default async function confirmDelivery({
  event,
  container,
}: SubscriberArgs<{ id?: string; order_id?: string; fulfillment_id?: string }>): Promise<void> {
  await onDeliveryEvent(container, event.name as (typeof DELIVERY_EVENTS)[keyof typeof DELIVERY_EVENTS], event.data)
}

export const config: SubscriberConfig = {
  event: Object.values(DELIVERY_EVENTS),
  context: { subscriberId: "iamport-paymentwall-delivery-confirmation" },
}
