import { randomBytes, randomInt } from "node:crypto"
import type { IamportCancelHistory, IamportPayment, IamportPaymentStatus } from "../lib/iamport/types"
import { CURRENCY_DECIMALS } from "../lib/money"

export type Prepared = { merchant_uid: string; amount: number; currency: string | null }

export type TicketStatus = "open" | "approved" | "rejected"

/** A Paymentwall cancellation ticket: invisible through i'mport's API until Paymentwall settles it. */
export type Ticket = {
  id: string
  imp_uid: string
  merchant_uid: string
  amount: number
  reason: string
  enable_webhook: boolean
  status: TicketStatus
  requested_at: number
  settled_at: number | null
  cancellation_id: string | null
  message: string | null
}

export class Refusal extends Error {
  constructor(
    message: string,
    readonly httpStatus = 200
  ) {
    super(message)
  }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/** The decimals i'mport's Paymentwall channel accepts: the plugin's own table (the sandbox refuses more precision). */
export function decimalsOf(currency: string): number | undefined {
  return CURRENCY_DECIMALS[currency.toUpperCase()]
}

/** True when `amount` has no more decimals than the currency allows. */
export function fitsCurrency(amount: number, currency: string): boolean {
  const decimals = decimalsOf(currency)
  if (decimals === undefined) {
    return false
  }
  const scaled = amount * 10 ** decimals
  return Math.abs(scaled - Math.round(scaled)) < 1e-6
}

/** Money in minor units, so the sandbox's own sums are exact. */
export function toMinor(amount: number, currency: string): number {
  return Math.round(amount * 10 ** (decimalsOf(currency) ?? 2))
}

export function fromMinor(minor: number, currency: string): number {
  const decimals = decimalsOf(currency) ?? 2
  return Number((minor / 10 ** decimals).toFixed(decimals))
}

/** The state as saved to `stateFile`: plain JSON, so a restarted sandbox still knows its payments and tickets. */
export type SavedState = {
  version: 1
  prepared: Prepared[]
  payments: IamportPayment[]
  tickets: Ticket[]
  deliveries: Record<string, unknown>[]
  non_refundable: string[]
  order: [string, { seq: number; updated: number }][]
  seq: number
}

/** In-memory i'mport: prepared amounts, payments and Paymentwall's tickets. */
export class SandboxState {
  readonly prepared = new Map<string, Prepared>()
  readonly payments = new Map<string, IamportPayment>()
  readonly tickets = new Map<string, Ticket>()
  readonly deliveries: Record<string, unknown>[] = []
  /** Payments whose country or method Paymentwall cannot refund. */
  readonly nonRefundable = new Set<string>()
  /** Creation order and last change per imp_uid: ties within one second still sort right. */
  readonly #order = new Map<string, { seq: number; updated: number }>()
  #seq = 0

  reset(): void {
    this.prepared.clear()
    this.payments.clear()
    this.#order.clear()
    this.tickets.clear()
    this.nonRefundable.clear()
    this.deliveries.length = 0
  }

  save(): SavedState {
    return {
      version: 1,
      prepared: [...this.prepared.values()],
      payments: [...this.payments.values()],
      tickets: [...this.tickets.values()],
      deliveries: [...this.deliveries],
      non_refundable: [...this.nonRefundable],
      order: [...this.#order],
      seq: this.#seq,
    }
  }

  restore(saved: SavedState): void {
    if (saved.version !== 1) {
      throw new Error(`sandbox state file version ${String(saved.version)} is not supported`)
    }
    this.reset()
    saved.prepared.forEach((p) => this.prepared.set(p.merchant_uid, p))
    saved.payments.forEach((p) => this.payments.set(p.imp_uid, p))
    saved.tickets.forEach((t) => this.tickets.set(t.id, t))
    this.deliveries.push(...saved.deliveries)
    saved.non_refundable.forEach((id) => this.nonRefundable.add(id))
    saved.order.forEach(([id, meta]) => this.#order.set(id, meta))
    this.#seq = saved.seq
  }

  newImpUid(): string {
    let id: string
    do {
      id = `imp_${String(randomInt(0, 1e12)).padStart(12, "0")}`
    } while (this.payments.has(id))
    return id
  }

  add(payment: IamportPayment): void {
    this.payments.set(payment.imp_uid, payment)
    this.#order.set(payment.imp_uid, { seq: ++this.#seq, updated: this.#seq })
  }

  touch(payment: IamportPayment): void {
    const meta = this.#order.get(payment.imp_uid)
    if (meta) {
      meta.updated = ++this.#seq
    }
  }

  /** Newest first by start, or as i'mport's `sorting` asks (-started, started, -paid, paid, -updated, updated). */
  attemptsFor(merchantUid: string, status?: IamportPaymentStatus, sorting = "-started"): IamportPayment[] {
    const field = sorting.replace(/^-/, "")
    const direction = sorting.startsWith("-") ? -1 : 1
    const rank = (p: IamportPayment): number => {
      const meta = this.#order.get(p.imp_uid) ?? { seq: 0, updated: 0 }
      return field === "paid" ? p.paid_at * 1e6 + meta.seq : field === "updated" ? meta.updated : meta.seq
    }
    return [...this.payments.values()]
      .filter((p) => p.merchant_uid === merchantUid && (!status || p.status === status))
      .sort((a, b) => direction * (rank(a) - rank(b)))
  }

  openTicket(payment: IamportPayment, amount: number, reason: string, enableWebhook: boolean): Ticket {
    const ticket: Ticket = {
      id: `tkt_${randomBytes(6).toString("hex")}`,
      imp_uid: payment.imp_uid,
      merchant_uid: payment.merchant_uid,
      amount,
      reason,
      enable_webhook: enableWebhook,
      status: "open",
      requested_at: Date.now(),
      settled_at: null,
      cancellation_id: null,
      message: null,
    }
    this.tickets.set(ticket.id, ticket)
    return ticket
  }

  /** Adds a cancel_history entry: what i'mport shows once a cancellation is done. */
  applyCancellation(payment: IamportPayment, amount: number, reason: string): IamportCancelHistory {
    const entry: IamportCancelHistory = {
      pg_tid: `pw_ref_${randomBytes(5).toString("hex")}`,
      amount,
      cancelled_at: nowSeconds(),
      reason,
      cancellation_id: `cxl_${randomBytes(8).toString("hex")}`,
      receipt_url: `https://sandbox.invalid/receipts/${payment.imp_uid}`,
    }
    const cancelled = toMinor(payment.cancel_amount, payment.currency) + toMinor(amount, payment.currency)
    payment.cancel_amount = fromMinor(cancelled, payment.currency)
    payment.cancel_history = [...payment.cancel_history, entry]
    payment.cancel_reason = reason
    payment.cancelled_at = entry.cancelled_at
    // V1 has no partial status: a partial cancel shows "cancelled" too (fully refunded = cancel_amount >= amount).
    payment.status = "cancelled"
    this.touch(payment)
    return entry
  }

  remainingMinor(payment: IamportPayment): number {
    return toMinor(payment.amount, payment.currency) - toMinor(payment.cancel_amount, payment.currency)
  }
}

/** A copy for the wire: later changes in the sandbox must not reach an answer already given. */
export function publicPayment(payment: IamportPayment): IamportPayment {
  return structuredClone(payment)
}
