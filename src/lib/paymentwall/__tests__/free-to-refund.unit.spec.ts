import { freeToRefund, refusalOf } from "../free-to-refund"
import type { PlanTicket } from "../settlement-plan"

const ticket = (id: string, amount: number, extra: Partial<PlanTicket> = {}): PlanTicket => ({
  id,
  status: "waiting_for_cancellation",
  amount,
  cancellation_id: null,
  refund_id: null,
  requested_at: new Date(Number(id.replace(/\D/g, "")) * 1000),
  waiting_since: null,
  rejection_suspected_at: null,
  sent_reason: "Refund requested in Medusa",
  history_before: [],
  ...extra,
})
const entry = (id: string, amount: number, reason = "Refund requested in Medusa") => ({
  pg_tid: "pw",
  amount,
  cancelled_at: 1,
  reason,
  cancellation_id: id,
})
const free = (
  cancel: { amount: number; cancel_amount: number; history?: ReturnType<typeof entry>[] },
  tickets: PlanTicket[],
  booked: string[] = []
) =>
  freeToRefund({
    iamport: { amount: cancel.amount, cancel_amount: cancel.cancel_amount, cancel_history: cancel.history ?? [] },
    tickets,
    booked: new Set(booked),
  })

describe("freeToRefund: what i'mport shows left, less what still waits at Paymentwall", () => {
  it("holds back every ticket still waiting, and nothing i'mport already settled", () => {
    const result = free({ amount: 50, cancel_amount: 0 }, [
      ticket("t1", 20),
      ticket("t2", 5, { status: "completed" }),
      ticket("t3", 7, { status: "rejected" }),
    ])
    expect([result.left.toNumber(), result.waiting.toNumber(), result.free.toNumber()]).toEqual([50, 20, 30])
    expect(result.waiting_ticket_ids).toEqual(["t1"])
  })

  it("counts an approval i'mport shows, whose notice is not processed yet, once: in cancel_amount, not as waiting", () => {
    const result = free({ amount: 50, cancel_amount: 19, history: [entry("c1", 19)] }, [ticket("t1", 19)])
    expect([result.left.toNumber(), result.waiting.toNumber(), result.free.toNumber()]).toEqual([31, 0, 31])
    expect(result.settled_ticket_ids).toEqual(["t1"])
  })

  it("counts a ticket bound to an entry i'mport shows (booked or not) as settled", () => {
    const result = free(
      { amount: 50, cancel_amount: 19, history: [entry("c1", 19)] },
      [ticket("t1", 19, { cancellation_id: "c1" })],
      ["c1"]
    )
    expect(result.free.toNumber()).toBe(31)
  })

  it("a ticket bound to a cancellation still requested or failed at the transport (as PortOne V2 lists them) still waits", () => {
    const neutral = (status: "requested" | "failed" | "succeeded") => ({
      key: "c1",
      alias: "noid:1:19:0",
      knownAs: ["c1"],
      names: ["c1"],
      cancellation_id: "c1",
      amount: 19,
      status,
      reason: "Refund requested in Medusa",
      trigger: "api" as const,
      cancelled_at: 1,
      position: 0,
    })
    const input = (status: "requested" | "failed" | "succeeded", cancel_amount: number) =>
      freeToRefund({
        iamport: { amount: 50, cancel_amount },
        tickets: [ticket("t1", 19, { cancellation_id: "c1" })],
        booked: new Set(),
        cancellations: [neutral(status)],
      })
    expect(input("requested", 0).waiting_ticket_ids).toEqual(["t1"])
    expect(input("failed", 0).free.toNumber()).toBe(31)
    expect(input("succeeded", 19).settled_ticket_ids).toEqual(["t1"])
  })

  it("a ticket a person closed frees nothing and reserves nothing: its entry is in cancel_amount already", () => {
    const closed = ticket("t1", 19, { status: "closed", cancellation_id: "c1" })
    const result = free(
      { amount: 50, cancel_amount: 19, history: [entry("c1", 19)] },
      [closed, ticket("t2", 10)],
      ["c1"]
    )
    expect([result.left.toNumber(), result.waiting.toNumber(), result.free.toNumber()]).toEqual([31, 10, 21])
    expect(result.waiting_ticket_ids).toEqual(["t2"])
  })

  it("keeps a ticket waiting, its amount reserved, while an entry with another reason may be its approval and it still fits", () => {
    const result = free({ amount: 50, cancel_amount: 19, history: [entry("c1", 19, "Customer called")] }, [
      ticket("t1", 19),
    ])
    // A person decides whether the entry is the ticket's approval; until then nothing more is free than if it were not.
    expect([result.free.toNumber(), result.waiting_ticket_ids]).toEqual([12, ["t1"]])
  })

  it("settles a ticket that no longer fits against the entry with another reason that took its place", () => {
    const result = free({ amount: 50, cancel_amount: 50, history: [entry("c1", 50, "Paymentwall refund approved")] }, [
      ticket("t1", 50),
    ])
    expect([result.free.toNumber(), result.settled_ticket_ids]).toEqual([0, ["t1"]])
  })

  it("holds back two tickets that do not both fit", () => {
    const result = free(
      { amount: 50, cancel_amount: 20, history: [entry("c0", 20, "Console")] },
      [ticket("t1", 20, { history_before: ["c0"] }), ticket("t2", 20, { history_before: ["c0"] })],
      ["c0"]
    )
    expect(result.free.toNumber()).toBe(-10)
    expect(refusalOf(1, "krw", result)).toContain("at most 0 is free")
  })

  it("says why a refund is refused, in the figures i'mport's console shows", () => {
    const result = free({ amount: 13000, cancel_amount: 0 }, [ticket("t1", 5000)])
    expect(refusalOf(8000, "krw", result)).toBeNull()
    expect(refusalOf(8001, "krw", result)).toBe(
      "Cannot refund 8001 KRW: i'mport shows 13000 left to refund, of which 5000 waits in Paymentwall cancellation tickets, so at most 8000 is free."
    )
  })

  it("keeps a waiting ticket reserved when the returned one it was bound to loses its id in i'mport's answers", () => {
    const idLess = { ...entry("", 1500), cancellation_id: null as unknown as string }
    const result = free({ amount: 13000, cancel_amount: 1500, history: [idLess] }, [
      ticket("t1", 1500, { status: "returned", cancellation_id: "cxl_A" }),
      ticket("t2", 1500),
    ])
    expect(result.waiting_ticket_ids).toEqual(["t2"])
    expect(result.free.toNumber()).toBe(13000 - 1500 - 1500)
  })
})
