import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { releaseLockStep } from "@medusajs/medusa/core-flows"
import { acquirePaymentLockStep } from "./steps/acquire-payment-lock"
import { snapshotOf } from "../providers/iamport-paymentwall/payment-data"
import { emitTicketEvents } from "./settlement/events"
import type { SettleCancellationsInput, SettledPayment } from "./settlement/settle-input"
import { settleResultOf } from "./settlement/settle-payment-cancellations"
import { bookCancellationsStep } from "./steps/book-cancellations"
import { flagTicketsStep } from "./steps/flag-tickets"
import { lookUpForSettlementStep } from "./steps/look-up-for-settlement"
import { paymentLockStep } from "./steps/payment-lock"
import { planSettlementStep } from "./steps/plan-settlement"
import { prepareSettlementStep } from "./steps/prepare-settlement"
import { recordNoticeLookupStep } from "./steps/record-notice-lookup"
import { refreshSnapshotStep } from "./steps/refresh-snapshot"
import { suspectRejectionsStep } from "./steps/suspect-rejections"

export type { SettleCancellationsInput, SettledPayment, SettleNotice } from "./settlement/settle-input"

export const settleCancellationsWorkflowId = "iamport-paymentwall-settle-cancellations"

/**
 * Settles one payment: brings Medusa in line with i'mport under the payment's lock. Looks the payment up, repairs
 * what an interrupted run left, plans, flags suspected rejections, books new cancellations exactly once (matched to
 * their tickets, or as external), flags over-reserved and stale tickets, refreshes
 * payment.data's snapshot, and emits the ticket events only once all of it succeeded. Duplicate and concurrent webhooks, the job and the admin's "Check with i'mport now" all run it.
 */
export const settleCancellationsWorkflow = createWorkflow(settleCancellationsWorkflowId, (input: SettleCancellationsInput) => {
  const lock = paymentLockStep(transform({ input }, ({ input }) => ({ payment_id: input.payment_id })))
  acquirePaymentLockStep(lock)

  const lookup = lookUpForSettlementStep(input)
  const target = transform({ input, lookup }, ({ input, lookup }) => ({ payment_id: input.payment_id, iamport: lookup.iamport }))
  const prepared = prepareSettlementStep(target)
  const plan = planSettlementStep(
    transform({ input, lookup, prepared }, ({ input, lookup }) => ({
      payment_id: input.payment_id,
      iamport: lookup.iamport,
      rejection_notice: input.notice?.suggests_rejection
        ? { received_at: input.notice.received_at, webhook_event_id: input.notice.webhook_event_id }
        : undefined,
      rejection_grace_ms: input.rejection_grace_ms,
    }))
  )
  const suspicions = suspectRejectionsStep(transform({ input, plan }, ({ input, plan }) => ({ payment_id: input.payment_id, plan })))
  const booked = bookCancellationsStep(
    transform({ target, plan, prepared, suspicions }, ({ target, plan, prepared }) => ({ ...target, plan, booking_in_flight: prepared.booking_in_flight }))
  )
  const flags = flagTicketsStep(
    transform({ input, target, booked }, ({ input, target, booked }) => ({
      ...target,
      skip_over_reservation: !booked || booked.interrupted,
      flag_waiting_after_ms: input.flag_waiting_after_ms,
    }))
  )
  refreshSnapshotStep(
    transform({ input, target, lookup, prepared, flags }, ({ input, target, lookup, prepared }) => ({
      ...target,
      read_at: input.read_at ?? lookup.started_at,
      booking_in_flight: prepared.booking_in_flight,
    }))
  )
  recordNoticeLookupStep(
    transform({ input, lookup, flags }, ({ input, lookup }) => ({
      webhook_event_id: input.notice?.webhook_event_id,
      looked_up_at: lookup.iamport ? lookup.started_at : null,
    }))
  )
  emitTicketEvents(
    transform({ suspicions, flags }, ({ suspicions, flags }) => [...suspicions.events, ...flags.events]),
    settleCancellationsWorkflowId
  )
  releaseLockStep({ key: lock.key, ownerId: lock.owner_id, executeOnSubWorkflow: true })

  const result = transform({ input, lookup, booked, suspicions, flags }, ({ input, lookup, booked, suspicions, flags }): SettledPayment => {
    const { events: _emitted, ...settled } = settleResultOf(booked, suspicions, flags)
    return { ...settled, iamport: lookup.iamport ? snapshotOf(lookup.iamport, new Date(input.read_at ?? lookup.started_at)) : null, ...(lookup.skipped ? { skipped: lookup.skipped } : {}) }
  })
  return new WorkflowResponse(result)
})
