import fc from "fast-check"
import { completeCart, paidOrder, startCheckout } from "../helpers/store"
import { builtPluginModule } from "../helpers/webhook-delivery"
import { UnexpectedError } from "./errors"
import { checkObservation, compareForged } from "./invariants"
import type { FaultKind, Model, PaymentRef } from "./model"
import { describe, type Observation, observe } from "./observation"
import type { World } from "./world"

type AnyRecord = Record<string, any>

/** i'mport's own webhook address: what the hook middleware would have written as the sender of a genuine notice. */
const IAMPORT_SENDER = { "content-type": "application/json", "x-iamport-pw-sender": "52.78.100.19" }
/** An attacker who knows the imp_uid, claiming i'mport's address in X-Forwarded-For. */
const ATTACKER = {
  "content-type": "application/json",
  "x-forwarded-for": "52.78.100.19",
  "x-iamport-pw-sender": "203.0.113.7",
}
/** The provider's timeoutMs in the test store (helpers/test-store-config.ts). */
const CLIENT_TIMEOUT_MS = 5000

/** A failed invariant or an unexpected answer, with the run's transcript. */
export class FuzzFailure extends Error {}

/** Steps run in this process (all runs, shrinking included), for the summary line. */
export const counters = { steps: 0, ignored: 0, actions: new Map<string, number>(), states: new Map<string, number>() }

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

/** Which states the runs reached (a harness that never gets there checks nothing there). */
function noteStates(o: Observation): void {
  for (const t of o.tickets) {
    const meta = (t.metadata ?? {}) as { approval_candidate?: unknown; matched_by?: string }
    const flags = [
      t.rejection_suspected_at ? "rejection suspected" : "",
      meta.approval_candidate ? "approval suspected" : "",
      meta.matched_by ? `matched by ${meta.matched_by}` : "",
    ]
    bump(
      counters.states,
      `ticket ${t.origin} ${t.status}${flags
        .filter(Boolean)
        .map((f) => ` (${f})`)
        .join("")}`
    )
  }
  for (const r of o.ledger) {
    bump(counters.states, `ledger ${r.status}`)
  }
  if (o.order.status === "canceled") {
    bump(counters.states, "order canceled")
  }
  if (o.activeChanges) {
    bump(counters.states, "order edit open")
  }
  bump(counters.states, `payment_status ${o.order.payment_status}`)
}

/**
 * Violations only logged, not failed (FUZZ_IGNORE=f,job): to look past a known bug for the next one. A letter names
 * an invariant; "job" and "check" the equality checks right after a job run or a check-now.
 */
const IGNORED = new Set(
  (process.env.FUZZ_IGNORE ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
)

function ignored(violation: string): boolean {
  const letter = /^\((\w)\)/.exec(violation)?.[1] ?? ""
  return (
    IGNORED.has(letter) ||
    (IGNORED.has("job") && violation.includes("after the job")) ||
    (IGNORED.has("check") && violation.includes("after check-now"))
  )
}

function pick<T>(items: readonly T[], index: number): T {
  return items[index % items.length]
}

type Settled = "all" | Set<string>

/**
 * One generated action. `act` drives the real system; after it the harness collects what the sandbox sent, refreshes
 * the model and checks every invariant for every payment of the run.
 */
abstract class Step implements fc.AsyncCommand<Model, World> {
  abstract toString(): string
  check(_m: Readonly<Model>): boolean {
    return true
  }
  /** Returns the payments the reconciliation ran for ("all" for the job), whose ledger must then be square. */
  abstract act(m: Model, w: World): Promise<Settled | void>

  async run(m: Model, w: World): Promise<void> {
    m.steps += 1
    counters.steps += 1
    bump(counters.actions, this.constructor.name)
    const started = Date.now()
    w.faultWasArmed = w.sandbox().context.faults.length > 0
    w.log(`#${m.steps} ${this.toString()}`)
    try {
      const settled = await this.act(m, w)
      if (w.faultHit() && m.fault) {
        // A "slow" i'mport answers after the client gave up: let it finish, so its ticket exists before the checks.
        const wait = m.fault.kind === "slow" ? m.fault.delayMs - (Date.now() - started) + 300 : 0
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, wait))
        }
        m.fault = null
      }
      await afterStep(m, w, settled || undefined)
    } catch (error) {
      throw asFailure(error, w)
    } finally {
      w.log(`    (${Date.now() - started} ms)`)
    }
  }
}

function asFailure(error: unknown, w: World): FuzzFailure {
  if (error instanceof FuzzFailure) {
    return error
  }
  const message =
    error instanceof Error
      ? error instanceof UnexpectedError
        ? `unexpected: ${error.message}`
        : (error.stack ?? error.message)
      : String(error)
  return new FuzzFailure(`${message}\n--- run transcript ---\n${w.transcript.join("\n")}`)
}

/** After every step: notices, late orders, the model, then every invariant of every payment. */
export async function afterStep(m: Model, w: World, settled?: Settled, extra: string[] = []): Promise<void> {
  for (const n of await w.collectNotices(m)) {
    w.log(`    + notice ${n.label} ${JSON.stringify(n.body)}`)
  }
  await w.promotePending(m)
  await w.refresh(m)
  const found = [...extra, ...w.liveness.splice(0)]
  for (const ref of m.payments) {
    const o = await observe(w, ref)
    noteStates(o)
    w.log(`    ${describe(o)}`)
    const settledBy =
      settled === "all" ? "job" : settled instanceof Set && settled.has(ref.paymentId) ? "check" : undefined
    found.push(...checkObservation(o, settledBy))
  }
  const violations = found.filter((v) => !ignored(v))
  for (const v of found.filter((v) => !violations.includes(v))) {
    counters.ignored += 1
    w.log(`    ~ ignored (FUZZ_IGNORE): ${v}`)
  }
  if (violations.length) {
    throw new FuzzFailure(
      `${violations.length} invariant violation(s) after step #${m.steps}:\n  ${violations.join("\n  ")}\n--- run transcript ---\n${w.transcript.join("\n")}`
    )
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Payments

type Outcome = "paid" | "fraud_review" | "failed"

/** A buyer pays: at once, or Paymentwall fails/reviews it and approves it later (the notice then makes the order). */
export class NewOrder extends Step {
  constructor(readonly outcome: Outcome) {
    super()
  }
  toString() {
    return this.outcome === "paid" ? "order(paid)" : `order(${this.outcome}, then approved by Paymentwall)`
  }
  check(m: Readonly<Model>) {
    return m.payments.length + m.pending.length < m.maxOrders
  }
  async act(m: Model, w: World) {
    await createOrder(m, w, this.outcome)
  }
}

export async function createOrder(m: Model, w: World, outcome: Outcome): Promise<void> {
  const label = `p${m.payments.length + m.pending.length + 1}`
  const pay = async (merchantUid: string, result: Outcome) => {
    const res = await w.sandboxPost("/sandbox/pay", { merchant_uid: merchantUid, outcome: result })
    if (res.status !== 200) {
      throw new Error(`sandbox pay answered ${res.status}: ${JSON.stringify(res.data)}`)
    }
    return res.data as { imp_uid: string }
  }
  if (outcome === "paid") {
    const paid = await paidOrder(w.api, w.store, (merchantUid) => pay(merchantUid, "paid"))
    const merchantUid = w.iamport(paid.impUid)!.merchant_uid
    const ref: PaymentRef = {
      label,
      orderId: paid.orderId,
      paymentId: paid.paymentId,
      impUid: paid.impUid,
      merchantUid,
      amount: paid.amount,
    }
    m.payments.push(ref)
    w.log(`    = ${label}: order ${ref.orderId}, payment ${ref.paymentId}, ${ref.impUid}, ${ref.amount} KRW`)
    return
  }
  const checkout = await startCheckout(w.api, w.store)
  const merchantUid = checkout.session.data.merchant_uid as string
  const { imp_uid } = await pay(merchantUid, outcome)
  const completed = await completeCart(w.api, w.store, checkout.cartId)
  w.log(`    = ${label}: ${imp_uid} ${outcome}; cart completion -> ${completed.type ?? completed.status}`)
  if (completed.type === "order") {
    throw new Error(`a ${outcome} payment placed an order: ${JSON.stringify(completed).slice(0, 300)}`)
  }
  const approved = await w.sandboxPost(`/sandbox/payments/${imp_uid}/approve`)
  w.log(`    = Paymentwall approves ${imp_uid} after review -> ${approved.status}`)
  m.pending.push({
    label,
    cartId: checkout.cartId,
    paymentCollectionId: checkout.paymentCollectionId,
    impUid: imp_uid,
    merchantUid,
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Admin refunds

type AmountSpec = number | "rest"
const amountText = (a: AmountSpec) => (a === "rest" ? "all that is left" : String(a))

export class AdminRefund extends Step {
  constructor(
    readonly p: number,
    readonly amount: AmountSpec,
    readonly second: AmountSpec | null
  ) {
    super()
  }
  toString() {
    return this.second === null
      ? `admin refund(p#${this.p}, ${amountText(this.amount)})`
      : `two admin refunds at once(p#${this.p}, ${amountText(this.amount)} & ${amountText(this.second)})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const body = (a: AmountSpec) => ({ ...(a === "rest" ? {} : { amount: a }), note: `fuzz ${m.run}.${++m.seq}` })
    const bodies = [this.amount, ...(this.second === null ? [] : [this.second])].map(body)
    w.log(`    ${ref.label}: ${bodies.map((b) => `${b.note}: ${b.amount ?? "rest"}`).join(", ")}`)
    const free = this.second === null && typeof this.amount === "number" ? await trulyFree(w, ref) : null
    const answers = await Promise.all(bodies.map((b) => w.adminRefund(ref.paymentId, b)))
    answers.forEach((res, i) => {
      const verdict = w.judge(`POST /admin/payments/${ref.paymentId}/refund`, res)
      if (verdict === "ok") {
        const t = res.data.cancel_ticket
        w.log(`    -> ${bodies[i].note}: ${res.status} ticket ${t?.id} ${t?.amount} ${t?.status}`)
      }
      // (f) liveness: a refund within what is free (captured − i'mport's cancel_amount − tickets Paymentwall still
      // works on) is accepted, where nothing only a person can clear stands in the way.
      if (
        verdict === "refused" &&
        free !== null &&
        typeof this.amount === "number" &&
        this.amount <= free.amount &&
        !free.excuse &&
        !w.faultWasArmed
      ) {
        w.liveness.push(
          `(f) ${ref.label}: an admin refund of ${this.amount} was refused although ${free.amount} is free: ${String(res.data.message).slice(0, 200)}`
        )
      }
    })
  }
}

/**
 * What is free to refund as i'mport and Paymentwall know it, and whether something only a person can clear stands in
 * the way (a request whose answer was lost, a ticket Paymentwall settled that the plugin still holds, a suspected
 * approval, a canceled order).
 */
async function trulyFree(w: World, ref: PaymentRef): Promise<{ amount: number; excuse: string | null }> {
  const iamport = w.iamport(ref.impUid)!
  const pending = w
    .sandboxTickets(ref.impUid)
    .filter((t) => t.status === "open")
    .reduce((sum, t) => sum + t.amount, 0)
  const tickets: AnyRecord[] = await w.module().listCancelTickets({ payment_id: ref.paymentId })
  const order = await w.http("get", `/admin/orders/${ref.orderId}?fields=id,status`)
  const open = tickets.filter((t) => ["requested", "waiting_for_cancellation"].includes(t.status))
  const excuse =
    order.data.order?.status === "canceled"
      ? "order canceled"
      : open.some((t) => t.status === "requested")
        ? "an unanswered request"
        : open.some((t) => t.metadata?.approval_candidate)
          ? "a suspected approval"
          : open.some((t) => t.origin !== "external" && paymentwallTicketOf(w, t)?.status !== "open")
            ? "a ticket Paymentwall settled that the plugin still holds"
            : (await w.activeOrderChanges(ref.orderId))
              ? "an open order change"
              : null
  return { amount: iamport.amount - iamport.cancel_amount - pending, excuse }
}

/**
 * A store's own code (a returns automation, another plugin) calls Medusa's refundPaymentWorkflow directly: the
 * provider is the gate, with no admin route in front of it.
 */
export class StoreRefund extends Step {
  constructor(
    readonly p: number,
    readonly amount: number
  ) {
    super()
  }
  toString() {
    return `store code runs refundPaymentWorkflow(p#${this.p}, ${this.amount})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    await w.storeWorkflow("refundPaymentWorkflow", {
      payment_id: ref.paymentId,
      amount: this.amount,
      note: `store ${m.run}.${++m.seq}`,
    })
  }
}

/** A store's own code runs Medusa's cancelOrderWorkflow directly (no admin route, no plugin middleware). */
export class StoreCancelOrder extends Step {
  constructor(readonly p: number) {
    super()
  }
  toString() {
    return `store code runs cancelOrderWorkflow(p#${this.p})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    if (await w.storeWorkflow("cancelOrderWorkflow", { order_id: ref.orderId })) {
      if (!(await w.waitUntilRefundsTracked(ref.paymentId))) {
        w.log("    ! the order cancel's refunds are still untracked after 10 s")
      }
    }
  }
}

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

// ---------------------------------------------------------------------------------------------------------------
// Paymentwall and i'mport

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

// ---------------------------------------------------------------------------------------------------------------
// Notices: the harness is the network between i'mport and the store

export class Deliver extends Step {
  constructor(
    readonly n: number,
    readonly copies: number,
    readonly keep: boolean
  ) {
    super()
  }
  toString() {
    return `deliver(notice #${this.n}${this.copies > 1 ? ` x${this.copies} at once` : ""}${this.keep ? ", and again later" : ""})`
  }
  check(m: Readonly<Model>) {
    return m.notices.length > 0
  }
  async act(m: Model, w: World) {
    const notice = pick(m.notices, this.n)
    notice.deliveries += 1
    w.log(
      `    ${notice.label} ${JSON.stringify(notice.body)} (delivery ${notice.deliveries}, ${m.notices.indexOf(notice) + 1} of ${m.notices.length} held)`
    )
    if (!this.keep) {
      m.notices = m.notices.filter((n) => n !== notice)
    }
    await w.deliver(notice.body, this.copies, IAMPORT_SENDER)
  }
}

export class Drop extends Step {
  constructor(readonly n: number) {
    super()
  }
  toString() {
    return `lose(notice #${this.n})`
  }
  check(m: Readonly<Model>) {
    return m.notices.length > 0
  }
  async act(m: Model, w: World) {
    const notice = pick(m.notices, this.n)
    m.notices = m.notices.filter((n) => n !== notice)
    w.log(`    ${notice.label} ${JSON.stringify(notice.body)} is lost`)
  }
}

/** i'mport console's "resend": the payment's current status, as a new notice. */
export class ConsoleResend extends Step {
  constructor(readonly p: number) {
    super()
  }
  toString() {
    return `i'mport console resends the webhook(p#${this.p})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const res = await w.sandboxPost("/sandbox/webhooks/resend", { imp_uid: ref.impUid })
    w.log(`    ${ref.label}: -> ${res.status}`)
  }
}

const FORGERIES = [
  "status-x1",
  "paid",
  "cancelled",
  "cancelled-forged-id",
  "failed",
  "other-merchant-uid",
  "unknown-imp-uid",
] as const
type Forgery = (typeof FORGERIES)[number]

/** An attacker who knows an imp_uid posts notices. Nothing about money may change that a look-up does not justify. */
export class Forge extends Step {
  constructor(
    readonly p: number,
    readonly kind: Forgery,
    readonly copies: number
  ) {
    super()
  }
  toString() {
    return `forged notice(p#${this.p}, ${this.kind}${this.copies > 1 ? ` x${this.copies}` : ""})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const other = m.payments.find((p) => p !== ref)
    const bodies: Record<Forgery, Record<string, string>> = {
      "status-x1": { imp_uid: ref.impUid, status: "x1" },
      paid: { imp_uid: ref.impUid, merchant_uid: ref.merchantUid, status: "paid" },
      cancelled: { imp_uid: ref.impUid, merchant_uid: ref.merchantUid, status: "cancelled" },
      "cancelled-forged-id": { imp_uid: ref.impUid, status: "cancelled", cancellation_id: "forged" },
      failed: { imp_uid: ref.impUid, merchant_uid: ref.merchantUid, status: "failed" },
      "other-merchant-uid": {
        imp_uid: ref.impUid,
        merchant_uid: other?.merchantUid ?? `pw_payses_${"0".repeat(26)}`,
        status: "cancelled",
      },
      "unknown-imp-uid": { imp_uid: "imp_000000000000", merchant_uid: ref.merchantUid, status: "cancelled" },
    }
    const body = bodies[this.kind]
    w.log(`    ${ref.label}: ${JSON.stringify(body)}`)
    const before: Observation[] = await Promise.all(m.payments.map((p) => observe(w, p)))
    await w.deliver(body, this.copies, ATTACKER)
    const after: Observation[] = await Promise.all(m.payments.map((p) => observe(w, p)))
    const violations = before.flatMap((b, i) => compareForged(b, after[i]).map((v) => `${v} [forged ${this.kind}]`))
    if (violations.length) {
      await afterStep(m, w, undefined, violations)
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Shop admin

/** Which Paymentwall ticket a plugin ticket is: same payment, reason (the admin's unique note) and amount; newest first. */
function paymentwallTicketOf(w: World, ticket: AnyRecord) {
  return w
    .sandboxTickets(ticket.imp_uid)
    .filter((t) => t.reason === ticket.reason && t.amount === Number(ticket.amount))
    .sort((a, b) => b.requested_at - a.requested_at)[0]
}

/**
 * A shop admin decides on a waiting ticket after looking in Paymentwall's merchant area: confirms a rejection only
 * when Paymentwall shows the ticket settled (rejected, or approved: then the plugin must refuse and book it), and
 * otherwise keeps waiting. The admin never lies: a confirmation of a ticket Paymentwall still works on is no bug.
 */
export class Decide extends Step {
  constructor(
    readonly t: number,
    readonly action: "confirm" | "keep"
  ) {
    super()
  }
  toString() {
    return this.action === "confirm"
      ? `admin confirms the rejection if Paymentwall shows it(waiting ticket #${this.t})`
      : `admin: keep waiting(waiting ticket #${this.t})`
  }
  check(m: Readonly<Model>) {
    return m.waitingTickets.length > 0
  }
  async act(m: Model, w: World) {
    const ticket = pick(m.waitingTickets, this.t)
    const truth = paymentwallTicketOf(w, ticket)
    const candidate = ticket.metadata?.approval_candidate as { key?: string } | undefined
    // A suspected approval: the admin binds it only when Paymentwall shows this ticket approved as that very entry.
    const bind =
      !!candidate && truth?.status === "approved" && !!truth.cancellation_id && candidate.key === truth.cancellation_id
    const confirm =
      !candidate && this.action === "confirm" && (truth?.status === "rejected" || truth?.status === "approved")
    const route = `/admin/iamport-paymentwall/tickets/${ticket.id}/${bind ? "bind-approval" : confirm ? "confirm-rejection" : "keep-waiting"}`
    w.log(
      `    ticket ${ticket.id} (${ticket.origin}, ${ticket.amount}${ticket.rejection_suspected_at ? ", suspected" : ""}${candidate ? `, approval candidate ${candidate.key}` : ""}); Paymentwall shows ${truth ? `${truth.status} ${truth.cancellation_id ?? ""}` : "nothing"} -> ${route.split("/").pop()}`
    )
    const res = await w.http("post", route, {})
    if (res.status === 404 && !res.data.message?.includes?.("not found")) {
      w.log("    -> 404: route not there yet")
      return
    }
    if (w.judge(`POST ${route}`, res) === "ok") {
      w.log(`    -> ${res.status} ticket ${res.data.cancel_ticket?.status}`)
    }
  }
}

/**
 * A shop admin deals with a request that got no answer from i'mport, after looking in i'mport's console: retries or
 * dismisses it only when i'mport has no such request (or Paymentwall rejected it); otherwise waits.
 */
export class ResolveUnanswered extends Step {
  constructor(
    readonly t: number,
    readonly prefer: "retry" | "dismiss"
  ) {
    super()
  }
  toString() {
    return `admin resolves an unanswered request(#${this.t}, ${this.prefer} if i'mport never got it)`
  }
  check(m: Readonly<Model>) {
    return m.requestedTickets.length > 0
  }
  async act(m: Model, w: World) {
    const ticket = pick(m.requestedTickets, this.t)
    const truth = paymentwallTicketOf(w, ticket)
    const action = !truth ? this.prefer : truth.status === "rejected" ? "dismiss" : null
    w.log(
      `    ticket ${ticket.id} (${ticket.origin}, ${ticket.amount}); i'mport shows ${truth ? `ticket ${truth.status}` : "nothing"} -> ${action ?? "wait"}`
    )
    if (!action) {
      return
    }
    const route = `/admin/iamport-paymentwall/tickets/${ticket.id}/${action}`
    const res = await w.http("post", route, {})
    if (w.judge(`POST ${route}`, res) === "ok") {
      w.log(`    -> ${res.status} ticket ${res.data.cancel_ticket?.status ?? JSON.stringify(res.data).slice(0, 120)}`)
    }
  }
}

/**
 * A shop admin closes a returned ticket by hand (they judge its obstacle can never clear). The fuzz closes whatever
 * is returned, even where the obstacle would clear: the person's call, which the invariants must survive.
 */
export class CloseReturned extends Step {
  constructor(readonly t: number) {
    super()
  }
  toString() {
    return `admin closes a returned ticket by hand(#${this.t})`
  }
  check(m: Readonly<Model>) {
    return m.returnedTickets.length > 0
  }
  async act(m: Model, w: World) {
    const ticket = pick(m.returnedTickets, this.t)
    const route = `/admin/iamport-paymentwall/tickets/${ticket.id}/close`
    const res = await w.http("post", route, { note: "Medusa can never book this" })
    if (w.judge(`POST ${route}`, res) === "ok") {
      w.log(
        `    ticket ${ticket.id} (${ticket.origin}, ${ticket.amount}) -> ${res.status} ${res.data.cancel_ticket?.status}`
      )
    }
  }
}

export class OrderEditOpen extends Step {
  constructor(readonly p: number) {
    super()
  }
  toString() {
    return `admin opens an order edit(p#${this.p})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const res = await w.http("post", "/admin/order-edits", { order_id: ref.orderId })
    if (w.judge("POST /admin/order-edits", res) === "ok") {
      w.log(`    ${ref.label}: -> ${res.status} order change ${res.data.order_change?.id}`)
    }
  }
}

export class OrderEditClose extends Step {
  constructor(readonly p: number) {
    super()
  }
  toString() {
    return `admin cancels the open order edit(#${this.p})`
  }
  check(m: Readonly<Model>) {
    return m.editsOpen.size > 0
  }
  async act(m: Model, w: World) {
    const orderId = pick([...m.editsOpen], this.p)
    const res = await w.http("delete", `/admin/order-edits/${orderId}`)
    if (w.judge("DELETE /admin/order-edits", res) === "ok") {
      w.log(`    order ${orderId}: -> ${res.status}`)
    }
  }
}

export class OrderCancel extends Step {
  constructor(readonly p: number) {
    super()
  }
  toString() {
    return `admin cancels the order(p#${this.p})`
  }
  check(m: Readonly<Model>) {
    // Also with an open order edit: the plugin must refuse that cancel before any money moves.
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const res = await w.http("post", `/admin/orders/${ref.orderId}/cancel`, {})
    if (w.judge(`POST /admin/orders/${ref.orderId}/cancel`, res) === "ok") {
      w.log(`    ${ref.label}: -> ${res.status} order ${res.data.order?.status}`)
      // Medusa answers before the plugin's order.canceled subscriber has tracked the refunds it booked.
      if (!(await w.waitUntilRefundsTracked(ref.paymentId))) {
        w.log("    ! the order cancel's refunds are still untracked after 10 s")
      }
    }
  }
}

export class RunJob extends Step {
  toString() {
    return "settlement job runs"
  }
  async act(m: Model, w: World): Promise<Settled> {
    const { settleOpenPayments } = builtPluginModule("workflows/settlement/utils/settle-open-payments.js")
    const result = await settleOpenPayments(w.container())
    const mine = (result.failed as string[]).filter((f) => m.payments.some((p) => f.startsWith(p.paymentId)))
    w.log(
      `    checked ${result.checked}, booked ${result.booked}, failed ${result.failed.length}${mine.length ? `: ${mine.join("; ")}` : ""}`
    )
    if (mine.length) {
      throw new UnexpectedError(`the settlement job failed for this run's payments: ${mine.join("; ")}`)
    }
    return "all"
  }
}

export class CheckNow extends Step {
  constructor(readonly p: number) {
    super()
  }
  toString() {
    return `admin: check with i'mport now(p#${this.p})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World): Promise<Settled | void> {
    const ref = pick(m.payments, this.p)
    const res = await w.http("post", `/admin/iamport-paymentwall/payments/${ref.paymentId}/settle`, {})
    if (w.judge("POST /admin/iamport-paymentwall/payments/:id/settle", res) === "ok") {
      w.log(
        `    ${ref.label}: booked ${JSON.stringify(res.data.booked)} blocked ${JSON.stringify(res.data.blocked)} suspected ${JSON.stringify(res.data.suspected)}`
      )
      return new Set([ref.paymentId])
    }
  }
}

/**
 * Two things at once: a held notice arrives while an admin, the job or a check is at work on the same payments.
 * Nothing is "settled" afterwards (the order of the two is not known).
 */
export class Race extends Step {
  constructor(
    readonly first: Step,
    readonly second: Step
  ) {
    super()
  }
  toString() {
    return `at once{ ${this.first.toString()} | ${this.second.toString()} }`
  }
  check(m: Readonly<Model>) {
    return this.first.check(m) && this.second.check(m)
  }
  async act(m: Model, w: World) {
    await Promise.all([this.first.act(m, w), this.second.act(m, w)])
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** The generated actions; an arbitrary listed twice is drawn twice as often. */
export function commandArbitraries(): fc.Arbitrary<fc.AsyncCommand<Model, World>>[] {
  const index = fc.nat({ max: 11 })
  const amount = fc.constantFrom<AmountSpec>(1000, 2000, 3000, 4000, 6500, 13000, "rest")
  const refund = fc
    .record({ p: index, a: amount, b: fc.option(amount, { freq: 4, nil: null }) })
    .map(({ p, a, b }) => new AdminRefund(p, a, b))
  const settle = fc
    .record({ t: index, r: fc.constantFrom<"approved" | "rejected">("approved", "approved", "rejected") })
    .map(({ t, r }) => new SettleTicket(t, r))
  const deliver = fc
    .record({ n: index, copies: fc.constantFrom(1, 1, 1, 2, 3, 5), keep: fc.constantFrom(false, false, false, true) })
    .map(({ n, copies, keep }) => new Deliver(n, copies, keep))
  return [
    fc.constantFrom<Outcome>("paid", "paid", "fraud_review", "failed").map((o) => new NewOrder(o)),
    refund,
    refund,
    settle,
    settle,
    deliver,
    deliver,
    deliver,
    index.map((n) => new Drop(n)),
    fc
      .record({ p: index, kind: fc.constantFrom(...FORGERIES), copies: fc.constantFrom(1, 1, 2) })
      .map(({ p, kind, copies }) => new Forge(p, kind, copies)),
    fc
      .record({ t: index, a: fc.constantFrom<"confirm" | "keep">("confirm", "confirm", "keep") })
      .map(({ t, a }) => new Decide(t, a)),
    fc
      .record({ t: index, prefer: fc.constantFrom<"retry" | "dismiss">("retry", "dismiss") })
      .map(({ t, prefer }) => new ResolveUnanswered(t, prefer)),
    fc.record({ p: index, a: amount, omit: fc.boolean() }).map(({ p, a, omit }) => new ConsoleCancel(p, a, omit)),
    fc.record({ p: index, a: fc.constantFrom(1000, 2000, 4000, 6500, 13000) }).map(({ p, a }) => new StoreRefund(p, a)),
    index.map((p) => new StoreCancelOrder(p)),
    index.map((p) => new FillIn(p)),
    index.map((p) => new ConsoleResend(p)),
    index.map((p) => new OrderEditOpen(p)),
    index.map((t) => new CloseReturned(t)),
    index.map((p) => new OrderEditClose(p)),
    index.map((p) => new OrderCancel(p)),
    fc
      .record({
        kind: fc.constantFrom<FaultKind>("5xx", "5xx_after", "slow"),
        delay: fc.constantFrom(200, 200, 200, 5600),
      })
      .map(({ kind, delay }) => new ArmFault(kind, kind === "slow" ? delay : 0)),
    fc.constant(null).map(() => new RunJob()),
    index.map((p) => new CheckNow(p)),
    fc
      .record({
        n: index,
        other: fc.oneof(
          fc.constant(null).map((): Step => new RunJob()),
          index.map((p): Step => new CheckNow(p)),
          fc.record({ p: index, a: amount }).map(({ p, a }): Step => new AdminRefund(p, a, null)),
          index.map((p): Step => new OrderCancel(p)),
          index.map((t): Step => new Decide(t, "confirm")),
          fc
            .record({ t: index, r: fc.constantFrom<"approved" | "rejected">("approved", "rejected") })
            .map(({ t, r }): Step => new SettleTicket(t, r))
        ),
      })
      .map(({ n, other }) => new Race(new Deliver(n, 1, false), other)),
  ]
}
