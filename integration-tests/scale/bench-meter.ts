/* What npm run bench:medusa counts besides time: the database statements (or transactions) and the i'mport calls a
 * measured phase caused, read from outside the store's processes. bench.ts's header says what each count means. */
import { Pool } from "pg"
import type { Cluster } from "./cluster"

/** The role the benchmark's own reads run under, so the statement count can leave them out. */
const OBSERVER = "bench_observer"

export type Work = { queries: number; iamport: number }
export type Snapshot = Work & { own: number; evicted: number }

export class Meter {
  /** Queries this meter sent (polls and reads): taken off the transaction count, which cannot tell roles apart. */
  private own = 0

  private constructor(
    private readonly cluster: Cluster,
    private readonly pool: Pool,
    readonly unit: "statements" | "transactions"
  ) {}

  /** The observer's role and pool, and pg_stat_statements in the bench's database if PostgreSQL has it loaded. */
  static async open(cluster: Cluster): Promise<Meter> {
    const db = cluster.db
    await db.query(
      `DO $$ BEGIN CREATE ROLE ${OBSERVER} LOGIN PASSWORD '${OBSERVER}'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`
    )
    await db.query(`GRANT pg_read_all_stats TO ${OBSERVER}`)
    await db.query(`GRANT SELECT ON refund, capture TO ${OBSERVER}`)
    let unit: Meter["unit"] = "statements"
    try {
      await db.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`)
      // Created without the library loaded, the view refuses to be read.
      await db.query(`SELECT count(*) FROM pg_stat_statements`)
    } catch {
      unit = "transactions"
    }
    const url = new URL(cluster.databaseUrl)
    url.username = OBSERVER
    url.password = OBSERVER
    return new Meter(cluster, new Pool({ connectionString: url.toString(), max: 2 }), unit)
  }

  async query<R extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    this.own += 1
    return (await this.pool.query(sql, params)).rows as R[]
  }

  /** The counters now. Transaction counts reach pg_stat_database up to 10 s after a backend goes idle: wait them out. */
  async snapshot(): Promise<Snapshot> {
    if (this.unit === "transactions") {
      await sleep(11_000)
    }
    const own = this.own
    const [row] =
      this.unit === "statements"
        ? await this.query<{ n: string; evicted: string }>(
            `SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
                      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND userid <> $1::regrole) AS n,
                    (SELECT dealloc FROM pg_stat_statements_info) AS evicted`,
            [OBSERVER]
          )
        : await this.query<{ n: string; evicted: string }>(
            `SELECT xact_commit + xact_rollback AS n, 0 AS evicted FROM pg_stat_database WHERE datname = current_database()`
          )
    return { queries: Number(row.n), iamport: this.iamportCalls(), own, evicted: Number(row.evicted) }
  }

  /**
   * The counters once the database has been quiet for 2 s (at most a minute): a phase starts after the work its
   * preparation set off, and ends after the work its bookings set off (the rest of the workflow, its events).
   */
  async settled(): Promise<Snapshot> {
    let now = await this.snapshot()
    for (
      let quiet = 0, deadline = Date.now() + 60_000;
      this.unit === "statements" && quiet < 4 && Date.now() < deadline;
    ) {
      await sleep(500)
      const next = await this.snapshot()
      quiet = next.queries === now.queries && next.iamport === now.iamport ? quiet + 1 : 0
      now = next
    }
    return now
  }

  /** What the processes did since `before`, once settled. */
  async since(before: Snapshot): Promise<Work> {
    const now = await this.settled()
    if (now.evicted !== before.evicted) {
      throw new Error(
        "pg_stat_statements evicted statements during a phase, so its count would be short: raise pg_stat_statements.max (scripts/with-test-db.js)"
      )
    }
    const own = this.unit === "transactions" ? now.own - before.own : 0
    return { queries: now.queries - before.queries - own, iamport: now.iamport - before.iamport }
  }

  /** Every call the store made to i'mport's API (the sandbox's counters per route; its control routes are not counted). */
  iamportCalls(): number {
    return [...this.cluster.sandbox.context.stats.values()].reduce((sum, n) => sum + n, 0)
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
