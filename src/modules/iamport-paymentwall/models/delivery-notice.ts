import { model } from "@medusajs/framework/utils"

export const DELIVERY_STATUSES = ["order_shipped", "delivered"] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** pending: to be sent (again, after a failure, at next_attempt_at); sent: i'mport accepted it; failed: given up. */
export const DELIVERY_STATES = ["pending", "sent", "failed"] as const
export type DeliveryState = (typeof DELIVERY_STATES)[number]

/**
 * The outbox of Paymentwall delivery confirmations (POST /paymentwall/delivery): one row per payment and status,
 * so a status is sent once however often Medusa's events repeat; the job retries a failed send with backoff.
 */
const DeliveryNotice = model
  .define("iamport_pw_delivery_notice", {
    id: model.id({ prefix: "pwdl" }).primaryKey(),
    order_id: model.text(),
    payment_id: model.text(),
    provider_id: model.text(),
    imp_uid: model.text(),
    merchant_uid: model.text(),
    status: model.enum([...DELIVERY_STATUSES]),
    type: model.enum(["physical", "digital"]),
    fulfillment_id: model.text().nullable(),
    carrier_type: model.text().nullable(),
    carrier_tracking_id: model.text().nullable(),
    state: model.enum([...DELIVERY_STATES]).default("pending"),
    attempts: model.number().default(0),
    next_attempt_at: model.dateTime(),
    sent_at: model.dateTime().nullable(),
    last_error: model.text().nullable(),
    /** The request as last sent, without credentials: what the widget and an operator can check. */
    request: model.json().nullable(),
  })
  .indexes([
    { name: "IDX_iamport_pw_delivery_notice_payment_status", on: ["payment_id", "status"], unique: true },
    { name: "IDX_iamport_pw_delivery_notice_order_id", on: ["order_id"] },
    { name: "IDX_iamport_pw_delivery_notice_state", on: ["state", "next_attempt_at"] },
  ])

export default DeliveryNotice
