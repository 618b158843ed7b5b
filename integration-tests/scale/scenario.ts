import type { AxiosInstance } from "axios"
import type { Store } from "../helpers/store"
import { sandboxPost } from "../helpers/sandbox"
import type { Cluster, ProcessName } from "./cluster"
import { inParallel, paidOrder, refund, sendNotice, type PaidPayment, type Widget } from "./shop"

export type Notice = { body: Record<string, string>; to: ProcessName }
export type Sent = { notice: Notice; status: number; at: number }
export type { Widget } from "./shop"

const SERVERS: ProcessName[] = ["server-a", "server-b"]

/** A small seeded generator (mulberry32), so a failing mix can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function shuffle<T>(items: T[], rnd: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** Payments captured through the storefront API, each with a full refund asked by the admin and waiting as a ticket at Paymentwall. */
export async function waitingTickets(
  cluster: Cluster,
  apis: AxiosInstance[],
  store: Store,
  count: number
): Promise<PaidPayment[]> {
  return inParallel(Array.from({ length: count }), 4, async (_, i) => {
    const api = apis[i % apis.length]
    return asked(api, store, await paidOrder(cluster, api, store))
  })
}

/** The admin's full refund of each payment (made beforehand, see checkouts), through the servers in turn, 4 at a time. */
export async function refundAll(apis: AxiosInstance[], store: Store, payments: PaidPayment[]): Promise<PaidPayment[]> {
  return inParallel(payments, 4, (payment, i) => asked(apis[i % apis.length], store, payment))
}

/** A full refund asked by the admin: it waits as a ticket at Paymentwall. */
async function asked(api: AxiosInstance, store: Store, payment: PaidPayment): Promise<PaidPayment> {
  const res = await refund(api, store, payment.paymentId, payment.amount)
  if (res.status !== 200) {
    throw new Error(`refund of ${payment.paymentId} answered ${res.status}: ${JSON.stringify(res.data).slice(0, 300)}`)
  }
  return payment
}

/** Paymentwall approves every open ticket of these payments; returns i'mport's cancellation notices, once each. */
export async function approveAll(cluster: Cluster, payments: PaidPayment[]): Promise<Record<string, string>[]> {
  const notices: Record<string, string>[] = []
  for (const payment of payments) {
    for (const ticket of [...cluster.sandbox.context.state.tickets.values()].filter(
      (t) => t.imp_uid === payment.impUid && t.status === "open"
    )) {
      await sandboxPost(cluster.sandbox, `/sandbox/tickets/${ticket.id}/settle`, { result: "approved" })
    }
    const iamport = cluster.sandbox.context.state.payments.get(payment.impUid)!
    for (const entry of iamport.cancel_history) {
      notices.push({
        imp_uid: payment.impUid,
        merchant_uid: payment.merchantUid,
        status: "cancelled",
        ...(entry.cancellation_id ? { cancellation_id: entry.cancellation_id } : {}),
      })
    }
  }
  return notices
}

/** Each notice `1 + k` times (k < maxCopies), shuffled, alternating between the two servers' hook URLs. */
export function mix(bodies: Record<string, string>[], rnd: () => number, maxCopies = 5, total?: number): Notice[] {
  const copies = bodies.flatMap((body) => Array.from({ length: 1 + Math.floor(rnd() * maxCopies) }, () => body))
  const trimmed = total === undefined ? copies : fill(copies, bodies, total, rnd)
  return shuffle(trimmed, rnd).map((body, i) => ({ body, to: SERVERS[i % 2] }))
}

function fill(
  copies: Record<string, string>[],
  bodies: Record<string, string>[],
  total: number,
  rnd: () => number
): Record<string, string>[] {
  // Every body at least once; extra copies dropped or added at random to reach the total.
  const out = [...bodies]
  const extra = shuffle(copies.slice(bodies.length), rnd)
  while (out.length < total) {
    out.push(extra.length ? extra.pop()! : bodies[Math.floor(rnd() * bodies.length)])
  }
  return out
}

/** Sends every notice, `concurrency` at a time; returns what each hook URL answered and when it was sent. */
export async function burst(cluster: Cluster, notices: Notice[], concurrency = 40): Promise<Sent[]> {
  return inParallel(notices, concurrency, async (notice) => {
    const at = Date.now()
    return { notice, status: await sendNotice(cluster, notice.to, notice.body), at }
  })
}

export function paidNotice(widget: Widget): Record<string, string> {
  return { imp_uid: widget.impUid, merchant_uid: widget.merchantUid, status: "paid" }
}

/** Polls `check` until it returns true; fails with `describe()` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => Promise<string> = async () => ""
): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    if (await check()) {
      return Date.now() - started
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s. ${await describe()}`)
}
