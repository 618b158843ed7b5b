import { type CancellationEntry } from "../cancellation"
import { keyedCancellations } from "../v1/cancel-history"
import { planSettlement, type PlanTicket } from "../settlement-plan"

const t0 = new Date("2026-11-01T00:00:00Z")
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)

function ticket(id: string, amount: number, extra: Partial<PlanTicket> = {}): PlanTicket {
  return {
    id,
    status: "waiting_for_cancellation",
    amount,
    cancellation_id: null,
    refund_id: null,
    requested_at: at(Number(id.replace(/\D/g, "")) || 0),
    waiting_since: at(Number(id.replace(/\D/g, "")) || 0),
    rejection_suspected_at: null,
    ...extra,
  }
}

const entry = (
  cancellation_id: string,
  amount: number,
  status: CancellationEntry["status"] = "succeeded"
): CancellationEntry => ({
  status,
  trigger: "unknown",
  amount,
  cancelled_at: 0,
  reason: "",
  cancellation_id,
  key: cancellation_id,
  alias: `noid:0:${amount}:0`,
  knownAs: [cancellation_id, `noid:0:${amount}:0`, `noid:0:${amount}:pw:0`],
  names: [cancellation_id, `noid:0:${amount}:0`, `noid:0:${amount}:pw:0`, `noid:0:${amount}::0`],
  position: 0,
})

describe("planSettlement: projecting i'mport's cancel_history onto Medusa", () => {
  it("books a new cancellation to the waiting ticket of the same amount", () => {
    expect(planSettlement({ history: [entry("c1", 3000)], tickets: [ticket("t1", 3000)], booked: new Set() })).toEqual([
      { type: "complete", ticket_id: "t1", entry: entry("c1", 3000), book: true },
    ])
  })

  it("books only cancellations that succeeded: one still requested or failed (as PortOne V2 lists them) returns no money", () => {
    const requested = entry("c1", 3000, "requested")
    const failed = entry("c2", 3000, "failed")
    expect(
      planSettlement({ history: [requested, failed], tickets: [ticket("t1", 3000)], booked: new Set(), left: 10000 })
    ).toEqual([])
    expect(
      planSettlement({ history: [requested, entry("c3", 3000)], tickets: [ticket("t1", 3000)], booked: new Set() })
    ).toEqual([{ type: "complete", ticket_id: "t1", entry: entry("c3", 3000), book: true }])
  })

  it("books nothing for a cancellation a person closed, and makes no external ticket of it", () => {
    expect(
      planSettlement({
        history: [entry("c1", 3000)],
        tickets: [ticket("t1", 3000, { status: "closed", cancellation_id: "c1" })],
        booked: new Set(["c1"]),
      })
    ).toEqual([])
  })

  it("books nothing for a cancellation already booked (a duplicate or late webhook)", () => {
    expect(
      planSettlement({
        history: [entry("c1", 3000)],
        tickets: [ticket("t1", 3000, { status: "completed", cancellation_id: "c1" })],
        booked: new Set(["c1"]),
      })
    ).toEqual([])
  })

  it("matches same-amount tickets oldest first, as Paymentwall works through them in order", () => {
    const steps = planSettlement({
      history: [entry("c1", 1000), entry("c2", 1000)],
      tickets: [ticket("t2", 1000), ticket("t1", 1000)],
      booked: new Set(),
    })
    expect(steps.map((s) => s.type === "complete" && [s.ticket_id, s.entry.cancellation_id])).toEqual([
      ["t1", "c1"],
      ["t2", "c2"],
    ])
  })

  it("never settles a ticket with an entry i'mport already showed when the ticket's request was sent", () => {
    // A console refund of 6500, then an admin refund of 6500: the console's entry is not the admin's.
    const steps = planSettlement({
      history: [entry("console", 6500)],
      tickets: [ticket("t1", 6500, { history_before: ["console", "noid:0:6500:pw:0"] })],
      booked: new Set(),
    })
    expect(steps).toEqual([{ type: "external", entry: entry("console", 6500) }])
    // Known by its derived key only (an answer without cancellation_id), it is still recognised.
    const byAlias = planSettlement({
      history: [entry("console", 6500)],
      tickets: [ticket("t1", 6500, { history_before: ["noid:0:6500:pw:0"] })],
      booked: new Set(),
    })
    expect(byAlias).toEqual([{ type: "external", entry: entry("console", 6500) }])
    // A later entry of the same amount is the ticket's.
    const later = planSettlement({
      history: [entry("console", 6500), entry("c2", 6500)],
      tickets: [ticket("t1", 6500, { history_before: ["console"] })],
      booked: new Set(["console"]),
    })
    expect(later).toEqual([{ type: "complete", ticket_id: "t1", entry: entry("c2", 6500), book: true }])
  })

  it("never settles a ticket with an entry that carries another reason than the ticket's request gave i'mport", () => {
    const console = { ...entry("c1", 6500), reason: "Customer called" }
    const admin = ticket("t1", 6500, { sent_reason: "Damaged box" })
    expect(planSettlement({ history: [console], tickets: [admin], booked: new Set() })).toEqual([
      { type: "external", entry: console },
    ])
    const own = { ...entry("c2", 6500), reason: "Damaged box" }
    expect(planSettlement({ history: [own], tickets: [admin], booked: new Set() })).toEqual([
      { type: "complete", ticket_id: "t1", entry: own, book: true },
    ])
    // An entry without a reason cannot tell: matched by amount, as before.
    expect(planSettlement({ history: [entry("c3", 6500)], tickets: [admin], booked: new Set() })[0]).toMatchObject({
      type: "complete",
      ticket_id: "t1",
    })
  })

  it("settles the ticket bound to the entry's key even when the entry's reason differs from the request's", () => {
    // i'mport answered the cancel with this entry at once; a reason rewritten by i'mport must not make it external
    // (a second ticket for one cancellation is refused by the unique index, and the booking would never happen).
    const own = { ...entry("c1", 6500), reason: "Rewritten by i'mport" }
    const bound = ticket("t1", 6500, { sent_reason: "Damaged box", cancellation_id: "c1" })
    expect(planSettlement({ history: [own], tickets: [bound], booked: new Set() })).toEqual([
      { type: "complete", ticket_id: "t1", entry: own, book: true },
    ])
  })

  it("prefers the ticket that already carries the entry's cancellation_id", () => {
    const steps = planSettlement({
      history: [entry("c9", 1000)],
      tickets: [ticket("t1", 1000), ticket("t2", 1000, { cancellation_id: "c9" })],
      booked: new Set(),
    })
    expect(steps).toEqual([{ type: "complete", ticket_id: "t2", entry: entry("c9", 1000), book: true }])
  })

  it("confirms, without booking again, a ticket Medusa booked before asking (order cancel)", () => {
    const steps = planSettlement({
      history: [entry("c1", 5000)],
      tickets: [ticket("t1", 5000, { refund_id: "ref_1" })],
      booked: new Set(),
    })
    expect(steps).toEqual([{ type: "complete", ticket_id: "t1", entry: entry("c1", 5000), book: false }])
  })

  it("treats a cancellation nobody asked for as external", () => {
    expect(planSettlement({ history: [entry("c1", 700)], tickets: [ticket("t1", 3000)], booked: new Set() })).toEqual([
      { type: "external", entry: entry("c1", 700) },
    ])
  })

  it("revives a rejected ticket when its cancellation shows up after all", () => {
    const steps = planSettlement({
      history: [entry("c1", 3000)],
      tickets: [ticket("t1", 3000, { status: "rejected" })],
      booked: new Set(),
    })
    expect(steps).toEqual([{ type: "complete", ticket_id: "t1", entry: entry("c1", 3000), book: true }])
  })

  it("never matches failed tickets: i'mport refused them", () => {
    expect(
      planSettlement({
        history: [entry("c1", 3000)],
        tickets: [ticket("t1", 3000, { status: "failed" })],
        booked: new Set(),
      })[0].type
    ).toBe("external")
  })

  it("compares amounts as decimals", () => {
    const steps = planSettlement({
      history: [entry("c1", 0.3)],
      tickets: [ticket("t1", "0.30" as unknown as number)],
      booked: new Set(),
    })
    expect(steps[0]).toMatchObject({ type: "complete", ticket_id: "t1" })
  })

  describe("rejection notices", () => {
    const waiting = [ticket("t1", 3000, { waiting_since: at(0) }), ticket("t2", 2000, { waiting_since: at(5) })]

    it("only make the oldest ticket that has waited past the grace period suspected: they never reject", () => {
      const steps = planSettlement({
        history: [],
        tickets: waiting,
        booked: new Set(),
        rejectionNotice: { received_at: at(10), grace_ms: 60_000 },
      })
      expect(steps).toEqual([{ type: "suspect_rejection", ticket_id: "t1" }])
    })

    it("leave a ticket already suspected as it is, however many notices come", () => {
      const suspected = [ticket("t1", 3000, { waiting_since: at(0), rejection_suspected_at: at(9) }), waiting[1]]
      const steps = planSettlement({
        history: [],
        tickets: suspected,
        booked: new Set(),
        rejectionNotice: { received_at: at(10), grace_ms: 0 },
      })
      expect(steps).toEqual([])
    })

    it("suspect nothing within the grace period (a stale notice from before the request)", () => {
      const steps = planSettlement({
        history: [],
        tickets: waiting,
        booked: new Set(),
        rejectionNotice: { received_at: at(0.5), grace_ms: 60_000 },
      })
      expect(steps).toEqual([])
    })

    it("suspect nothing when the notice came with a new cancellation", () => {
      const steps = planSettlement({
        history: [entry("c1", 3000)],
        tickets: waiting,
        booked: new Set(),
        rejectionNotice: { received_at: at(10), grace_ms: 0 },
      })
      expect(steps.map((s) => s.type)).toEqual(["complete"])
    })

    it("never suspect a ticket whose request got no answer: it may not exist at Paymentwall", () => {
      const steps = planSettlement({
        history: [],
        tickets: [ticket("t1", 3000, { status: "requested", waiting_since: null })],
        booked: new Set(),
        rejectionNotice: { received_at: at(10), grace_ms: 0 },
      })
      expect(steps).toEqual([])
    })
  })

  it("books entries without a cancellation_id once each, under keys derived from the entry", () => {
    const history = keyedCancellations([
      { pg_tid: "pw_1", amount: 1500, cancelled_at: 100, reason: "console" },
      { pg_tid: "pw_1", amount: 1500, cancelled_at: 100, reason: "console" },
    ])
    const first = planSettlement({ history, tickets: [], booked: new Set() })
    expect(first.map((s) => s.type)).toEqual(["external", "external"])
    // The same answer again, once both are booked: nothing.
    expect(planSettlement({ history, tickets: [], booked: new Set(history.map((e) => e.key)) })).toEqual([])
  })

  describe("an entry with another reason than an awaiting ticket of its amount (i'mport may write its own reason on an approval)", () => {
    const approval = { ...entry("c1", 6500), reason: "Paymentwall refund approved" }
    const admin = ticket("t1", 6500, { sent_reason: "Damaged box" })

    it("is the ticket's approval, matched by amount, once the ticket no longer fits in what i'mport shows left", () => {
      expect(planSettlement({ history: [approval], tickets: [admin], booked: new Set(), left: 0 })).toEqual([
        { type: "complete", ticket_id: "t1", entry: approval, book: true, matched_by: "amount" },
      ])
      expect(planSettlement({ history: [approval], tickets: [admin], booked: new Set(), left: 6499 })[0]).toMatchObject(
        { type: "complete", matched_by: "amount" }
      )
    })

    it("is a suspected approval for a person while the ticket still fits: booked by neither", () => {
      expect(planSettlement({ history: [approval], tickets: [admin], booked: new Set(), left: 6500 })).toEqual([
        { type: "suspect_approval", ticket_id: "t1", entry: approval },
      ])
    })

    it("is external once a person said it is not the ticket's approval", () => {
      const declined = ticket("t1", 6500, { sent_reason: "Damaged box", declined_keys: [approval.key] })
      expect(planSettlement({ history: [approval], tickets: [declined], booked: new Set(), left: 0 })).toEqual([
        { type: "external", entry: approval },
      ])
    })

    it("is never the approval of a ticket sent after i'mport already showed it", () => {
      const later = ticket("t1", 6500, { sent_reason: "Damaged box", history_before: [approval.key] })
      expect(planSettlement({ history: [approval], tickets: [later], booked: new Set(), left: 0 })).toEqual([
        { type: "external", entry: approval },
      ])
    })

    it("is external where the caller gives no balance (nothing to weigh it against)", () => {
      expect(planSettlement({ history: [approval], tickets: [admin], booked: new Set() })).toEqual([
        { type: "external", entry: approval },
      ])
    })
  })

  describe("a ticket bound to a cancellation_id that i'mport's answers now leave out", () => {
    const idLess = () =>
      keyedCancellations([
        { amount: 1500, cancelled_at: 7, reason: "", pg_tid: "pw", receipt_url: "", cancellation_id: null },
      ] as never)[0]

    it("settles its ticket by amount instead of booking the entry again as external (a store's refund's Refund is tied, not doubled)", () => {
      const bound = ticket("t1", 1500, { cancellation_id: "cxl_A", refund_id: "ref_store" })
      expect(planSettlement({ history: [idLess()], tickets: [bound], booked: new Set() })).toEqual([
        { type: "complete", ticket_id: "t1", entry: idLess(), book: false },
      ])
    })

    it("settles the returned ticket it was bound to, not a younger waiting one of the same amount", () => {
      const returned = ticket("t1", 1500, { status: "returned", cancellation_id: "cxl_A" })
      const waiting = ticket("t2", 1500)
      expect(planSettlement({ history: [idLess()], tickets: [returned, waiting], booked: new Set() })).toEqual([
        { type: "complete", ticket_id: "t1", entry: idLess(), book: true },
      ])
    })

    it("stays bound while its entry still goes by its key: the other entry of that amount is external", () => {
      const bound = ticket("t1", 1500, { status: "returned", cancellation_id: "cxl_A" })
      const history = [
        { ...entry("cxl_B", 1500), position: 0 },
        { ...entry("cxl_A", 1500), position: 1 },
      ]
      expect(planSettlement({ history, tickets: [bound], booked: new Set() })).toEqual([
        { type: "external", entry: history[0] },
        { type: "complete", ticket_id: "t1", entry: history[1], book: true },
      ])
    })
  })
})
