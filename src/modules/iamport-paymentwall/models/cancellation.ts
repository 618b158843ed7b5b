import { model } from "@medusajs/framework/utils"

export const CANCELLATION_STATUSES = ["claimed", "booked", "blocked", "closed"] as const
export type CancellationStatus = (typeof CANCELLATION_STATUSES)[number]
/** Rows nothing books again: booked to a Refund, or closed by a person because Medusa can never book them. */
export const DONE_CANCELLATION_STATUSES: readonly CancellationStatus[] = ["booked", "closed"]

/**
 * The ledger: one row per entry of i'mport's cancel_history, keyed by its cancellation_id (or, where i'mport or a
 * proxy left that out, a key derived from the entry and its position). The unique index is what makes a second
 * booking of one cancellation impossible, across processes, whatever payment.data says.
 *
 * claimed: a booking started (or died half-way, seen by its stale heartbeat; the next run finds out whether the Refund exists);
 * booked: Medusa's Refund refund_id books it;
 * blocked: i'mport returned the money but Medusa refused the booking for now (blocked_reason is Medusa's reason);
 * the next webhook, job run or "check now" books it once the obstacle is gone;
 * closed: blocked, and a person (closed_by, closed_at, closed_reason) closed it because the obstacle can never clear.
 * Nothing books it again: like a booked row it is done, but it has no Refund (Medusa shows less refunded than i'mport).
 */
const Cancellation = model
  .define("iamport_pw_cancellation", {
    id: model.id({ prefix: "pwcn" }).primaryKey(),
    imp_uid: model.text(),
    payment_id: model.text(),
    key: model.text(),
    /** The key derived from the entry alone: an answer without cancellation_id names the same row by it. */
    alias: model.text().nullable(),
    cancellation_id: model.text().nullable(),
    position: model.number(),
    amount: model.bigNumber(),
    currency_code: model.text(),
    cancelled_at: model.dateTime().nullable(),
    ticket_id: model.text().nullable(),
    refund_id: model.text().nullable(),
    status: model.enum([...CANCELLATION_STATUSES]).default("claimed"),
    blocked_reason: model.text().nullable(),
    attempts: model.number().default(0),
    claimed_at: model.dateTime(),
    /** The booking that holds the claim now (a random id per booking): a takeover names itself, and the dead one's writes stop. */
    claim_owner: model.text().nullable(),
    /** Renewed every few seconds while the booking runs: a stale one means its process is gone (lib/claim-liveness.ts). */
    heartbeat_at: model.dateTime().nullable(),
    /** When the claim's booking entered Medusa's refund workflow, which nothing can fence: see lib/claim-liveness.ts. */
    booking_at: model.dateTime().nullable(),
    booked_at: model.dateTime().nullable(),
    closed_by: model.text().nullable(),
    closed_at: model.dateTime().nullable(),
    closed_reason: model.text().nullable(),
  })
  .indexes([
    { name: "IDX_iamport_pw_cancellation_payment_id", on: ["payment_id"] },
    { name: "IDX_iamport_pw_cancellation_status", on: ["status"] },
    {
      name: "IDX_iamport_pw_cancellation_key_unique",
      on: ["imp_uid", "key"],
      unique: true,
      where: "deleted_at IS NULL",
    },
  ])

export default Cancellation
