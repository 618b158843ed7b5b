/* npm run bench:medusa: how fast a notice becomes a booking on the production topology (two servers and a worker
 * on Redis), for this plugin's cancellation path and, as the baseline, Medusa's core notice path with a no-op
 * provider (store/noop-provider). Prints figures; never fails on a time.
 *
 *   plugin: i'mport's cancellation notice → hook route → event bus → the plugin's subscriber (look-up, lock, ledger,
 *           Medusa's refund workflow) → Refund booked
 *   core:   a "captured" notice for an authorized no-op payment → hook route → event bus → Medusa's own webhook
 *           subscriber (processPaymentWorkflow, capture workflow) → Capture booked
 *   floor:  POST /admin/payments/:id/refund on a captured no-op payment of the same amount → Medusa's
 *           refundPaymentWorkflow alone → Refund booked. The plugin books through that workflow, so cannot go below
 *           it; the plugin's own share is its time after the hook's delay less the floor.
 *
 * Each is timed from the moment the request is sent to the booked row's created_at, first one at a time (latency),
 * then all the rest at once (throughput). BENCH_PAYMENTS sets how many payments each path gets (default 100).
 *
 * The plugin's scheduled jobs are off in every process (plugin option scheduledJobs): the settlement job would book
 * approved tickets before their notices. A booking older than its request is counted, and the run then exits 1
 * without figures.
 *
 * Counted per booking, over each whole phase, until the database has been quiet for 2 s after its last booking:
 *   statements: with pg_stat_statements (npm run bench:medusa loads it into the test PostgreSQL), the sum of `calls`
 *     of every top-level statement in the bench's database by any role but the benchmark's own (bench-meter.ts),
 *     i.e. what the servers and the worker sent, BEGIN/COMMIT/SAVEPOINT included (each is a round trip).
 *     Without it (a DB_HOST server without the library), pg_stat_database's xact_commit + xact_rollback, less the
 *     benchmark's own reads, labelled "transactions".
 *   i'mport calls: the sandbox's counters of its i'mport API routes.
 */
import os from "node:os"
import type { AxiosInstance } from "axios"
import { completeCart, startCheckout, type Store } from "../helpers/store"
import { Meter, sleep, type Work } from "./bench-meter"
import { Cluster } from "./cluster"
import { approveAll, refundAll } from "./scenario"
import { buyerEmail, checkouts, client, inParallel, openStore } from "./shop"

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100)
const SERIAL = Math.min(30, Math.floor(PAYMENTS / 3))
const NOOP = "pp_noop_noop"
const IDLE_MS = 10_000

/** One booking to time: `send` starts it and answers when it was sent. */
type Job = { key: string; send: () => Promise<number> }
type Phase = Work & { latencies: number[]; perSecond: number; count: number; early: number }
type Figures = { p50: number; p99: number; mean: number }

/**
 * Medusa 2.21's hook route queues every notice with a 5 s delay (its `webhook_delay` option is read from a property
 * the payment module does not have, so it is always the default): both notice paths wait it, and the time after it
 * is what the subscribers and workflows take.
 */
const HOOK_DELAY_MS = 5000

async function main(): Promise<void> {
  const cluster = await Cluster.start({ label: "bench", basePort: 19200, scheduledJobs: false })
  // A meter that cannot open still stops the cluster (and drops its database), as the finally below does.
  const meter = await Meter.open(cluster).catch(async (error: unknown) => {
    await cluster.stop()
    throw error
  })
  try {
    const a = client(cluster, "server-a")
    const b = client(cluster, "server-b")
    const store = await openStore(cluster, a)
    await enableNoop(a, store)
    say(`preparing ${PAYMENTS} payments per path; counting database ${meter.unit}`)

    // The plugin's orders made in the store (store/orders.js), each refunded by the admin through the servers.
    const refunded = await refundAll([a, b], store, (await checkouts(cluster, store, { paid: PAYMENTS })).paid)
    const authorized = await inParallel(Array.from({ length: PAYMENTS }), 4, (_, i) =>
      noopPayment(cluster, i % 2 ? b : a, store)
    )
    const captured = await inParallel(Array.from({ length: PAYMENTS }), 4, async (_, i) =>
      capture(i % 2 ? b : a, store, await noopPayment(cluster, i % 2 ? b : a, store))
    )
    const coreJobs = authorized.map((p): Job => ({
      key: p.paymentId,
      send: () => notice(cluster, "noop_noop", { session_id: p.sessionId, amount: p.amount }),
    }))
    const floorJobs = captured.map((p): Job => ({ key: p.paymentId, send: () => adminRefund(a, store, p) }))

    // What the processes do on their own, with no request: counted in every phase too, so shown beside them.
    const quiet = await meter.settled()
    await sleep(IDLE_MS)
    const idle = await meter.since(quiet)
    // The core path first: the plugin's path then runs on processes no colder than the baseline's.
    const core = await measure(meter, coreJobs, "capture")
    const floor = await measure(meter, floorJobs, "refund")
    // Approved only now, so nothing but the notices could book them in between.
    const cancellations = await approveAll(cluster, refunded)
    const byImp = new Map(refunded.map((p) => [p.impUid, p]))
    const pluginJobs = cancellations.map((body): Job => ({
      key: byImp.get(body.imp_uid)!.paymentId,
      send: () => notice(cluster, "iamport-paymentwall_paymentwall", body),
    }))
    const plugin = await measure(meter, pluginJobs, "refund")

    const phases: [string, Phase][] = [
      ["core", core],
      ["floor", floor],
      ["plugin", plugin],
    ]
    const early = phases.filter(([, p]) => p.early > 0)
    for (const [name, p] of early) {
      console.error(
        `[bench:medusa] ${name}: ${p.early} of ${p.count} bookings are older than the request that should have made them`
      )
    }
    if (early.length) {
      console.error(
        "[bench:medusa] something else booked them (a scheduled job? a leftover process?): no figures printed from such rows"
      )
      process.exitCode = 1
      return
    }
    report(meter.unit, idle, core, floor, plugin)
  } finally {
    try {
      await meter.close()
    } finally {
      await cluster.stop()
    }
  }
}

function report(unit: Meter["unit"], idle: Work, core: Phase, floor: Phase, plugin: Phase): void {
  const whole = (p: Phase) => figures(p.latencies)
  const afterDelay = (p: Phase) => figures(p.latencies.map((ms) => ms - HOOK_DELAY_MS))
  const ms = (n: number) => n.toFixed(0).padStart(8)
  const row = (name: string, f: Figures, p?: Phase) =>
    `${name.padEnd(37)} ${ms(f.p50)} ${ms(f.p99)} ${ms(f.mean)}` +
    (p
      ? ` ${p.perSecond.toFixed(1).padStart(10)} ${(p.queries / p.count).toFixed(1).padStart(11)} ${(p.iamport / p.count).toFixed(2).padStart(13)}`
      : "")
  const [c, f, pl] = [afterDelay(core), whole(floor), afterDelay(plugin)]
  const share = { p50: pl.p50 - f.p50, p99: pl.p99 - f.p99 }
  const [label, short] = unit === "statements" ? ["statements", "stmts"] : ["transactions", "xacts"]
  console.log(
    `\nbench:medusa on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`
  )
  console.log(
    `topology: 2 servers + 1 worker (medusa start, NODE_ENV=production), Redis event bus (concurrency ${process.env.SCALE_EVENT_CONCURRENCY ?? 10}), workflow engine, locking, caching; PostgreSQL; the plugin's scheduled jobs off`
  )
  console.log(
    `latency: ${SERIAL} requests one at a time, sent → booked row's created_at; throughput: ${PAYMENTS - SERIAL} sent at once, first sent → last booked`
  )
  console.log(
    `per booking, over each whole phase: database ${label} (${unit === "statements" ? "pg_stat_statements calls, BEGIN/COMMIT included" : "pg_stat_database xact_commit + xact_rollback"}) and i'mport API calls (the sandbox's count)`
  )
  console.log(
    `"after the delay": less Medusa's fixed ${HOOK_DELAY_MS / 1000} s queue delay on the hook route, i.e. the subscribers' and workflows' own time`
  )
  console.log(
    `idle: ${idle.queries} ${label} and ${idle.iamport} i'mport calls in ${IDLE_MS / 1000} s with no request (left in the counts below)`
  )
  console.log(`${"path".padEnd(37)}   p50 ms   p99 ms  mean ms bookings/s  ${short}/each  i'mport/each`)
  console.log(row("core: captured notice → Capture", whole(core), core))
  console.log(row("plugin: cancellation → Refund", whole(plugin), plugin))
  console.log(row("core, after the delay", c))
  console.log(row("plugin, after the delay", pl))
  console.log(row("floor: admin refund → Refund", f, floor))
  console.log(`${"plugin's share (after delay − floor)".padEnd(37)} ${ms(share.p50)} ${ms(share.p99)}`)
  console.log(
    `ratio plugin's share / core after the delay: p50 ${(share.p50 / c.p50).toFixed(2)}, p99 ${(share.p99 / c.p99).toFixed(2)}   (goal ≤ 1)`
  )
  console.log(
    `ratio ${label} per booking, plugin / core: ${(plugin.queries / plugin.count / (core.queries / core.count)).toFixed(2)}   (goal ≤ 2)`
  )
}

/** One at a time for latency, then the rest at once for throughput; the phase's statements and i'mport calls. */
async function measure(meter: Meter, jobs: Job[], table: "refund" | "capture"): Promise<Phase> {
  const before = await meter.settled()
  const sent = new Map<string, number>()
  const booked = new Map<string, number>()
  for (const job of jobs.slice(0, SERIAL)) {
    sent.set(job.key, await job.send())
    for (const [key, at] of await waitBooked(meter, table, [job.key])) booked.set(key, at)
  }
  const rest = jobs.slice(SERIAL)
  const started = Date.now()
  await inParallel(rest, 40, async (job) => sent.set(job.key, await job.send()))
  for (const [key, at] of await waitBooked(
    meter,
    table,
    rest.map((j) => j.key)
  ))
    booked.set(key, at)
  const last = Math.max(...rest.map((j) => booked.get(j.key)!))
  const work = await meter.since(before)
  return {
    ...work,
    latencies: jobs.slice(0, SERIAL).map((j) => booked.get(j.key)! - sent.get(j.key)!),
    perSecond: rest.length / ((last - started) / 1000),
    count: jobs.length,
    early: jobs.filter((j) => booked.get(j.key)! < sent.get(j.key)!).length,
  }
}

function figures(latencies: number[]): Figures {
  const sorted = [...latencies].sort((x, y) => x - y)
  return {
    p50: sorted[Math.floor(sorted.length * 0.5)],
    p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))],
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
  }
}

/** Each payment's first live booking in `table` (created_at, ms), for those booked so far. */
async function waitBooked(meter: Meter, table: "refund" | "capture", keys: string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + 10 * 60_000
  for (;;) {
    const rows = await meter.query<{ payment_id: string; at: Date }>(
      `SELECT payment_id, min(created_at) AS at FROM ${table} WHERE payment_id = ANY($1) AND deleted_at IS NULL GROUP BY payment_id`,
      [keys]
    )
    if (rows.length === keys.length) {
      return new Map(rows.map((r) => [r.payment_id, new Date(r.at).getTime()]))
    }
    if (Date.now() > deadline) {
      throw new Error(`${keys.length - rows.length} of ${keys.length} were not booked within 10 minutes`)
    }
    await sleep(10)
  }
}

/** A notice POSTed to server-a's hook route, as i'mport's server (or the no-op provider's sender) would. */
async function notice(cluster: Cluster, hook: string, body: Record<string, unknown>): Promise<number> {
  const at = Date.now()
  const res = await fetch(`${cluster.url("server-a")}/hooks/payment/${hook}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  })
  await res.arrayBuffer()
  if (res.status !== 200) {
    throw new Error(`the hook answered ${res.status}`)
  }
  return at
}

type NoopPayment = { paymentId: string; amount: number; sessionId: string }

/** The admin's refund of a whole captured no-op payment through server-a: refundPaymentWorkflow, nothing else. */
async function adminRefund(api: AxiosInstance, store: Store, payment: NoopPayment): Promise<number> {
  const at = Date.now()
  const res = await api.post(`/admin/payments/${payment.paymentId}/refund`, { amount: payment.amount }, store.admin)
  if (res.status !== 200) {
    throw new Error(
      `the refund of ${payment.paymentId} answered ${res.status}: ${JSON.stringify(res.data).slice(0, 300)}`
    )
  }
  return at
}

async function capture(api: AxiosInstance, store: Store, payment: NoopPayment): Promise<NoopPayment> {
  const res = await api.post(`/admin/payments/${payment.paymentId}/capture`, {}, store.admin)
  if (res.status !== 200) {
    throw new Error(
      `the capture of ${payment.paymentId} answered ${res.status}: ${JSON.stringify(res.data).slice(0, 300)}`
    )
  }
  return payment
}

async function enableNoop(api: AxiosInstance, store: Store): Promise<void> {
  const region = (await api.get(`/admin/regions/${store.regionId}?fields=*payment_providers`, store.admin)).data.region
  const providers = [...region.payment_providers.map((p: { id: string }) => p.id), NOOP]
  const res = await api.post(`/admin/regions/${store.regionId}`, { payment_providers: providers }, store.admin)
  if (res.status !== 200) {
    throw new Error(`adding the no-op provider answered ${res.status}: ${JSON.stringify(res.data)}`)
  }
}

/** A cart paid with the no-op provider and completed: an authorized payment of one item, like the plugin's. */
async function noopPayment(cluster: Cluster, api: AxiosInstance, store: Store): Promise<NoopPayment> {
  const checkout = await startCheckout(api, store, 1, NOOP, buyerEmail())
  const completed = await completeCart(api, store, checkout.cartId)
  if (completed.type !== "order") {
    throw new Error(`a no-op cart did not complete: ${JSON.stringify(completed).slice(0, 300)}`)
  }
  const { rows } = await cluster.db.query(`SELECT id, amount FROM payment WHERE payment_session_id = $1`, [
    checkout.session.id,
  ])
  return { paymentId: rows[0].id, amount: Number(rows[0].amount), sessionId: checkout.session.id }
}

function say(line: string): void {
  console.log(`[bench:medusa] ${line}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
