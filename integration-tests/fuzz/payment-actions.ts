import { completeCart, paidOrder, startCheckout } from "../helpers/store"
import type { Model, PaymentRef } from "./model"
import { paymentwallTicketOf, pick, Step } from "./step"
import type { World } from "./world"

// Payments: a buyer pays; a shop admin, or a store's own code, asks for money back.

type AnyRecord = Record<string, any>

export type Outcome = "paid" | "fraud_review" | "failed"

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

export type AmountSpec = number | "rest"
export const amountText = (a: AmountSpec) => (a === "rest" ? "all that is left" : String(a))

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
