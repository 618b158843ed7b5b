import { bookedKeys, type Cancellation } from "../ledger"

const row = (key: string, status: Cancellation["status"], alias: string | null = null) =>
  ({ id: key, key, alias, status }) as Cancellation

describe("bookedKeys: the rows nothing books again", () => {
  it("names booked and closed rows under key and alias, and never a claimed or blocked one", () => {
    const rows = [row("k1", "booked", "a1"), row("k2", "closed", "a2"), row("k3", "blocked"), row("k4", "claimed")]
    const ledger = new Map(rows.flatMap((r) => [[r.key, r], ...(r.alias ? [[r.alias, r] as const] : [])]))
    expect([...bookedKeys(ledger)].sort()).toEqual(["a1", "a2", "k1", "k2"])
  })
})
