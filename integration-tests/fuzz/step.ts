import type fc from "fast-check"
import { UnexpectedError } from "./errors"
import { checkObservation } from "./invariants"
import type { Model } from "./model"
import { describe, type Observation, observe } from "./observation"
import type { World } from "./world"

type AnyRecord = Record<string, any>

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

export function pick<T>(items: readonly T[], index: number): T {
  return items[index % items.length]
}

export type Settled = "all" | Set<string>

/**
 * One generated action. `act` drives the real system; after it the harness collects what the sandbox sent, refreshes
 * the model and checks every invariant for every payment of the run.
 */
export abstract class Step implements fc.AsyncCommand<Model, World> {
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

/** Which Paymentwall ticket a plugin ticket is: same payment, reason (the admin's unique note) and amount; newest first. */
export function paymentwallTicketOf(w: World, ticket: AnyRecord) {
  return w
    .sandboxTickets(ticket.imp_uid)
    .filter((t) => t.reason === ticket.reason && t.amount === Number(ticket.amount))
    .sort((a, b) => b.requested_at - a.requested_at)[0]
}
