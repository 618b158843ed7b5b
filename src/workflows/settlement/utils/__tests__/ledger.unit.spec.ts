import { bookedKeys, type Cancellation, withLedgerNames } from "../ledger"
import { keyedCancellations } from "../../../../lib/paymentwall/v1/cancel-history"

const row = (key: string, status: Cancellation["status"], alias: string | null = null) =>
  ({ id: key, key, alias, status }) as Cancellation

describe("bookedKeys: the rows nothing books again", () => {
  it("names booked and closed rows under key and alias, and never a claimed or blocked one", () => {
    const rows = [row("k1", "booked", "a1"), row("k2", "closed", "a2"), row("k3", "blocked"), row("k4", "claimed")]
    const ledger = new Map(rows.flatMap((r) => [[r.key, r], ...(r.alias ? [[r.alias, r] as const] : [])]))
    expect([...bookedKeys(ledger)].sort()).toEqual(["a1", "a2", "k1", "k2"])
  })
})

describe("withLedgerNames: an entry as the ledger knows it", () => {
  const history = (id: string | null) =>
    keyedCancellations([
      { amount: 1500, cancelled_at: 1765000000, reason: "Call", pg_tid: "tid", receipt_url: "", cancellation_id: id },
    ] as never)

  it("adds the key a row was written under when i'mport's answer now leaves the id out", () => {
    const [withId] = history("cxl_A")
    const [withoutId] = history(null)
    expect(withoutId.names).not.toContain("cxl_A")
    const written = row("cxl_A", "blocked", withId.alias)
    const ledger = new Map([
      [written.key, written],
      [withId.alias, written],
    ])
    expect(withLedgerNames([withoutId], ledger)[0].names).toEqual([...withoutId.names, "cxl_A"])
    // An entry the ledger has no row of, or one it already names, is left as it is.
    expect(withLedgerNames([withoutId], new Map())[0]).toBe(withoutId)
    expect(withLedgerNames([withId], ledger)[0]).toBe(withId)
  })
})
