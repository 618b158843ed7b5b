import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { enqueueDelivery, loadFulfillment } from "./enqueue-delivery"
import { sendDeliveryNotice } from "./send-delivery-notice"

export const DELIVERY_EVENTS = {
  ORDER_PLACED: "order.placed",
  FULFILLMENT_CREATED: "order.fulfillment_created",
  SHIPMENT_CREATED: "shipment.created",
  DELIVERY_CREATED: "delivery.created",
} as const

type DeliveryEvent = (typeof DELIVERY_EVENTS)[keyof typeof DELIVERY_EVENTS]

/**
 * What each of Medusa's events means for Paymentwall: a shipment with a tracking number is `order_shipped`, a
 * delivery is `delivered`, and an order of goods that need no shipping is delivered digitally at once (when placed,
 * or at its fulfillment). Queues the report in the outbox, then tries to send it now; the job retries what fails.
 */
export async function onDeliveryEvent(
  container: MedusaContainer,
  name: DeliveryEvent,
  data: { id?: string; order_id?: string; fulfillment_id?: string }
): Promise<string[]> {
  const queued = await queueFor(container, name, data)
  for (const id of queued) {
    await sendDeliveryNotice(container, id)
  }
  return queued
}

async function queueFor(
  container: MedusaContainer,
  name: DeliveryEvent,
  data: { id?: string; order_id?: string; fulfillment_id?: string }
): Promise<string[]> {
  if (name === DELIVERY_EVENTS.ORDER_PLACED) {
    return data.id && !(await needsShipping(container, data.id))
      ? enqueueDelivery(container, data.id, "delivered", null)
      : []
  }
  const fulfillmentId = name === DELIVERY_EVENTS.FULFILLMENT_CREATED ? data.fulfillment_id : data.id
  const fulfillment = fulfillmentId ? await loadFulfillment(container, fulfillmentId) : null
  const orderId = fulfillment?.order_id ?? data.order_id
  if (!fulfillment || !orderId) {
    return []
  }
  if (name === DELIVERY_EVENTS.FULFILLMENT_CREATED) {
    // Digital only when nothing in the order ships: the report is per payment, and a mixed order is delivered when its parcel is.
    return fulfillment.requires_shipping || (await needsShipping(container, orderId))
      ? []
      : enqueueDelivery(container, orderId, "delivered", fulfillment)
  }
  if (name === DELIVERY_EVENTS.SHIPMENT_CREATED) {
    if (!fulfillment.tracking_number) {
      // Paymentwall asks a physical shipment for its tracking: the report waits for a shipment that has one.
      container
        .resolve(ContainerRegistrationKeys.LOGGER)
        .info(
          `iamport-paymentwall: shipment ${fulfillment.id} has no tracking number; order_shipped is not reported to Paymentwall`
        )
      return []
    }
    return enqueueDelivery(container, orderId, "order_shipped", fulfillment)
  }
  // A digital part of a mixed order delivered first is not the order's delivery: the parcel's will be.
  if (!fulfillment.requires_shipping && (await needsShipping(container, orderId))) {
    return []
  }
  return enqueueDelivery(container, orderId, "delivered", fulfillment)
}

async function needsShipping(container: MedusaContainer, orderId: string): Promise<boolean> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: ["items.requires_shipping"], filters: { id: orderId } })
  const items = (data[0] as { items?: { requires_shipping?: boolean | null }[] } | undefined)?.items ?? []
  return !items.length || items.some((item) => item.requires_shipping !== false)
}
