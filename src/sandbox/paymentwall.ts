import { randomBytes } from "node:crypto"
import type { IamportPayment } from "../lib/iamport/types"
import type { SandboxContext } from "./context"
import { Refusal, type Ticket, fitsCurrency, fromMinor, nowSeconds, toMinor } from "./state"

export type WidgetOutcome = "paid" | "failed" | "fraud_review" | "ready"

export type WidgetPayment = {
  merchant_uid: string
  outcome: WidgetOutcome
  /** Defaults to the prepared amount. */
  amount?: number
  currency?: string
  name?: string
  buyer_email?: string
  buyer_name?: string
  /** A test-channel payment (i'mport's `sandbox` flag). Default true. */
  sandbox?: boolean
  pg_provider?: string
  /** Open the widget although the amount differs from the prepared one: a tampered or unprepared checkout. */
  ignore_prepare?: boolean
  fail_reason?: string
  /** Paymentwall's fraud review approves the payment after this long (else only through /approve). */
  approve_after_ms?: number
  /** false: a country or method that cannot be refunded; i'mport refuses every cancel of it. */
  refundable?: boolean
}

/** What i'mport shows on a payment that Paymentwall holds for fraud review (a failure, until it is approved). */
export const FRAUD_REVIEW_REASON = "(PG사 결제 장애) Internal error"

/** Stands in for the buyer finishing Paymentwall's widget opened by IMP.request_pay. */
export function payThroughWidget(ctx: SandboxContext, input: WidgetPayment): IamportPayment {
  const prepared = ctx.state.prepared.get(input.merchant_uid)
  if (!prepared && !input.ignore_prepare) {
    throw new Refusal(`no amount was prepared for ${input.merchant_uid}; the widget would not open`, 400)
  }
  const amount = input.amount ?? prepared?.amount
  const currency = (input.currency ?? prepared?.currency ?? "KRW").toUpperCase()
  if (amount === undefined || !(amount > 0) || !fitsCurrency(amount, currency)) {
    throw new Refusal(`amount ${amount} ${currency} is not a valid amount`, 400)
  }
  if (
    !input.ignore_prepare &&
    prepared &&
    (prepared.amount !== amount || (prepared.currency && prepared.currency !== currency))
  ) {
    // i'mport's pre-check: IMP.request_pay with another amount than the prepared one does not open the window.
    throw new Refusal(
      `amount ${amount} ${currency} differs from the prepared ${prepared.amount} ${prepared.currency}`,
      400
    )
  }
  refuseReusedMerchantUid(ctx, input)
  const paid = input.outcome === "paid"
  const failed = input.outcome === "failed" || input.outcome === "fraud_review"
  const started = nowSeconds()
  const payment: IamportPayment = {
    imp_uid: ctx.state.newImpUid(),
    merchant_uid: input.merchant_uid,
    amount,
    cancel_amount: 0,
    currency,
    status: paid ? "paid" : failed ? "failed" : "ready",
    sandbox: input.sandbox ?? true,
    pay_method: "card",
    channel: "pc",
    pg_provider: input.pg_provider ?? "paymentwall",
    pg_tid: `pw_${Math.random().toString(36).slice(2, 12)}`,
    pg_id: "sandbox_project",
    name: input.name ?? "Order",
    buyer_name: input.buyer_name ?? null,
    buyer_email: input.buyer_email ?? null,
    started_at: started,
    paid_at: paid ? started : 0,
    failed_at: failed ? started : 0,
    cancelled_at: 0,
    fail_reason:
      input.outcome === "fraud_review" ? FRAUD_REVIEW_REASON : failed ? (input.fail_reason ?? "Card declined") : null,
    cancel_reason: null,
    receipt_url: paid ? `https://sandbox.invalid/receipts/${input.merchant_uid}` : null,
    cancel_history: [],
    custom_data: null,
  }
  ctx.state.add(payment)
  if (input.refundable === false) {
    ctx.state.nonRefundable.add(payment.imp_uid)
  }
  if (input.outcome !== "ready") {
    notify(ctx, payment)
  }
  if (input.outcome === "fraud_review" && input.approve_after_ms !== undefined) {
    ctx.later(input.approve_after_ms, () => approveLate(ctx, payment.imp_uid))
  }
  return payment
}

/**
 * i'mport asks for a merchant_uid that is never reused: the widget does not charge again one that was paid already
 * (a refunded payment was paid too). A fraud review is refused as well, since it may turn paid. Only a late approval
 * (approveLate) of an attempt held before the other one paid can still make a second paid attempt.
 */
function refuseReusedMerchantUid(ctx: SandboxContext, input: WidgetPayment): void {
  if (input.outcome !== "paid" && input.outcome !== "fraud_review") {
    return
  }
  const paid = ctx.state.attemptsFor(input.merchant_uid).find((p) => p.paid_at > 0)
  if (paid) {
    throw new Refusal(
      `merchant_uid ${input.merchant_uid} was already paid (${paid.imp_uid}); a payment needs a merchant_uid that was never paid`,
      409
    )
  }
}

/**
 * Paymentwall's fraud review passed: the failed (or still ready) payment turns paid, with an extra webhook. It may
 * be the merchant_uid's second paid attempt, when the buyer paid again while it was held.
 */
export function approveLate(ctx: SandboxContext, impUid: string): IamportPayment {
  const payment = paymentOrRefuse(ctx, impUid)
  if (payment.status !== "failed" && payment.status !== "ready") {
    throw new Refusal(`payment ${impUid} is ${payment.status}; only a failed or ready payment can be approved`, 409)
  }
  payment.status = "paid"
  payment.paid_at = nowSeconds()
  payment.fail_reason = null
  payment.receipt_url = `https://sandbox.invalid/receipts/${payment.merchant_uid}`
  ctx.state.touch(payment)
  notify(ctx, payment)
  return payment
}

export function failPayment(ctx: SandboxContext, impUid: string, reason: string): IamportPayment {
  const payment = paymentOrRefuse(ctx, impUid)
  if (payment.status !== "ready") {
    throw new Refusal(`payment ${impUid} is ${payment.status}; only a ready payment can fail`, 409)
  }
  payment.status = "failed"
  payment.failed_at = nowSeconds()
  payment.fail_reason = reason
  ctx.state.touch(payment)
  notify(ctx, payment)
  return payment
}

/** The reason written on an approved ticket's entry in the world where i'mport does not keep the request's. */
export const PAYMENTWALL_APPROVAL_REASON = "Paymentwall refund approved"

/** Paymentwall works through a ticket: approved adds the cancel_history entry; rejected leaves the payment. */
export function settleTicket(
  ctx: SandboxContext,
  ticketId: string,
  result: "approved" | "rejected",
  message?: string
): Ticket {
  const ticket = ctx.state.tickets.get(ticketId)
  if (!ticket) {
    throw new Refusal(`no ticket ${ticketId}`, 404)
  }
  if (ticket.status !== "open") {
    throw new Refusal(`ticket ${ticketId} is already ${ticket.status}`, 409)
  }
  const payment = paymentOrRefuse(ctx, ticket.imp_uid)
  ticket.settled_at = Date.now()
  if (result === "approved") {
    if (ctx.state.remainingMinor(payment) < toMinor(ticket.amount, payment.currency)) {
      // Someone cancelled the rest meanwhile (console): Paymentwall has nothing left to return.
      ticket.status = "rejected"
      ticket.message = "Nothing left to refund"
    } else {
      const entry = ctx.state.applyCancellation(
        payment,
        ticket.amount,
        ctx.options.approvalReason === "own" ? PAYMENTWALL_APPROVAL_REASON : ticket.reason
      )
      ticket.status = "approved"
      ticket.cancellation_id = entry.cancellation_id ?? null
      ticket.message = message ?? null
      if (ticket.enable_webhook) {
        notify(ctx, payment, entry.cancellation_id ?? undefined)
      }
      return ticket
    }
  } else {
    ticket.status = "rejected"
    ticket.message = message ?? "This payment method cannot be refunded"
  }
  if (ticket.enable_webhook && ctx.options.rejectionWebhook) {
    notify(ctx, payment)
  }
  return ticket
}

/**
 * A refund made in i'mport's console (or a chargeback): done at once, with a `cancelled` webhook. `omitCancellationId`
 * answers that entry without its cancellation_id, as third-party implementations, older answers and proxies do.
 */
export function consoleCancel(
  ctx: SandboxContext,
  impUid: string,
  amount: number | undefined,
  reason: string,
  omitCancellationId = false,
  /** Answer the entry without its pg_tid, which i'mport fills in later (fillInEntries). */
  pgTidLater = false
): IamportPayment {
  const payment = paymentOrRefuse(ctx, impUid)
  const remaining = ctx.state.remainingMinor(payment)
  const minor = amount === undefined ? remaining : toMinor(amount, payment.currency)
  if (payment.status !== "paid" && payment.status !== "cancelled") {
    throw new Refusal(`payment ${impUid} is ${payment.status}`, 409)
  }
  if (minor <= 0 || minor > remaining) {
    throw new Refusal(`cannot cancel ${amount}; ${remaining} (minor units) left`, 400)
  }
  const entry = ctx.state.applyCancellation(payment, fromMinor(minor, payment.currency), reason)
  if (omitCancellationId) {
    delete entry.cancellation_id
  }
  if (pgTidLater) {
    entry.pg_tid = null
  }
  notify(ctx, payment, entry.cancellation_id ?? undefined)
  return payment
}

/** i'mport fills in what it left out of a payment's cancel_history entries (pg_tid), silently: no webhook. */
export function fillInEntries(ctx: SandboxContext, impUid: string): IamportPayment {
  const payment = paymentOrRefuse(ctx, impUid)
  payment.cancel_history = payment.cancel_history.map((entry) =>
    entry.pg_tid ? entry : { ...entry, pg_tid: `pw_ref_${randomBytes(5).toString("hex")}` }
  )
  ctx.state.touch(payment)
  return payment
}

export function notify(ctx: SandboxContext, payment: IamportPayment, cancellationId?: string): void {
  ctx.webhooks.notify({
    imp_uid: payment.imp_uid,
    merchant_uid: payment.merchant_uid,
    status: payment.status,
    ...(cancellationId ? { cancellation_id: cancellationId } : {}),
  })
}

export function scheduleAutoSettle(ctx: SandboxContext, ticket: Ticket): void {
  const after = ctx.options.ticketSettleAfterMs
  if (after === null) {
    return
  }
  ctx.later(after, () => {
    if (ctx.state.tickets.get(ticket.id)?.status === "open") {
      settleTicket(ctx, ticket.id, ctx.options.ticketAutoResult)
    }
  })
}

export function paymentOrRefuse(ctx: SandboxContext, impUid: string): IamportPayment {
  const payment = ctx.state.payments.get(impUid)
  if (!payment) {
    throw new Refusal(`no payment ${impUid}`, 404)
  }
  return payment
}
