import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { paymentwallPaymentsOfOrder } from "../../../lib/order-payments"
import { type DeliveryStatus, paymentwallModule } from "../../../modules/iamport-paymentwall"
import { carrierFor } from "./delivery-request"

export type DeliveryFulfillment = {
  id: string
  order_id: string | null
  provider_id: string | null
  requires_shipping: boolean
  tracking_number: string | null
  option_name: string | null
}

/** A fulfillment with what a delivery report needs: its order, carrier and tracking number. */
export async function loadFulfillment(
  container: MedusaContainer,
  fulfillmentId: string
): Promise<DeliveryFulfillment | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "fulfillment",
    fields: ["id", "provider_id", "requires_shipping", "labels.tracking_number", "shipping_option.name", "order.id"],
    filters: { id: fulfillmentId },
  })
  const row = data[0] as
    | {
        id: string
        provider_id?: string | null
        requires_shipping?: boolean
        labels?: { tracking_number?: string | null }[] | null
        shipping_option?: { name?: string } | null
        order?: { id: string } | null
      }
    | undefined
  if (!row) {
    return null
  }
  const tracking = (row.labels ?? []).map((l) => l.tracking_number?.trim()).find((t): t is string => !!t) ?? null
  return {
    id: row.id,
    order_id: row.order?.id ?? null,
    provider_id: row.provider_id ?? null,
    requires_shipping: row.requires_shipping !== false,
    tracking_number: tracking,
    option_name: row.shipping_option?.name ?? null,
  }
}

/**
 * Queues one delivery report per captured Paymentwall payment of the order, once per status: a row that exists
 * already (a repeated or concurrent event) is left as it is. Returns the ids of the rows this call created.
 */
export async function enqueueDelivery(
  container: MedusaContainer,
  orderId: string,
  status: DeliveryStatus,
  fulfillment: DeliveryFulfillment | null
): Promise<string[]> {
  const service = paymentwallModule(container)
  const settings = service.settings()
  if (!settings.deliveryConfirmation) {
    return []
  }
  const order = await paymentwallPaymentsOfOrder(container, orderId, ["captured_at", "data"])
  const shipping = fulfillment?.requires_shipping ? fulfillment : null
  const created: string[] = []
  for (const payment of order?.payments ?? []) {
    const impUid = payment.data?.imp_uid
    const merchantUid = payment.data?.merchant_uid
    if (!payment.captured_at || typeof impUid !== "string" || typeof merchantUid !== "string") {
      continue
    }
    const existing = await service.listDeliveryNotices({ payment_id: payment.id, status }, { select: ["id"] })
    if (existing.length) {
      continue
    }
    try {
      const [row] = await service.createDeliveryNotices([
        {
          order_id: orderId,
          payment_id: payment.id,
          provider_id: payment.provider_id,
          imp_uid: impUid,
          merchant_uid: merchantUid,
          status,
          type: shipping ? "physical" : "digital",
          fulfillment_id: fulfillment?.id ?? null,
          carrier_type: shipping
            ? carrierFor(
                settings.deliveryCarriers,
                settings.deliveryDefaultCarrier,
                shipping.provider_id,
                shipping.option_name
              )
            : null,
          carrier_tracking_id: shipping?.tracking_number ?? null,
          next_attempt_at: new Date(),
        },
      ])
      created.push(row.id)
    } catch (error) {
      // The unique (payment, status) index: another process queued it between the check and the insert.
      const again = await service.listDeliveryNotices({ payment_id: payment.id, status }, { select: ["id"] })
      if (!again.length) {
        throw error
      }
    }
  }
  return created
}
