import type { PaymentwallDeliveryRequest } from "../../../lib/iamport/types"
import type { DeliveryNotice } from "../../../modules/iamport-paymentwall"

/** The order's fields a delivery report carries (Medusa's order and shipping address, as query returns them). */
export type DeliveryOrder = {
  email: string | null
  shipping_address: {
    first_name?: string | null
    last_name?: string | null
    address_1?: string | null
    address_2?: string | null
    city?: string | null
    province?: string | null
    postal_code?: string | null
    country_code?: string | null
    phone?: string | null
  } | null
}

const SECOND = 1000
const DAY = 86_400_000

/**
 * i'mport's POST /paymentwall/delivery body for one outbox row (reference iamport-v1 §7.4). Times are UNIX seconds;
 * Paymentwall's `shipping_address_state` is "N/A" outside the US. A digital delivery carries no address.
 */
export function deliveryRequest(
  notice: DeliveryNotice,
  order: DeliveryOrder,
  estimateDays: number,
  now = new Date()
): PaymentwallDeliveryRequest {
  const at = Math.floor(now.getTime() / SECOND)
  const estimated = notice.status === "order_shipped" ? Math.floor((now.getTime() + estimateDays * DAY) / SECOND) : at
  const request: PaymentwallDeliveryRequest = {
    imp_uid: notice.imp_uid,
    merchant_uid: notice.merchant_uid,
    type: notice.type,
    status: notice.status,
    estimated_delivery_datetime: estimated,
    estimated_update_datetime: at,
    refundable: "yes",
    shipping_address_email: order.email ?? "",
    details: notice.type === "digital" ? "Delivered electronically at purchase" : undefined,
  }
  if (notice.type === "physical") {
    const address = order.shipping_address ?? {}
    const country = address.country_code?.toUpperCase() ?? undefined
    Object.assign(request, {
      carrier_tracking_id: notice.carrier_tracking_id ?? undefined,
      carrier_type: notice.carrier_type ?? undefined,
      shipping_address_country: country,
      shipping_address_city: address.city ?? undefined,
      shipping_address_zip: address.postal_code ?? undefined,
      shipping_address_state: country === "US" ? (address.province ?? "N/A") : "N/A",
      shipping_address_street: [address.address_1, address.address_2].filter(Boolean).join(", ") || undefined,
      shipping_address_phone: address.phone ?? undefined,
      shipping_address_firstname: address.first_name ?? undefined,
      shipping_address_lastname: address.last_name ?? undefined,
    })
  }
  return Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)) as PaymentwallDeliveryRequest
}

/** The carrier_type for a fulfillment: by its provider id, then its shipping option's name, else the default. */
export function carrierFor(
  carriers: Record<string, string>,
  fallback: string,
  providerId: string | null,
  optionName: string | null
): string {
  return (providerId && carriers[providerId]) || (optionName && carriers[optionName]) || fallback
}

const MINUTE = 60_000
/** After this many failed sends a row is given up (failed) and shown for a person to act on. */
export const MAX_DELIVERY_ATTEMPTS = 10

/** 1, 2, 4 … minutes after each failure, at most 6 hours. */
export function nextAttemptAfter(attempts: number): number {
  return Math.min(MINUTE * 2 ** Math.max(0, attempts - 1), 6 * 60 * MINUTE)
}
