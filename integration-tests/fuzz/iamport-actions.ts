import type { FaultKind, Model } from "./model"
import { type AmountSpec, amountText } from "./payment-actions"
import { pick, Step } from "./step"
import type { World } from "./world"

// Paymentwall and i'mport: what they do on their own (settle tickets, console refunds, filled-in entries, faults).

/** The provider's timeoutMs in the test store (helpers/test-store-config.ts). */
const CLIENT_TIMEOUT_MS = 5000

/** i'mport fills in what it left out of a payment's cancel_history entries (pg_tid), without a notice. */
export class FillIn extends Step {
  constructor(readonly p: number) {
    super()
  }
  toString() {
    return `i'mport fills in entries' pg_tid(p#${this.p})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const res = await w.sandboxPost(`/sandbox/payments/${ref.impUid}/fill-in`, {})
    w.log(`    ${ref.label}: -> ${res.status}`)
  }
}

export class SettleTicket extends Step {
  constructor(
    readonly t: number,
    readonly result: "approved" | "rejected"
  ) {
    super()
  }
  toString() {
    return `Paymentwall ${this.result === "approved" ? "approves" : "rejects"}(open ticket #${this.t})`
  }
  check(m: Readonly<Model>) {
    return m.openSandboxTickets.length > 0
  }
  async act(m: Model, w: World) {
    const ticket = pick(m.openSandboxTickets, this.t)
    const res = await w.sandboxPost(`/sandbox/tickets/${ticket.id}/settle`, { result: this.result })
    w.log(
      `    ${ticket.id} (${ticket.imp_uid}, ${ticket.amount}, "${ticket.reason}") -> ${res.data.status ?? res.status} ${res.data.message ?? ""}`
    )
  }
}

/**
 * A refund made in i'mport's console (or a chargeback). The merchant sees the payment's in-progress cancel requests
 * there, so the console refunds at most what neither i'mport nor Paymentwall holds: otherwise the console itself
 * would ask for money twice, which no plugin can prevent.
 */
export class ConsoleCancel extends Step {
  constructor(
    readonly p: number,
    readonly amount: AmountSpec,
    readonly omitId: boolean
  ) {
    super()
  }
  toString() {
    return `i'mport console refund(p#${this.p}, ${amountText(this.amount)}${this.omitId ? ", entry without cancellation_id" : ""})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const iamport = w.iamport(ref.impUid)!
    const inProgress = w
      .sandboxTickets(ref.impUid)
      .filter((t) => t.status === "open")
      .reduce((sum, t) => sum + t.amount, 0)
    const free = iamport.amount - iamport.cancel_amount - inProgress
    const amount = this.amount === "rest" ? free : Math.min(this.amount, free)
    if (amount <= 0) {
      w.log(
        `    ${ref.label}: nothing free to refund in the console (cancelled ${iamport.cancel_amount}, in progress ${inProgress})`
      )
      return
    }
    const res = await w.sandboxPost(`/sandbox/payments/${ref.impUid}/console-cancel`, {
      amount,
      reason: `console ${m.run}.${++m.seq}`,
      omit_cancellation_id: this.omitId,
      // An entry without its id also comes without its pg_tid, which i'mport may fill in later (FillIn).
      pg_tid_later: this.omitId,
    })
    w.log(
      `    ${ref.label}: ${amount} -> ${res.status} ${res.status === 200 ? `cancel_amount ${res.data.cancel_amount}` : res.data.message}`
    )
  }
}

export class ArmFault extends Step {
  constructor(
    readonly kind: FaultKind,
    readonly delayMs: number
  ) {
    super()
  }
  toString() {
    return this.kind === "slow"
      ? `i'mport fault on the next cancel(slow ${this.delayMs} ms${this.delayMs > CLIENT_TIMEOUT_MS ? ", past the client's timeout" : ""})`
      : `i'mport fault on the next cancel(${this.kind === "5xx" ? "5xx before doing it" : "5xx after doing it"})`
  }
  check(m: Readonly<Model>) {
    return m.fault === null
  }
  async act(m: Model, w: World) {
    const res = await w.sandboxPost("/sandbox/faults", {
      route: "POST /payments/cancel",
      kind: this.kind,
      times: 1,
      delay_ms: this.delayMs,
    })
    if (res.status !== 200) {
      throw new Error(`sandbox faults answered ${res.status}`)
    }
    m.fault = { kind: this.kind, delayMs: this.delayMs }
  }
}
