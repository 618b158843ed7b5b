import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { snapshotOfView } from "../../../lib/paymentwall/payment-data"
import { emitTicketEvents } from "../utils/events"
import type { SettleCancellationsInput, SettledPayment } from "../utils/settle-input"
import { bookCancellationsStep } from "../steps/book-cancellations"
import { flagTicketsStep } from "../steps/flag-tickets"
import { lookUpForSettlementStep } from "../steps/look-up-for-settlement"
import { planSettlementStep } from "../steps/plan-settlement"
import { prepareSettlementStep } from "../steps/prepare-settlement"
import { recordNoticeLookupStep } from "../steps/record-notice-lookup"
import { refreshSnapshotStep } from "../steps/refresh-snapshot"
import { suspectRejectionsStep } from "../steps/suspect-rejections"

export const settlePaymentWorkflowId = "iamport-paymentwall-settle-payment"

/**
 * The one settlement of a payment: brings Medusa in line with i'mport. Looks the payment up (or takes the caller's
 * read), repairs what an interrupted run left, plans, flags suspected rejections and approvals, books new
 * cancellations exactly once (matched to their tickets, or as external), flags over-reserved and stale tickets,
 * refreshes the kept snapshot, and emits the ticket events once the whole flow succeeded (in a parent that runs it
 * with runAsStep, once the parent succeeded).
 *
 * Takes no lock: the caller holds the payment's (settleCancellationsWorkflow, a ticket action, the order-cancel
 * guard). Exactly-once is held by the ledger's unique key per cancellation, so even a run that slips past the lock
 * cannot book twice. Nothing here frees reserved money or removes a Refund: only a shop admin's confirmation does.
 */
export const settlePaymentWorkflow = createWorkflow(settlePaymentWorkflowId, (input: SettleCancellationsInput) => {
  const lookup = lookUpForSettlementStep(input)
  const target = transform({ input, lookup }, ({ input, lookup }) => ({
    payment_id: input.payment_id,
    payment: lookup.payment,
  }))
  const prepared = prepareSettlementStep(target)
  const plan = planSettlementStep(
    transform({ input, lookup, prepared }, ({ input, lookup }) => ({
      payment_id: input.payment_id,
      payment: lookup.payment,
      rejection_notice: input.notice?.suggests_rejection
        ? { received_at: input.notice.received_at, webhook_event_id: input.notice.webhook_event_id }
        : undefined,
      rejection_grace_ms: input.rejection_grace_ms,
    }))
  )
  const suspicions = suspectRejectionsStep(
    transform({ input, plan, prepared }, ({ input, plan, prepared }) => ({
      payment_id: input.payment_id,
      plan,
      state: prepared.state,
    }))
  )
  const booked = bookCancellationsStep(
    transform({ target, plan, prepared, suspicions }, ({ target, plan, prepared }) => ({
      ...target,
      plan,
      booking_in_flight: prepared.booking_in_flight,
    }))
  )
  const flags = flagTicketsStep(
    transform({ input, target, prepared, booked }, ({ input, target, prepared, booked }) => ({
      ...target,
      // Medusa's payment as the settlement read it, or as the last booking left it.
      state: booked?.state ?? prepared.state,
      skip_over_reservation: !booked || booked.interrupted,
      flag_waiting_after_ms: input.flag_waiting_after_ms,
    }))
  )
  refreshSnapshotStep(
    transform({ input, target, lookup, flags }, ({ input, target, lookup }) => ({
      ...target,
      read_at: input.read_at ?? lookup.started_at,
    }))
  )
  recordNoticeLookupStep(
    transform({ input, lookup, flags }, ({ input, lookup }) => ({
      webhook_event_id: input.notice?.webhook_event_id,
      looked_up_at: lookup.payment ? lookup.started_at : null,
    }))
  )
  emitTicketEvents(
    transform({ suspicions, flags }, ({ suspicions, flags }) => [...suspicions.events, ...flags.events]),
    settlePaymentWorkflowId
  )
  const result = transform(
    { input, lookup, booked, suspicions, flags },
    ({ input, lookup, booked, suspicions, flags }): SettledPayment => ({
      booked: booked?.booked ?? [],
      completed: booked?.completed ?? [],
      external: booked?.external ?? [],
      blocked: booked?.blocked ?? [],
      suspected: suspicions.suspected,
      flagged: flags.flagged,
      iamport: lookup.payment ? snapshotOfView(lookup.payment, new Date(input.read_at ?? lookup.started_at)) : null,
      ...(lookup.skipped ? { skipped: lookup.skipped } : {}),
    })
  )
  return new WorkflowResponse(result)
})
