import { compareForged } from "./invariants"
import type { Model } from "./model"
import { type Observation, observe } from "./observation"
import { afterStep, pick, Step } from "./step"
import type { World } from "./world"

// Notices: the harness is the network between i'mport and the store.

/** i'mport's own webhook address: what the hook middleware would have written as the sender of a genuine notice. */
const IAMPORT_SENDER = { "content-type": "application/json", "x-iamport-pw-sender": "52.78.100.19" }
/** An attacker who knows the imp_uid, claiming i'mport's address in X-Forwarded-For. */
const ATTACKER = {
  "content-type": "application/json",
  "x-forwarded-for": "52.78.100.19",
  "x-iamport-pw-sender": "203.0.113.7",
}

export class Deliver extends Step {
  constructor(
    readonly n: number,
    readonly copies: number,
    readonly keep: boolean
  ) {
    super()
  }
  toString() {
    return `deliver(notice #${this.n}${this.copies > 1 ? ` x${this.copies} at once` : ""}${this.keep ? ", and again later" : ""})`
  }
  check(m: Readonly<Model>) {
    return m.notices.length > 0
  }
  async act(m: Model, w: World) {
    const notice = pick(m.notices, this.n)
    notice.deliveries += 1
    w.log(
      `    ${notice.label} ${JSON.stringify(notice.body)} (delivery ${notice.deliveries}, ${m.notices.indexOf(notice) + 1} of ${m.notices.length} held)`
    )
    if (!this.keep) {
      m.notices = m.notices.filter((n) => n !== notice)
    }
    await w.deliver(notice.body, this.copies, IAMPORT_SENDER)
  }
}

export class Drop extends Step {
  constructor(readonly n: number) {
    super()
  }
  toString() {
    return `lose(notice #${this.n})`
  }
  check(m: Readonly<Model>) {
    return m.notices.length > 0
  }
  async act(m: Model, w: World) {
    const notice = pick(m.notices, this.n)
    m.notices = m.notices.filter((n) => n !== notice)
    w.log(`    ${notice.label} ${JSON.stringify(notice.body)} is lost`)
  }
}

/** i'mport console's "resend": the payment's current status, as a new notice. */
export class ConsoleResend extends Step {
  constructor(readonly p: number) {
    super()
  }
  toString() {
    return `i'mport console resends the webhook(p#${this.p})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const res = await w.sandboxPost("/sandbox/webhooks/resend", { imp_uid: ref.impUid })
    w.log(`    ${ref.label}: -> ${res.status}`)
  }
}

export const FORGERIES = [
  "status-x1",
  "paid",
  "cancelled",
  "cancelled-forged-id",
  "failed",
  "other-merchant-uid",
  "unknown-imp-uid",
] as const
type Forgery = (typeof FORGERIES)[number]

/** An attacker who knows an imp_uid posts notices. Nothing about money may change that a look-up does not justify. */
export class Forge extends Step {
  constructor(
    readonly p: number,
    readonly kind: Forgery,
    readonly copies: number
  ) {
    super()
  }
  toString() {
    return `forged notice(p#${this.p}, ${this.kind}${this.copies > 1 ? ` x${this.copies}` : ""})`
  }
  check(m: Readonly<Model>) {
    return m.payments.length > 0
  }
  async act(m: Model, w: World) {
    const ref = pick(m.payments, this.p)
    const other = m.payments.find((p) => p !== ref)
    const bodies: Record<Forgery, Record<string, string>> = {
      "status-x1": { imp_uid: ref.impUid, status: "x1" },
      paid: { imp_uid: ref.impUid, merchant_uid: ref.merchantUid, status: "paid" },
      cancelled: { imp_uid: ref.impUid, merchant_uid: ref.merchantUid, status: "cancelled" },
      "cancelled-forged-id": { imp_uid: ref.impUid, status: "cancelled", cancellation_id: "forged" },
      failed: { imp_uid: ref.impUid, merchant_uid: ref.merchantUid, status: "failed" },
      "other-merchant-uid": {
        imp_uid: ref.impUid,
        merchant_uid: other?.merchantUid ?? `pw_payses_${"0".repeat(26)}`,
        status: "cancelled",
      },
      "unknown-imp-uid": { imp_uid: "imp_000000000000", merchant_uid: ref.merchantUid, status: "cancelled" },
    }
    const body = bodies[this.kind]
    w.log(`    ${ref.label}: ${JSON.stringify(body)}`)
    const before: Observation[] = await Promise.all(m.payments.map((p) => observe(w, p)))
    await w.deliver(body, this.copies, ATTACKER)
    const after: Observation[] = await Promise.all(m.payments.map((p) => observe(w, p)))
    const violations = before.flatMap((b, i) => compareForged(b, after[i]).map((v) => `${v} [forged ${this.kind}]`))
    if (violations.length) {
      await afterStep(m, w, undefined, violations)
    }
  }
}
