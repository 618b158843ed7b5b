import { isBooked, isKnown } from "../cancellation"
import { DERIVED_KEY_PREFIX, keyedCancellations } from "../v1/cancel-history"

const entry = (extra: Record<string, unknown>) => ({
  pg_tid: "pw_tx",
  amount: 1500,
  cancelled_at: 1_700_000_000,
  reason: "console",
  ...extra,
})

describe("keyedCancellations: a ledger key per cancel_history entry", () => {
  it("keys an entry by its cancellation_id when i'mport gives one", () => {
    expect(keyedCancellations([entry({ cancellation_id: "c_1" })])[0]).toMatchObject({
      key: "c_1",
      cancellation_id: "c_1",
      position: 0,
    })
  })

  it("derives a key from the entry when cancellation_id is missing, empty or null", () => {
    const keys = keyedCancellations([
      entry({}),
      entry({ cancellation_id: "", amount: 700 }),
      entry({ cancellation_id: null, amount: 800 }),
    ]).map((e) => e.key)
    expect(keys.every((k) => k.startsWith(DERIVED_KEY_PREFIX))).toBe(true)
    expect(new Set(keys).size).toBe(3)
  })

  it("keeps two identical refunds apart, and the keys stable when the history is read again in another order", () => {
    const a = entry({ cancelled_at: 1 })
    const b = entry({ cancelled_at: 2 })
    const first = keyedCancellations([a, b, { ...a }]).map((e) => e.key)
    expect(new Set(first).size).toBe(3)
    const reordered = keyedCancellations([b, a, { ...a }]).map((e) => e.key)
    expect(new Set(reordered)).toEqual(new Set(first))
  })

  it("reads 1500 and 1500.0 as one amount", () => {
    expect(keyedCancellations([entry({ amount: 1500 })])[0].key).toBe(
      keyedCancellations([entry({ amount: "1500.0" })])[0].key
    )
  })

  it("keeps one key for an entry whose pg_tid i'mport fills in later", () => {
    const before = keyedCancellations([entry({ pg_tid: null }), entry({ pg_tid: null, cancelled_at: 5 })])
    const after = keyedCancellations([entry({ pg_tid: "pw_late" }), entry({ pg_tid: "pw_other", cancelled_at: 5 })])
    expect(after.map((e) => e.key)).toEqual(before.map((e) => e.key))
    expect(isBooked(after[0], new Set([before[0].key]))).toBe(true)
    expect(isBooked(after[1], new Set([before[0].key]))).toBe(false)
  })

  it("still books an entry under the key an earlier version derived with its pg_tid, as it was then and as it is now", () => {
    const [now] = keyedCancellations([entry({ pg_tid: "pw_late" })])
    expect(isBooked(now, new Set(["noid:1700000000:1500:pw_late:0"]))).toBe(true)
    expect(isBooked(now, new Set(["noid:1700000000:1500::0"]))).toBe(true)
    expect(isBooked(now, new Set(["noid:1700000000:1500:pw_other:0"]))).toBe(false)
  })

  it("never takes a new entry still waiting for its pg_tid for an older one of the same second and amount in a key list", () => {
    const [older, newer] = keyedCancellations([entry({ pg_tid: "pw_old" }), entry({ pg_tid: null })])
    expect(isKnown(newer, older.knownAs)).toBe(false)
    expect(isKnown(older, older.knownAs)).toBe(true)
  })
})
