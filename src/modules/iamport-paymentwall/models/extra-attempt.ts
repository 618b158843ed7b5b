import { model } from "@medusajs/framework/utils"

export const EXTRA_ATTEMPT_STATUSES = [
  "found",
  "cancel_requested",
  "waiting_for_cancellation",
  "cancelled",
  "failed",
] as const
export type ExtraAttemptStatus = (typeof EXTRA_ATTEMPT_STATUSES)[number]

/** Attempts whose money i'mport may still hold: the admin is shown them, and the job looks at them again. */
export const OPEN_EXTRA_ATTEMPT_STATUSES = [
  "found",
  "cancel_requested",
  "waiting_for_cancellation",
  "failed",
] as const satisfies readonly ExtraAttemptStatus[]

/**
 * A second paid attempt of a merchant_uid whose Medusa payment already captured another (ledger invariant (h)):
 * typically a payment held for Paymentwall's fraud review and approved after the buyer paid again. Medusa never
 * booked this money, so it is never a Refund: a shop admin cancels it at i'mport in full.
 *
 * found: i'mport shows it paid and Medusa's payment names another attempt;
 * cancel_requested: saved before i'mport is called (and kept there when i'mport's answer was lost);
 * waiting_for_cancellation: Paymentwall accepted the cancel as a ticket;
 * cancelled: i'mport shows it cancelled in full;
 * failed: i'mport refused the cancel (error says why); it can be asked again.
 */
const ExtraAttempt = model
  .define("iamport_pw_extra_attempt", {
    id: model.id({ prefix: "pwxa" }).primaryKey(),
    payment_id: model.text(),
    order_id: model.text().nullable(),
    imp_uid: model.text(),
    merchant_uid: model.text(),
    amount: model.bigNumber(),
    currency_code: model.text(),
    status: model.enum([...EXTRA_ATTEMPT_STATUSES]).default("found"),
    error: model.text().nullable(),
    found_at: model.dateTime(),
    /** The shop admin who asked for the cancel, and when. */
    decided_by: model.text().nullable(),
    decided_at: model.dateTime().nullable(),
    metadata: model.json().nullable(),
  })
  .indexes([
    { name: "IDX_iamport_pw_extra_attempt_payment_id", on: ["payment_id"] },
    { name: "IDX_iamport_pw_extra_attempt_status", on: ["status"] },
    {
      // One row per i'mport attempt, whoever finds it first (a notice, the job, two instances).
      name: "IDX_iamport_pw_extra_attempt_imp_uid_unique",
      on: ["imp_uid"],
      unique: true,
      where: "deleted_at IS NULL",
    },
  ])

export default ExtraAttempt
