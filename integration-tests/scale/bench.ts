/* npm run bench:medusa: how fast a notice becomes a booking on the production topology (two servers and a worker
 * on Redis), for this plugin's cancellation path and, as the baseline, Medusa's core notice path with a no-op
 * provider (store/noop-provider). Prints figures; never fails on a time.
 *
 *   plugin: i'mport's cancellation notice → hook route → event bus → the plugin's subscriber (look-up, lock, ledger,
 *           Medusa's refund workflow) → Refund booked
 *   core:   a "captured" notice for an authorized no-op payment → hook route → event bus → Medusa's own webhook
 *           subscriber (processPaymentWorkflow, capture workflow) → Capture booked
 *
 * Both are timed from the moment the notice is sent to the booked row's created_at, first one at a time (latency),
 * then all the rest at once (throughput). BENCH_PAYMENTS sets how many payments each path gets (default 100). */
import os from "node:os"
import type { AxiosInstance } from "axios"
import { completeCart, startCheckout, type Store } from "../helpers/store"
import { Cluster } from "./cluster"
import { approveAll, waitingTickets } from "./scenario"
import { buyerEmail, client, inParallel, openStore, type PaidPayment } from "./shop"

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100)
const SERIAL = Math.min(30, Math.floor(PAYMENTS / 3))
const NOOP = "pp_noop_noop"

type Job = { key: string; hook: string; body: Record<string, unknown> }
type Figures = { p50: number; p99: number; mean: number; perSecond: number; burst: number; serial: number; latencies: number[] }

/**
 * Medusa 2.21's hook route queues every notice with a 5 s delay (its `webhook_delay` option is read from a property
 * the payment module does not have, so it is always the default): both paths wait it, and the time after it is
 * what the subscribers and workflows take.
 */
const HOOK_DELAY_MS = 5000

async function main(): Promise<void> {
  const cluster = await Cluster.start({ label: "bench", basePort: 19200 })
  try {
    const a = client(cluster, "server-a")
    const b = client(cluster, "server-b")
    const store = await openStore(cluster, a)
    await enableNoop(a, store)
    say(`preparing ${PAYMENTS} payments per path`)

    const refunded = await waitingTickets(cluster, [a, b], store, PAYMENTS)
    const cancellations = await approveAll(cluster, refunded)
    const byImp = new Map(refunded.map((p) => [p.impUid, p]))
    const pluginJobs: Job[] = cancellations.map((body) => ({ key: byImp.get(body.imp_uid)!.paymentId, hook: "iamport-paymentwall_paymentwall", body }))

    const authorized = await inParallel(Array.from({ length: PAYMENTS }), 4, (_, i) => noopPayment(cluster, i % 2 ? b : a, store))
    const coreJobs: Job[] = authorized.map((p) => ({ key: p.paymentId, hook: "noop_noop", body: { session_id: p.sessionId, amount: p.amount } }))

    const bookedAt = (table: "refund" | "capture") => async (keys: string[]) => {
      const { rows } = await cluster.db.query(`SELECT payment_id, min(created_at) AS at FROM ${table} WHERE payment_id = ANY($1) AND deleted_at IS NULL GROUP BY payment_id`, [keys])
      return new Map<string, number>(rows.map((r) => [r.payment_id, new Date(r.at).getTime()]))
    }
    // The core path first: the plugin's path then runs on processes no colder than the baseline's.
    const core = await measure(cluster, coreJobs, bookedAt("capture"))
    const plugin = await measure(cluster, pluginJobs, bookedAt("refund"))

    const handling = (f: Figures): Figures => figures(f.latencies.map((ms) => ms - HOOK_DELAY_MS), f.perSecond, f.burst)
    const row = (name: string, f: Figures) =>
      `${name.padEnd(22)} ${f.p50.toFixed(0).padStart(8)} ${f.p99.toFixed(0).padStart(8)} ${f.mean.toFixed(0).padStart(8)} ${f.perSecond.toFixed(1).padStart(10)}`
    const ratio = (name: string, p: Figures, c: Figures) =>
      `${name.padEnd(22)} ${(p.p50 / c.p50).toFixed(2).padStart(7)}× ${(p.p99 / c.p99).toFixed(2).padStart(7)}× ${(p.mean / c.mean).toFixed(2).padStart(7)}× ${(c.perSecond / p.perSecond).toFixed(2).padStart(9)}×`
    console.log(`\nbench:medusa on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`)
    console.log(`topology: 2 servers + 1 worker (medusa start, NODE_ENV=production), Redis event bus (concurrency ${process.env.SCALE_EVENT_CONCURRENCY ?? 10}), workflow engine, locking, caching; PostgreSQL`)
    console.log(`latency: ${SERIAL} notices one at a time, sent → booked; throughput: ${PAYMENTS - SERIAL} notices sent at once, first sent → last booked`)
    console.log(`"after the hook's delay": the same latencies less Medusa's fixed ${HOOK_DELAY_MS / 1000} s queue delay, i.e. the subscribers' and workflows' own time`)
    console.log(`${"path".padEnd(22)}   p50 ms   p99 ms  mean ms  notices/s`)
    console.log(row("core (no-op provider)", core))
    console.log(row("plugin (cancellation)", plugin))
    console.log(row("core, after the delay", handling(core)))
    console.log(row("plugin, after the delay", handling(plugin)))
    console.log(ratio("ratio plugin/core", plugin, core))
    console.log(ratio("ratio after the delay", handling(plugin), handling(core)))
    console.log(`(goal: the plugin within 1.3× of the core path)`)
  } finally {
    await cluster.stop()
  }
}

/** One at a time for latency, then the rest at once for throughput. */
async function measure(cluster: Cluster, jobs: Job[], booked: (keys: string[]) => Promise<Map<string, number>>): Promise<Figures> {
  const latencies: number[] = []
  for (const job of jobs.slice(0, SERIAL)) {
    const sentAt = await send(cluster, job)
    const at = await waitBooked(booked, [job.key])
    latencies.push(at.get(job.key)! - sentAt)
  }
  const rest = jobs.slice(SERIAL)
  const started = Date.now()
  const sentAt = new Map<string, number>()
  await inParallel(rest, 40, async (job) => sentAt.set(job.key, await send(cluster, job)))
  const at = await waitBooked(booked, rest.map((j) => j.key))
  const last = Math.max(...at.values())
  return figures(latencies, rest.length / ((last - started) / 1000), rest.length)
}

function figures(latencies: number[], perSecond: number, burst: number): Figures {
  const sorted = [...latencies].sort((x, y) => x - y)
  return {
    p50: sorted[Math.floor(sorted.length * 0.5)],
    p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))],
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    perSecond,
    burst,
    serial: latencies.length,
    latencies,
  }
}

async function send(cluster: Cluster, job: Job): Promise<number> {
  const at = Date.now()
  const res = await fetch(`${cluster.url("server-a")}/hooks/payment/${job.hook}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(job.body),
  })
  await res.arrayBuffer()
  if (res.status !== 200) {
    throw new Error(`the hook answered ${res.status}`)
  }
  return at
}

async function waitBooked(booked: (keys: string[]) => Promise<Map<string, number>>, keys: string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + 10 * 60_000
  for (;;) {
    const at = await booked(keys)
    if (at.size === keys.length) {
      return at
    }
    if (Date.now() > deadline) {
      throw new Error(`${keys.length - at.size} of ${keys.length} notices were not booked within 10 minutes`)
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function enableNoop(api: AxiosInstance, store: Store): Promise<void> {
  const region = (await api.get(`/admin/regions/${store.regionId}?fields=*payment_providers`, store.admin)).data.region
  const providers = [...region.payment_providers.map((p: { id: string }) => p.id), NOOP]
  const res = await api.post(`/admin/regions/${store.regionId}`, { payment_providers: providers }, store.admin)
  if (res.status !== 200) {
    throw new Error(`adding the no-op provider answered ${res.status}: ${JSON.stringify(res.data)}`)
  }
}

/** A cart paid with the no-op provider and completed: an authorized payment that a "captured" notice captures. */
async function noopPayment(cluster: Cluster, api: AxiosInstance, store: Store): Promise<Pick<PaidPayment, "paymentId" | "amount"> & { sessionId: string }> {
  const checkout = await startCheckout(api, store, 1, NOOP, buyerEmail())
  const completed = await completeCart(api, store, checkout.cartId)
  if (completed.type !== "order") {
    throw new Error(`a no-op cart did not complete: ${JSON.stringify(completed).slice(0, 300)}`)
  }
  const { rows } = await cluster.db.query(`SELECT id, amount FROM payment WHERE payment_session_id = $1`, [checkout.session.id])
  return { paymentId: rows[0].id, amount: Number(rows[0].amount), sessionId: checkout.session.id }
}

function say(line: string): void {
  console.log(`[bench:medusa] ${line}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
