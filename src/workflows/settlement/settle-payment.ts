import type { IEventBusModuleService, IPaymentModuleService, MedusaContainer, UpdatePaymentDTO } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import type { IamportCancelHistory, IamportPayment } from "../../lib/iamport/types"
import { planSettlement, type PlanTicket } from "../../lib/settlement-plan"
import { sessionIdFromMerchantUid } from "../../providers/iamport-paymentwall/payment-data"
import { bookCancellation } from "./book-cancellation"
import {
  bookedCancellations,
  type CancelTicket,
  loadPaymentState,
  type PaymentState,
  ticketService,
} from "./payment-state"
import { reverseOptimisticRefund } from "./reverse-refund"

export const TICKET_REJECTED_EVENT = "iamport_paymentwall.cancel_ticket.rejected"
export const TICKET_ATTENTION_EVENT = "iamport_paymentwall.cancel_ticket.needs_attention"

export type RejectionNotice = {
  received_at: string
  /** Identical deliveries share this key; one of them at most rejects a ticket. */
  dedupe_key: string
  webhook_event_id: string
}

export type SettleInput = {
  payment_id: string
  iamport: IamportPayment
  rejection_notice?: RejectionNotice
  /** Flag tickets that have waited longer than this (the reconciliation job). */
  flag_waiting_after_ms?: number
  rejection_grace_ms?: number
}

export type SettleResult = {
  booked: string[]
  completed: string[]
  external: string[]
  rejected: string[]
  flagged: string[]
}

const DEFAULT_GRACE_MS = 60_000
const NOTICE_WINDOW_MS = 10 * 60_000

/**
 * Brings Medusa in line with i'mport for one payment. Must run under the payment's lock: every step is
 * idempotent on cancellation_id, and the lock makes the check and the booking one critical section.
 */
export async function settlePayment(container: MedusaContainer, input: SettleInput): Promise<SettleResult> {
  const result: SettleResult = { booked: [], completed: [], external: [], rejected: [], flagged: [] }
  let state = await loadPaymentState(container, input.payment_id)
  assertSamePayment(state, input.iamport)
  const service = ticketService(container)
  await adoptRecordedCancels(container, state, input.iamport)

  const tickets = await service.listCancelTickets({ payment_id: state.id })
  const notice = input.rejection_notice && (await noticeStillUnused(container, input.rejection_notice))
  const steps = planSettlement({
    history: input.iamport.cancel_history ?? [],
    tickets: tickets.map(toPlanTicket),
    booked: bookedCancellations(state),
    rejectionNotice: notice
      ? { received_at: new Date(notice.received_at), grace_ms: input.rejection_grace_ms ?? DEFAULT_GRACE_MS }
      : undefined,
  })

  const byId = new Map(tickets.map((t) => [t.id, t]))
  for (const step of steps) {
    if (step.type === "complete") {
      const ticket = byId.get(step.ticket_id)!
      if (step.book) {
        state = await bookCancellation(container, state, ticket, step.entry)
        result.booked.push(step.entry.cancellation_id)
      } else {
        state = await confirmOptimistic(container, state, ticket, step.entry)
      }
      result.completed.push(ticket.id)
    } else if (step.type === "external") {
      const ticket = await service.createCancelTickets(externalTicket(state, input.iamport, step.entry))
      state = await bookCancellation(container, state, ticket, step.entry)
      result.external.push(ticket.id)
      result.booked.push(step.entry.cancellation_id)
    } else {
      await rejectTicket(container, state, byId.get(step.ticket_id)!, "Paymentwall rejected the cancellation ticket")
      result.rejected.push(step.ticket_id)
      if (notice) {
        await service.updateWebhookEvents({ id: notice.webhook_event_id, outcome: `rejected ${step.ticket_id}` })
      }
    }
  }

  const now = new Date()
  for (const ticket of await service.listCancelTickets({ payment_id: state.id, status: ["waiting_for_cancellation", "requested"] })) {
    const stale =
      input.flag_waiting_after_ms !== undefined &&
      !ticket.needs_attention &&
      now.getTime() - (ticket.waiting_since ?? ticket.requested_at).getTime() > input.flag_waiting_after_ms
    await service.updateCancelTickets({
      id: ticket.id,
      last_checked_at: now,
      ...(stale ? { needs_attention: true, error: `No answer from Paymentwall since ${(ticket.waiting_since ?? ticket.requested_at).toISOString()}` } : {}),
    })
    if (stale) {
      result.flagged.push(ticket.id)
      await emit(container, TICKET_ATTENTION_EVENT, ticket, state)
    }
  }
  return result
}

/** A notice rejects at most one ticket: identical deliveries within minutes are one notice. */
async function noticeStillUnused(container: MedusaContainer, notice: RejectionNotice): Promise<RejectionNotice | undefined> {
  const since = new Date(new Date(notice.received_at).getTime() - NOTICE_WINDOW_MS)
  const siblings = await ticketService(container).listWebhookEvents({ dedupe_key: notice.dedupe_key, received_at: { $gte: since } })
  return siblings.some((e) => e.id !== notice.webhook_event_id && e.outcome?.startsWith("rejected ")) ? undefined : notice
}

function assertSamePayment(state: PaymentState, iamport: IamportPayment): void {
  const sessionId = sessionIdFromMerchantUid(iamport.merchant_uid)
  const expected = state.data.merchant_uid
  if (iamport.merchant_uid !== expected || !sessionId) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `i'mport payment ${iamport.imp_uid} (${iamport.merchant_uid}) is not Medusa payment ${state.id} (${String(expected)}).`
    )
  }
}

function toPlanTicket(ticket: CancelTicket): PlanTicket {
  return {
    id: ticket.id,
    status: ticket.status,
    amount: ticket.amount as unknown as number,
    cancellation_id: ticket.cancellation_id,
    refund_id: ticket.refund_id,
    requested_at: new Date(ticket.requested_at),
    waiting_since: ticket.waiting_since ? new Date(ticket.waiting_since) : null,
  }
}

function externalTicket(state: PaymentState, iamport: IamportPayment, entry: IamportCancelHistory) {
  const at = new Date((entry.cancelled_at || Math.floor(Date.now() / 1000)) * 1000)
  return {
    payment_id: state.id,
    provider_id: state.provider_id,
    order_id: state.order_id,
    imp_uid: iamport.imp_uid,
    merchant_uid: iamport.merchant_uid,
    amount: entry.amount,
    currency_code: state.currency_code,
    origin: "external" as const,
    status: "waiting_for_cancellation" as const,
    reason: entry.reason || "Cancelled outside Medusa (i'mport console or chargeback)",
    note: `Cancelled outside Medusa: ${entry.reason || "no reason given"}`,
    requested_at: at,
    waiting_since: at,
  }
}

/** An optimistic Refund (order cancel, compensation) that i'mport now shows: tie it to its cancellation. */
async function confirmOptimistic(
  container: MedusaContainer,
  state: PaymentState,
  ticket: CancelTicket,
  entry: IamportCancelHistory
): Promise<PaymentState> {
  const refundId = ticket.refund_id!
  const records = { ...(state.data.cancel_requests ?? {}) }
  records[refundId] = { ...records[refundId], status: "completed", cancellation_id: entry.cancellation_id }
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  await payments.updatePayment({ id: state.id, data: { ...state.data, cancel_requests: records } } as unknown as UpdatePaymentDTO)
  await ticketService(container).updateCancelTickets({
    id: ticket.id,
    status: "completed",
    cancellation_id: entry.cancellation_id,
    settled_at: new Date(),
    needs_attention: false,
    error: null,
  })
  return loadPaymentState(container, state.id)
}

export async function rejectTicket(container: MedusaContainer, state: PaymentState, ticket: CancelTicket, message: string): Promise<void> {
  const service = ticketService(container)
  const left = await reverseOptimisticRefund(container, state, ticket)
  await service.updateCancelTickets({
    id: ticket.id,
    status: "rejected",
    settled_at: new Date(),
    error: left.length ? `${message}. Medusa's refund was reversed, but ${left.join("; ")}.` : message,
    // A rejection after Medusa had already booked the refund needs a person: the buyer was told of a refund.
    needs_attention: ticket.refund_id !== null,
  })
  await emit(container, TICKET_REJECTED_EVENT, ticket, state)
}

async function emit(container: MedusaContainer, name: string, ticket: CancelTicket, state: PaymentState): Promise<void> {
  await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit({
    name,
    data: { id: ticket.id, payment_id: state.id, order_id: state.order_id, amount: ticket.amount, currency_code: ticket.currency_code },
  })
}

/**
 * Tickets for cancels that Medusa sent through the provider itself (order cancel, cart compensation): Medusa
 * booked those Refunds at once, and the provider recorded each request in payment.data under the refund id.
 */
async function adoptRecordedCancels(container: MedusaContainer, state: PaymentState, iamport: IamportPayment): Promise<void> {
  const records = state.data.cancel_requests ?? {}
  const service = ticketService(container)
  const tracked = new Set(
    (await service.listCancelTickets({ payment_id: state.id }, { select: ["refund_id"] })).map((t) => t.refund_id)
  )
  for (const refundId of state.refund_ids) {
    const record = records[refundId]
    if (!record || tracked.has(refundId)) {
      continue
    }
    const at = new Date(record.requested_at)
    await service.createCancelTickets({
      payment_id: state.id,
      provider_id: state.provider_id,
      order_id: state.order_id,
      imp_uid: iamport.imp_uid,
      merchant_uid: iamport.merchant_uid,
      amount: record.amount,
      currency_code: state.currency_code,
      origin: !state.order_id ? "compensation" : state.order_status === "canceled" ? "order_cancel" : "admin",
      status: record.status === "rejected" ? "rejected" : record.cancellation_id ? "completed" : record.status,
      reason: record.reason,
      cancellation_id: record.cancellation_id,
      refund_id: refundId,
      requested_at: at,
      waiting_since: record.status === "waiting_for_cancellation" ? at : null,
      settled_at: record.cancellation_id ? at : null,
      needs_attention: record.status === "requested",
      error: record.error ?? null,
      metadata: { booked_by_medusa_before_settlement: true },
    })
  }
}
