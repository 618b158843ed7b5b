import type { AxiosInstance } from "axios"
import type { Store } from "../helpers/store"
import { controlHeaders, sandboxPost } from "../helpers/sandbox"
import { Cluster, tail } from "./cluster"
import { approveAll, burst, mix, paidNotice, random, refundAll, until, waitingTickets, type Widget } from "./scenario"
import { checkouts, client, inParallel, openStore, paidOrder, refund, sendNotice, type PaidPayment } from "./shop"
import {
  bookingsOutsideTheirContext,
  capturedByWidget,
  cancelCalls,
  claimedRows,
  firstClaim,
  inboxOf,
  openTickets,
  runSettlementJob,
  ticketStatuses,
} from "./queries"
import { deadClaimTakeoverMs, drained, mb, topologyHelpers } from "./topology"

jest.setTimeout(20 * 60_000)

const SEED = Number(process.env.SCALE_SEED ?? 20261202)

/**
 * The production topology: two `medusa start` servers and one worker, on Redis (event bus, workflow engine,
 * locking, caching) and one PostgreSQL, against the sandbox. Each scenario ends on the property test's ledger
 * invariants. One boot for the file; scenarios run in order and each adds its own payments.
 */
describe("production topology: server, server and worker on Redis", () => {
  let cluster: Cluster
  let a: AxiosInstance
  let b: AxiosInstance
  let store: Store
  const all: PaidPayment[] = []

  beforeAll(async () => {
    // SCALE_LOCKING=postgres runs every scenario on Medusa's locking-postgres provider instead.
    const locking = process.env.SCALE_LOCKING === "postgres" ? "postgres" : "redis"
    cluster = await Cluster.start({ label: `${locking}-locking`, locking })
    a = client(cluster, "server-a")
    b = client(cluster, "server-b")
    store = await openStore(cluster, a)
  })

  afterAll(async () => {
    await cluster?.stop()
  })

  // The ledger check, open tickets, and the later scenarios' orders made in bulk (topology.ts).
  const { violations, laterOrders, openTicketsOf } = topologyHelpers(() => ({ cluster, a, store }))

  it("race: two admins refund the same payment through different servers at once; one wins, i'mport hears one cancel", async () => {
    for (let round = 0; round < 3; round++) {
      const payment = await paidOrder(cluster, a, store)
      const [first, second] = await Promise.all([
        refund(a, store, payment.paymentId, payment.amount),
        refund(b, store, payment.paymentId, payment.amount),
      ])
      const statuses = [first.status, second.status].sort()
      expect(statuses[0]).toBe(200)
      expect(statuses[1]).toBeGreaterThanOrEqual(400)
      expect(statuses[1]).toBeLessThan(500)
      expect(cancelCalls(cluster, payment.impUid)).toBe(1)
      expect(await openTickets(cluster, payment.paymentId)).toBe(1)
      all.push(payment)
    }
    expect(await violations(all)).toEqual([])
  })

  it("burst: 1,000 notices through both hook URLs, paid ones up to 5 times, cancellations interleaved; each captured once, each cancel booked once, no delivery lost", async () => {
    const rnd = random(SEED)
    // Warm both paths first, so the memory comparison is of a worker in its steady state.
    const warm = await waitingTickets(cluster, [a, b], store, 5)
    await burst(cluster, mix(await approveAll(cluster, warm), rnd, 2))
    await until("the warm-up's refunds booked", async () => (await openTicketsOf(warm)) === 0, 120_000)
    all.push(...warm)
    const before = await cluster.workerMemory()

    const made = await checkouts(cluster, store, { paid: 130, widgets: 200 })
    const widgets = made.widgets
    const refunded = await refundAll([a, b], store, made.paid)
    const cancellations = await approveAll(cluster, refunded)
    const notices = mix([...widgets.map(paidNotice), ...cancellations], rnd, 5, 1000)
    expect(notices).toHaveLength(1000)

    const started = Date.now()
    const sent = await burst(cluster, notices)
    const sendMs = Date.now() - started
    expect(sent.filter((s) => s.status !== 200)).toEqual([])

    const paidOf = (list: Widget[]) => capturedByWidget(cluster, list)
    const settledMs = await until(
      "every paid notice captured and every cancellation booked",
      async () => (await paidOf(widgets)).length === widgets.length && (await openTicketsOf(refunded)) === 0,
      10 * 60_000,
      async () =>
        `captured ${(await paidOf(widgets)).length}/${widgets.length}, open tickets ${await openTicketsOf(refunded)}; worker log: ${tail(cluster.processes.get("worker")!.log, 2000)}`
    )
    const captured = await paidOf(widgets)
    all.push(...captured, ...refunded)
    // Every accepted delivery reaches the worker and is handled: one inbox row each, all processed, none failed.
    await until(
      "every delivery handled",
      async () => drained(await inboxOf(cluster, started), 1000),
      5 * 60_000,
      async () => JSON.stringify(await inboxOf(cluster, started))
    )
    expect((await inboxOf(cluster, started)).failed).toEqual([])
    expect(await violations([...captured, ...refunded])).toEqual([])
    // Booked by the worker through Medusa's workflow engine on Redis, each as its settlement's booking.
    expect(await bookingsOutsideTheirContext(cluster, refunded)).toEqual([])

    const after = await cluster.workerMemory()
    console.log(
      `scale burst: 1000 notices sent in ${sendMs} ms, all settled ${settledMs} ms later (${(1000 / ((sendMs + settledMs) / 1000)).toFixed(1)} notices/s); ` +
        `worker rss ${mb(before.rss)} → ${mb(after.rss)} MB, heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB`
    )
    // A leak shows in the heap after full GCs; resident memory also moves with the allocator (385 → 451 MB, heap 121 → 130).
    expect(after.heapUsed).toBeLessThanOrEqual(before.heapUsed * 1.1)
    expect(after.rss).toBeLessThanOrEqual(before.rss * 1.3)
  })

  it("kill: the server dies after i'mport accepted a cancel and before the ticket was saved as waiting; after a restart nothing is doubled or lost", async () => {
    const payment = await paidOrder(cluster, a, store)
    // The later scenarios' setup runs meanwhile (its failure is theirs to report).
    laterOrders().catch(() => undefined)
    // i'mport acts at once and answers 30 s late: the window in which the asking process dies.
    await sandboxPost(cluster.sandbox, "/sandbox/faults", {
      route: "POST /payments/cancel",
      kind: "slow_after",
      delay_ms: 30_000,
      times: 1,
    })
    const asked = refund(b, store, payment.paymentId, payment.amount).catch((error: Error) => error)
    await until("i'mport accepted the cancel", async () => cancelCalls(cluster, payment.impUid) === 1, 30_000)
    await cluster.kill("server-b")
    expect(await asked).toBeInstanceOf(Error)
    expect(await ticketStatuses(cluster, payment.paymentId)).toEqual(["requested"])
    await cluster.startProcess("server-b")

    // Paymentwall settles the ticket; its notice reaches the restarted server. The dead request's lock expires on
    // its own (its lifetime), and the settlement books the cancel i'mport made for the ticket the dead process saved.
    for (const body of await approveAll(cluster, [payment])) {
      expect(await sendNotice(cluster, "server-b", body)).toBe(200)
    }
    await until(
      "the cancellation booked",
      async () => (await openTickets(cluster, payment.paymentId)) === 0,
      5 * 60_000
    )
    await runSettlementJob(cluster, "settle-after-server-kill")
    expect(cancelCalls(cluster, payment.impUid)).toBe(1)
    expect(await violations([payment], "job")).toEqual([])
    all.push(payment)
  })

  /** What the worker kill left for its continuation, which runs once the scenarios in between have run. */
  let workerKill: { payments: PaidPayment[]; killedAt: number } | undefined

  it("kill: the worker dies in the middle of a booking, and leaves a claimed row behind (its takeover is checked after the next two scenarios)", async () => {
    const payments = await refundAll([a, b], store, (await laterOrders()).paid.slice(0, 20))
    const notices = await approveAll(cluster, payments)
    let hit = 0
    let killedAt = 0
    for (let round = 0; round < 3 && hit === 0; round++) {
      const sending = burst(
        cluster,
        notices.map((body, i) => ({ body, to: i % 2 ? "server-b" : "server-a" })),
        10
      )
      // A ledger row is claimed just before Medusa's refund workflow runs and marked booked after it: kill then.
      if (await firstClaim(cluster, 60_000, payments)) {
        await cluster.kill("worker")
        killedAt = Date.now()
        hit = await claimedRows(cluster, payments)
      }
      expect((await sending).filter((s) => s.status !== 200)).toEqual([])
      if (!cluster.processes.has("worker")) {
        await cluster.startProcess("worker")
      }
    }
    // The worst moment was hit: a claimed row was left behind by the dead worker.
    expect(hit).toBeGreaterThan(0)
    workerKill = { payments, killedAt }
  })

  it("redis restart during a burst: notices refused while it is down are sent again, and none is lost", async () => {
    const rnd = random(SEED + 1)
    const made = await laterOrders()
    const widgets = made.widgets
    const refunded = await refundAll([a, b], store, made.paid.slice(20, 60))
    const notices = mix([...widgets.map(paidNotice), ...(await approveAll(cluster, refunded))], rnd, 3)
    const started = Date.now()
    // Redis goes down and comes back a third of the way through the burst.
    let restartAt = 0
    let restarted: Promise<void> = Promise.resolve()
    const sent = await inParallel(notices, 8, async (notice, i) => {
      if (i === Math.floor(notices.length / 3)) {
        restartAt = Date.now()
        restarted = cluster.redis.restart()
      }
      const at = Date.now()
      return { notice, status: await sendNotice(cluster, notice.to, notice.body), at }
    })
    await restarted
    expect(sent.filter((s) => s.at < restartAt).length).toBeGreaterThan(0)
    expect(sent.filter((s) => s.at > restartAt).length).toBeGreaterThan(0)
    // Refused with a 5xx (or the connection failed), which i'mport resends; a 4xx it would not.
    const refused = sent.filter((s) => s.status !== 200)
    expect(refused.filter((s) => s.status !== 0 && s.status < 500)).toEqual([])
    // i'mport's resend (or the console's) for every notice not answered 200.
    for (const s of refused) {
      await until(
        "a refused notice accepted again",
        async () => (await sendNotice(cluster, s.notice.to, s.notice.body)) === 200,
        60_000
      )
    }
    await until(
      "every paid notice captured and every cancellation booked",
      async () =>
        (await capturedByWidget(cluster, widgets)).length === widgets.length && (await openTicketsOf(refunded)) === 0,
      6 * 60_000,
      async () =>
        `captured ${(await capturedByWidget(cluster, widgets)).length}/${widgets.length}, open tickets ${await openTicketsOf(refunded)}`
    )
    await until(
      "every delivery handled",
      async () => drained(await inboxOf(cluster, started), notices.length),
      5 * 60_000
    )
    const inbox = await inboxOf(cluster, started)
    await runSettlementJob(cluster, "settle-after-redis-restart")
    const captured = await capturedByWidget(cluster, widgets)
    expect(await violations([...captured, ...refunded], "job")).toEqual([])
    console.log(
      `scale redis restart: ${notices.length} notices, ${refused.length} refused while Redis was down and sent again; inbox ${inbox.total} deliveries, ${inbox.failed.length} failed attempts retried`
    )
    all.push(...captured, ...refunded)
  })

  it("shutdown: SIGTERM while notices are being settled and duplicates wait for their payment's lock; the worker stops cleanly and nothing is half-booked", async () => {
    const payments = await refundAll([a, b], store, (await laterOrders()).paid.slice(60, 90))
    const notices = await approveAll(cluster, payments)
    // Each look-up takes 1.5 s, so settlements hold their payment's lock that long and the copies queue behind them.
    for (const route of ["GET /payments/{imp_uid}", "GET /payments?imp_uid[]"]) {
      await sandboxPost(cluster.sandbox, "/sandbox/faults", { route, kind: "slow", delay_ms: 1500, times: 10_000 })
    }
    const started = Date.now()
    const sending = burst(
      cluster,
      mix(notices, random(SEED + 2), 1).flatMap((n) => [n, n, n]),
      10
    )
    expect((await sending).filter((s) => s.status !== 200)).toEqual([])
    expect(await firstClaim(cluster, 60_000, payments)).toBe(true)
    const stopped = await cluster.stopProcess("worker", 120_000)
    await fetch(`${cluster.sandbox.url}/sandbox/faults`, { method: "DELETE", headers: controlHeaders(cluster.sandbox) })
    const gaveUp = (await inboxOf(cluster, started)).failed.filter((e) => /shutting down/.test(e))
    console.log(
      `scale shutdown: the worker stopped ${stopped.ms} ms after SIGTERM (exit ${stopped.code}, killed: ${stopped.killed}); ` +
        `${gaveUp.length} notice(s) waiting for a lock gave up and were left to a retry`
    )
    expect(stopped).toMatchObject({ killed: false, code: 0 })
    // The copies waiting for a lock stopped at the SIGTERM rather than waiting on through it (lib/shutdown.ts).
    expect(gaveUp.length).toBeGreaterThan(0)
    expect(tail(cluster.runDir + "/worker.log", 1_000_000)).not.toMatch(/Timeout acquiring a connection/)
    // Nothing half-booked: every Refund is accounted for by a booked or claimed ledger row.
    expect(await violations(payments)).toEqual([])
    await cluster.startProcess("worker")
    await until(
      "every ticket closed",
      async () => (await openTicketsOf(payments)) === 0,
      6 * 60_000,
      async () => `${await openTicketsOf(payments)} open`
    )
    await runSettlementJob(cluster, "settle-after-shutdown")
    expect(await violations(payments, "job")).toEqual([])
    all.push(...payments)
  })

  it("kill, continued: once the dead worker's claim has lived out its lifetime, one job run books each of its cancellations once", async () => {
    if (!workerKill) {
      throw new Error("the worker-kill scenario left nothing to take over (it failed, or did not run)")
    }
    const { payments, killedAt } = workerKill
    // The Redis restart and the shutdown ran meanwhile, on other payments (their job runs may have taken some over).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + deadClaimTakeoverMs() - Date.now())))
    await runSettlementJob(cluster, "settle-after-worker-kill")
    expect(await openTicketsOf(payments)).toBe(0)
    expect(await claimedRows(cluster)).toBe(0)
    expect(await violations(payments, "job")).toEqual([])
    all.push(...payments)
  })

  it("after every scenario, the job finds the whole ledger square", async () => {
    await runSettlementJob(cluster, "settle-final")
    expect(await violations(all, "job")).toEqual([])
  })
})
