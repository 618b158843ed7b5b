import { model } from "@medusajs/framework/utils"

export const TICKET_STATUSES = [
  "requested",
  "waiting_for_cancellation",
  "returned",
  "completed",
  "closed",
  "rejected",
  "failed",
] as const

/** Tickets that hold money back: requested or waiting at Paymentwall, or returned at i'mport and not yet booked. */
export const OPEN_TICKET_STATUSES = [
  "requested",
  "waiting_for_cancellation",
  "returned",
] as const satisfies readonly TicketStatus[]
export const TICKET_ORIGINS = ["admin", "order_cancel", "external", "compensation"] as const

export type TicketStatus = (typeof TICKET_STATUSES)[number]
export type TicketOrigin = (typeof TICKET_ORIGINS)[number]

/**
 * One cancellation of a Paymentwall payment, from the request to i'mport's answer. i'mport's cancel_history is the
 * truth; a Medusa Refund exists for a ticket only once that history shows the cancellation (refund_id), except for
 * the paths where Medusa books before asking (order cancel, cart compensation), which are tracked here too.
 *
 * requested: saved before i'mport is called (and kept there when i'mport's answer was lost);
 * waiting_for_cancellation: Paymentwall accepted the ticket;
 * returned: in cancel_history, but Medusa refused the booking for now (open order change, cancelled order);
 * completed: in cancel_history and booked;
 * closed: returned, and a person (decided_by, decided_at) closed it because Medusa can never book it: the money is
 * back with the buyer, and Medusa shows less refunded than i'mport, knowingly;
 * rejected: a shop admin confirmed that Paymentwall said no; failed: i'mport refused the request at once.
 *
 * A notice that hints at a rejection only sets rejection_suspected_at: an unauthenticated webhook never frees money.
 */
const CancelTicket = model
  .define("iamport_pw_cancel_ticket", {
    id: model.id({ prefix: "pwct" }).primaryKey(),
    payment_id: model.text(),
    provider_id: model.text(),
    order_id: model.text().nullable(),
    imp_uid: model.text(),
    merchant_uid: model.text(),
    amount: model.bigNumber(),
    currency_code: model.text(),
    origin: model.enum([...TICKET_ORIGINS]),
    status: model.enum([...TICKET_STATUSES]).default("requested"),
    requested_by: model.text().nullable(),
    reason: model.text().nullable(),
    refund_reason_id: model.text().nullable(),
    note: model.text().nullable(),
    cancellation_id: model.text().nullable(),
    refund_id: model.text().nullable(),
    needs_attention: model.boolean().default(false),
    error: model.text().nullable(),
    requested_at: model.dateTime(),
    waiting_since: model.dateTime().nullable(),
    settled_at: model.dateTime().nullable(),
    last_checked_at: model.dateTime().nullable(),
    /** A notice suggested Paymentwall rejected this ticket; a person must confirm it (the amount stays reserved). */
    rejection_suspected_at: model.dateTime().nullable(),
    /** The shop admin who decided on a suspected rejection ("rejected" or "keep waiting"), and when. */
    decided_by: model.text().nullable(),
    decided_at: model.dateTime().nullable(),
    metadata: model.json().nullable(),
  })
  .indexes([
    { name: "IDX_iamport_pw_cancel_ticket_payment_id", on: ["payment_id"] },
    { name: "IDX_iamport_pw_cancel_ticket_status", on: ["status"] },
    { name: "IDX_iamport_pw_cancel_ticket_order_id", on: ["order_id"] },
    {
      // One booking per i'mport cancellation, whoever races to it.
      name: "IDX_iamport_pw_cancel_ticket_cancellation_id_unique",
      on: ["payment_id", "cancellation_id"],
      unique: true,
      where: "cancellation_id IS NOT NULL AND deleted_at IS NULL",
    },
  ])

export default CancelTicket
