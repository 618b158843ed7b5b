import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { Ticket } from "../../src/sandbox"
import type { PaymentRef, TicketRow } from "./model"
import type { World } from "./world"

type AnyRecord = Record<string, any>

export type LedgerRow = {
  id: string
  key: string
  status: string
  refund_id: string | null
  amount: number
  closed_at: Date | null
}

/** Everything the invariants read about one payment, at one moment. */
export type Observation = {
  ref: PaymentRef
  refunds: { id: string; amount: number }[]
  refunded: number
  captured: number
  tickets: TicketRow[]
  ledger: LedgerRow[]
  iamport: { amount: number; cancel_amount: number; status: string }
  entries: { key: string; alias: string; amount: number; reason: string }[]
  sandboxTickets: Ticket[]
  order: { status: string; payment_status: string }
  activeChanges: number
}

export async function observe(world: World, ref: PaymentRef): Promise<Observation> {
  const query = world.container().resolve(ContainerRegistrationKeys.QUERY)
  const [refunds, tickets, ledger, payments, order, activeChanges] = await Promise.all([
    world.payments().listRefunds({ payment_id: ref.paymentId }, { select: ["id", "amount"] }),
    world.module().listCancelTickets({ payment_id: ref.paymentId }, { order: { requested_at: "ASC" } }) as Promise<
      TicketRow[]
    >,
    world.module().listCancellations({ payment_id: ref.paymentId }, { order: { position: "ASC" } }) as Promise<
      AnyRecord[]
    >,
    query.graph({ entity: "payment", fields: ["id", "captures.amount"], filters: { id: ref.paymentId } }),
    world.http("get", `/admin/orders/${ref.orderId}?fields=id,status,+payment_status`),
    world.activeOrderChanges(ref.orderId),
  ])
  const iamport = world.iamport(ref.impUid)
  if (!iamport) {
    throw new Error(`the sandbox has no payment ${ref.impUid}`)
  }
  const captures = ((payments.data[0] as { captures?: { amount: number }[] } | undefined)?.captures ?? []).map((c) =>
    Number(c.amount)
  )
  const liveRefunds = refunds.map((r) => ({ id: r.id, amount: Number(r.amount) }))
  return {
    ref,
    refunds: liveRefunds,
    refunded: liveRefunds.reduce((sum, r) => sum + r.amount, 0),
    captured: captures.reduce((sum, c) => sum + c, 0),
    tickets: tickets.map((t) => ({ ...t, amount: Number(t.amount) })),
    ledger: ledger.map((r) => ({
      id: r.id,
      key: r.key,
      status: r.status,
      refund_id: r.refund_id,
      amount: Number(r.amount),
      closed_at: r.closed_at ?? null,
    })),
    iamport: { amount: iamport.amount, cancel_amount: iamport.cancel_amount, status: iamport.status },
    entries: world
      .keyed(iamport.cancel_history)
      .map((e) => ({ key: e.key, alias: e.alias, amount: Number(e.amount), reason: e.reason ?? "" })),
    sandboxTickets: world.sandboxTickets(ref.impUid),
    order: { status: order.data.order?.status, payment_status: order.data.order?.payment_status },
    activeChanges,
  }
}

/** A short line of one payment's money state for the transcript. */
export function describe(o: Observation): string {
  const tickets = o.tickets
    .map(
      (t) =>
        `${t.origin[0]}:${t.amount}:${t.status}${t.needs_attention ? "!" : ""}${t.refund_id ? "+R" : ""}${t.rejection_suspected_at ? "?" : ""}`
    )
    .join(" ")
  const pw = o.sandboxTickets.map((t) => `${t.amount}:${t.status}`).join(" ")
  const ledger = o.ledger.map((r) => `${r.amount}:${r.status}`).join(" ")
  return (
    `${o.ref.label} refunded ${o.refunded}/${o.captured} (${o.order.payment_status}${o.order.status === "canceled" ? ", order canceled" : ""}` +
    `${o.activeChanges ? ", edit open" : ""}) | i'mport cancelled ${o.iamport.cancel_amount}/${o.iamport.amount} ` +
    `| tickets [${tickets}] | ledger [${ledger}] | Paymentwall [${pw}]`
  )
}
