import { builtPluginModule } from "../helpers/webhook-delivery"
import { UnexpectedError } from "./errors"
import type { Model } from "./model"
import { paymentwallTicketOf, pick, type Settled, Step } from "./step"
import type { World } from "./world"

// Shop admin: decisions on tickets, order edits and cancels, the settlement job and check-now, and two actions at once.

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
