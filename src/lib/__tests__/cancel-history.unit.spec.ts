import { DERIVED_KEY_PREFIX, keyedCancellations } from "../cancel-history"

const entry = (extra: Record<string, unknown>) => ({ pg_tid: "pw_tx", amount: 1500, cancelled_at: 1_700_000_000, reason: "console", ...extra })

describe("keyedCancellations: a ledger key per cancel_history entry", () => {
  it("keys an entry by its cancellation_id when i'mport gives one", () => {
    expect(keyedCancellations([entry({ cancellation_id: "c_1" })])[0]).toMatchObject({ key: "c_1", cancellation_id: "c_1", position: 0 })
  })

  it("derives a key from the entry when cancellation_id is missing, empty or null", () => {
    const keys = keyedCancellations([entry({}), entry({ cancellation_id: "", amount: 700 }), entry({ cancellation_id: null, amount: 800 })]).map((e) => e.key)
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
    expect(keyedCancellations([entry({ amount: 1500 })])[0].key).toBe(keyedCancellations([entry({ amount: "1500.0" })])[0].key)
  })
})
