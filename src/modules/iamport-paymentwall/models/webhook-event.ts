import { model } from "@medusajs/framework/utils"

/**
 * Every i'mport webhook the store received, for audit and deduplication. V1 webhooks carry no event id, and two
 * identical bodies can be two events (a rejection notice reads like the payment's own "paid" notice), so
 * deliveries are never dropped on their body alone: their effects are deduplicated on cancellation_id instead.
 * `dedupe_key` groups identical deliveries. One row per delivery: the rows are the audit trail, and a forger varies
 * bodies anyway; the retention job bounds the table.
 */
const WebhookEvent = model
  .define("iamport_pw_webhook_event", {
    id: model.id({ prefix: "pwwh" }).primaryKey(),
    dedupe_key: model.text(),
    imp_uid: model.text().nullable(),
    merchant_uid: model.text().nullable(),
    status: model.text().nullable(),
    cancellation_id: model.text().nullable(),
    source_ip: model.text().nullable(),
    received_at: model.dateTime(),
    /** When this delivery's own look-up at i'mport started: a delivery received before it needs no look-up. */
    looked_up_at: model.dateTime().nullable(),
    processed_at: model.dateTime().nullable(),
    outcome: model.text().nullable(),
    error: model.text().nullable(),
  })
  .indexes([
    { name: "IDX_iamport_pw_webhook_event_imp_uid", on: ["imp_uid"] },
    { name: "IDX_iamport_pw_webhook_event_dedupe_key", on: ["dedupe_key"] },
    { name: "IDX_iamport_pw_webhook_event_received_at", on: ["received_at"] },
  ])

export default WebhookEvent
