import type { AxiosInstance } from "axios"
import type { IOrderModuleService, IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { RunningSandbox, Ticket } from "../../src/sandbox"
import type { IamportCancelHistory, IamportPayment } from "../../src/lib/iamport/types"
import { builtPluginModule, deliverWebhook } from "../helpers/webhook-delivery"
import type { Store } from "../helpers/store"
import { controlHeaders } from "../helpers/sandbox"
import { describeError, UnexpectedError } from "./errors"
import type { Model, Notice, PaymentRef, TicketRow } from "./model"

type AnyRecord = Record<string, any>

export type HttpResult = { status: number; data: AnyRecord }

type KeyedCancellation = IamportCancelHistory & { key: string; alias: string; position: number }

/** The real system: the Medusa app (HTTP and container), the in-process sandbox, and the run's transcript. */
export class World {
  transcript: string[] = []
  /** Non-fatal oddities of the current run (subscriber errors the event bus would only log). */
  warnings: string[] = []
  noticeCursor = 0
  verbose = false

  constructor(
    readonly api: AxiosInstance,
    readonly container: () => MedusaContainer,
    readonly sandbox: () => RunningSandbox,
    readonly store: Store
  ) {}

  log(line: string): void {
    this.transcript.push(line)
    if (this.verbose) {
      process.stdout.write(`${line}\n`)
    }
  }

  module(): AnyRecord {
    return this.container().resolve("iamport_paymentwall")
  }

  payments(): IPaymentModuleService {
    return this.container().resolve<IPaymentModuleService>(Modules.PAYMENT)
  }

  orders(): IOrderModuleService {
    return this.container().resolve<IOrderModuleService>(Modules.ORDER)
  }

  /** i'mport's truth, read in-process (a copy). */
  iamport(impUid: string): IamportPayment | undefined {
    const payment = this.sandbox().context.state.payments.get(impUid)
    return payment ? structuredClone(payment) : undefined
  }

  sandboxTickets(impUid: string): Ticket[] {
    return [...this.sandbox().context.state.tickets.values()].filter((t) => t.imp_uid === impUid).map((t) => ({ ...t }))
  }

  /** The plugin's own keys for cancel_history entries, from the built code, so the harness keys entries as it does. */
  keyed(history: IamportCancelHistory[]): KeyedCancellation[] {
    const { keyedCancellations } = builtPluginModule<{
      keyedCancellations: (h: IamportCancelHistory[]) => KeyedCancellation[]
    }>("lib/paymentwall/v1/cancel-history.js")
    return keyedCancellations(history)
  }

  async http(
    method: "get" | "post" | "delete",
    url: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<HttpResult> {
    const config = { headers: { ...this.store.admin.headers, ...headers }, validateStatus: () => true }
    const res =
      method === "get"
        ? await this.api.get(url, config)
        : method === "delete"
          ? await this.api.delete(url, config)
          : await this.api.post(url, body ?? {}, config)
    return { status: res.status, data: (res.data ?? {}) as AnyRecord }
  }

  /**
   * Logs an admin answer and judges it: 2xx and 4xx refusals are fine; a 5xx is fine only when an injected i'mport
   * fault hit this step and the plugin said the request may have been accepted.
   */
  judge(what: string, res: HttpResult): "ok" | "refused" | "fault" {
    const message = typeof res.data.message === "string" ? res.data.message : ""
    if (res.status < 300) {
      return "ok"
    }
    if (res.status < 500) {
      this.log(`    -> ${res.status} ${message.slice(0, 160)}`)
      return "refused"
    }
    if (this.faultHit()) {
      if (/may have been accepted|i'mport/i.test(message)) {
        this.log(`    -> ${res.status} (injected i'mport fault) ${message.slice(0, 160)}`)
        return "fault"
      }
    }
    throw new UnexpectedError(`${what} answered ${res.status}: ${message || JSON.stringify(res.data).slice(0, 300)}`)
  }

  /** Set by the step runner: whether an i'mport fault was armed when the step began. */
  faultWasArmed = false

  /** An armed fault was consumed: i'mport failed during this step. */
  faultHit(): boolean {
    return this.faultWasArmed && this.sandbox().context.faults.length === 0
  }

  /** Liveness violations a step found ((f)), checked with the invariants after it. */
  liveness: string[] = []

  /**
   * Runs one of Medusa's core workflows as a store's own code would, in the app's process: true when it ran, false
   * when it was refused with a MedusaError (a 4xx kind) or failed on an injected i'mport fault; anything else is a bug.
   */
  async storeWorkflow(name: "refundPaymentWorkflow" | "cancelOrderWorkflow", input: AnyRecord): Promise<boolean> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a step runs a core workflow, in the booted app
    const flows = require("@medusajs/medusa/core-flows") as Record<
      string,
      (c: MedusaContainer) => { run: (a: { input: AnyRecord }) => Promise<unknown> }
    >
    try {
      await flows[name](this.container()).run({ input })
      this.log(`    -> ${name} ran`)
      return true
    } catch (error) {
      const type = (error as { type?: string } | null)?.type
      const message = describeError(error)
      if (
        type === "not_allowed" ||
        type === "invalid_data" ||
        type === "conflict" ||
        (this.faultHit() && /i'mport/i.test(message))
      ) {
        this.log(`    -> ${name} refused: ${message.slice(0, 200)}`)
        return false
      }
      throw new UnexpectedError(`${name} failed: ${message}`)
    }
  }

  adminRefund(paymentId: string, body: AnyRecord): Promise<HttpResult> {
    return this.http("post", `/admin/payments/${paymentId}/refund`, body)
  }

  async sandboxPost(path: string, body: unknown = {}): Promise<HttpResult> {
    const res = await fetch(`${this.sandbox().url}${path}`, {
      method: "POST",
      headers: controlHeaders(this.sandbox()),
      body: JSON.stringify(body),
    })
    return { status: res.status, data: (await res.json().catch(() => ({}))) as AnyRecord }
  }

  /** Delivers a body to both webhook subscribers `copies` times at once; subscriber errors are warnings. */
  async deliver(body: Record<string, string>, copies: number, headers?: Record<string, string>): Promise<void> {
    const outcomes = await Promise.all(
      Array.from({ length: copies }, () => deliverWebhook(this.container(), body, headers))
    )
    for (const outcome of outcomes) {
      for (const [who, error] of Object.entries(outcome)) {
        if (error) {
          const message = describeError(error)
          this.log(`    ! ${who} subscriber threw: ${message.slice(0, 200)}`)
          this.warnings.push(`${who} subscriber: ${message.slice(0, 200)}`)
        }
      }
    }
  }

  /** What the sandbox sent since the last call: each becomes a notice the harness holds. */
  async collectNotices(model: Model): Promise<Notice[]> {
    const webhooks = this.sandbox().context.webhooks
    await webhooks.idle()
    const fresh = webhooks.deliveries.slice(this.noticeCursor)
    this.noticeCursor = webhooks.deliveries.length
    const notices = fresh.map((d) => ({
      label: `n${++model.seq}`,
      body: { ...(d.body as Record<string, string>) },
      deliveries: 0,
    }))
    model.notices.push(...notices)
    return notices
  }

  /** A reviewed checkout becomes a payment once Medusa's own subscriber has completed its cart. */
  async promotePending(model: Model): Promise<void> {
    const query = this.container().resolve(ContainerRegistrationKeys.QUERY)
    for (const pending of [...model.pending]) {
      const { data: links } = await query.graph({
        entity: "order_payment_collection",
        fields: ["order_id"],
        filters: { payment_collection_id: pending.paymentCollectionId },
      })
      const orderId = (links[0] as { order_id?: string } | undefined)?.order_id
      if (!orderId) {
        continue
      }
      const { data: payments } = await query.graph({
        entity: "payment",
        fields: ["id", "amount", "captured_at"],
        filters: { payment_collection_id: pending.paymentCollectionId },
      })
      const payment = payments[0] as { id: string; amount: number; captured_at: Date | null } | undefined
      if (!payment?.captured_at) {
        continue
      }
      model.pending = model.pending.filter((p) => p !== pending)
      const ref: PaymentRef = {
        label: pending.label,
        orderId,
        paymentId: payment.id,
        impUid: pending.impUid,
        merchantUid: pending.merchantUid,
        amount: Number(payment.amount),
      }
      model.payments.push(ref)
      this.log(`    = ${ref.label} is now order ${orderId}, payment ${payment.id} (${ref.amount})`)
    }
  }

  /** Refreshes what commands refer to: open tickets at Paymentwall and in the plugin, open order edits. */
  async refresh(model: Model): Promise<void> {
    const impUids = new Set(model.payments.map((p) => p.impUid))
    model.openSandboxTickets = [...this.sandbox().context.state.tickets.values()]
      .filter((t) => impUids.has(t.imp_uid) && t.status === "open")
      .map((t) => ({ ...t }))
    const paymentIds = model.payments.map((p) => p.paymentId)
    const tickets: TicketRow[] = paymentIds.length
      ? await this.module().listCancelTickets({ payment_id: paymentIds }, { order: { requested_at: "ASC" } })
      : []
    model.waitingTickets = tickets.filter((t) => t.status === "waiting_for_cancellation")
    model.requestedTickets = tickets.filter((t) => t.status === "requested")
    model.returnedTickets = tickets.filter((t) => t.status === "returned")
    model.editsOpen = new Set()
    model.canceledOrders = new Set()
    for (const payment of model.payments) {
      if (await this.activeOrderChanges(payment.orderId)) {
        model.editsOpen.add(payment.orderId)
      }
    }
    if (model.payments.length) {
      const query = this.container().resolve(ContainerRegistrationKeys.QUERY)
      const { data } = await query.graph({
        entity: "order",
        fields: ["id", "status"],
        filters: { id: model.payments.map((p) => p.orderId) },
      })
      for (const order of data as { id: string; status: string }[]) {
        if (order.status === "canceled") {
          model.canceledOrders.add(order.id)
        }
      }
    }
  }

  async activeOrderChanges(orderId: string): Promise<number> {
    const changes = await this.orders().listOrderChanges(
      { order_id: orderId, status: ["pending", "requested"] },
      { select: ["id"] }
    )
    return changes.length
  }

  /** Waits until every live Refund of the payment is tracked (the order.canceled subscriber runs after the answer). */
  async waitUntilRefundsTracked(paymentId: string, timeoutMs = 10_000): Promise<boolean> {
    const started = Date.now()
    while (Date.now() - started < timeoutMs) {
      const refunds = await this.payments().listRefunds({ payment_id: paymentId }, { select: ["id"] })
      const tickets: TicketRow[] = await this.module().listCancelTickets(
        { payment_id: paymentId },
        { select: ["refund_id"] }
      )
      const ledger: AnyRecord[] = await this.module().listCancellations(
        { payment_id: paymentId },
        { select: ["refund_id"] }
      )
      const tracked = new Set([...tickets.map((t) => t.refund_id), ...ledger.map((r) => r.refund_id)])
      if (refunds.every((r) => tracked.has(r.id))) {
        return true
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    return false
  }
}
