import { mergeMetadata } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { CancellationEntry } from "../../../../lib/paymentwall/cancellation"
import { suspectApprovals } from "../../steps/suspect-rejections"
import { type FlagChange, flagChanges, flagsBefore, undoFlagChanges } from "../ticket-flags"

type Row = {
  id: string
  payment_id: string
  needs_attention: boolean
  error: string | null
  rejection_suspected_at: Date | null
  metadata: Record<string, unknown> | null
}

/** The module's two calls over rows kept as PostgreSQL would: metadata read back as a fresh copy each time. */
function store(rows: Row[]) {
  const byId = new Map(rows.map((r) => [r.id, structuredClone(r)]))
  const updates: Partial<Row>[][] = []
  const service = {
    listCancelTickets: async ({ id }: { id: string[] }) =>
      id.flatMap((i) => (byId.has(i) ? [structuredClone(byId.get(i)!)] : [])),
    updateCancelTickets: async (data: (Partial<Row> & { id: string })[]) => {
      updates.push(data)
      for (const { id, ...fields } of data) {
        const row = byId.get(id)!
        const patch = structuredClone(fields)
        // As Medusa's generated update does: metadata merged key by key, "" removing a key.
        if (patch.metadata) {
          patch.metadata = mergeMetadata(row.metadata ?? {}, patch.metadata)
        }
        byId.set(id, { ...row, ...patch })
      }
    },
  }
  const container = { resolve: () => service } as unknown as MedusaContainer
  return { container, row: (id: string) => byId.get(id)!, updates, set: (r: Row) => byId.set(r.id, r) }
}

const entry = (key: string): CancellationEntry => ({
  key,
  alias: `alias-${key}`,
  knownAs: [key, `alias-${key}`],
  names: [key, `alias-${key}`],
  cancellation_id: key,
  amount: 5000,
  status: "succeeded",
  reason: "other",
  trigger: "api",
  cancelled_at: 1_800_000_000,
  position: 0,
})

const ticket = (metadata: Record<string, unknown> | null): Row => ({
  id: "pwct_1",
  payment_id: "pay_1",
  needs_attention: false,
  error: null,
  rejection_suspected_at: null,
  metadata,
})

/** Flags the ticket as a suspected approval of `key`, as the settlement's step does; returns its compensation input. */
async function suspect(s: ReturnType<typeof store>, key: string): Promise<FlagChange[]> {
  const { changes } = await suspectApprovals(s.container, "pay_1", [{ ticket_id: "pwct_1", entry: entry(key) }])
  return JSON.parse(JSON.stringify(changes)) as FlagChange[]
}

describe("undoFlagChanges: a settlement's flag steps undone", () => {
  it("takes back a suspected approval's candidate and flags, giving back a null metadata", async () => {
    const s = store([ticket(null)])
    const changes = await suspect(s, "c1")
    expect(s.row("pwct_1").metadata).toMatchObject({ approval_candidate: { key: "c1" } })
    await undoFlagChanges(s.container, changes)
    expect(s.row("pwct_1")).toEqual(ticket(null))
  })

  it("removes the candidate it added from a metadata that holds other keys, which Medusa's update merges", async () => {
    const s = store([ticket({ history_before: ["k"] })])
    const changes = await suspect(s, "c1")
    await undoFlagChanges(s.container, changes)
    expect(s.row("pwct_1")).toEqual(ticket({ history_before: ["k"] }))
  })

  it("puts back the candidate it replaced, and leaves keys written since by others", async () => {
    const older = { key: "c0", amount: 1000, reason: null, cancelled_at: 1, since: "2026-12-01T00:00:00.000Z" }
    const s = store([{ ...ticket({ history_before: ["k"], approval_candidate: older }), needs_attention: true }])
    const changes = await suspect(s, "c1")
    s.set({ ...s.row("pwct_1"), metadata: { ...s.row("pwct_1").metadata, matched_by: "someone" } })
    await undoFlagChanges(s.container, changes)
    expect(s.row("pwct_1").metadata).toEqual({
      history_before: ["k"],
      approval_candidate: older,
      matched_by: "someone",
    })
    expect(s.row("pwct_1").error).toBeNull()
  })

  it("keeps a person's decision taken since: a declined candidate stays declined, changed flags stay", async () => {
    const s = store([ticket({ note: "x" })])
    const changes = await suspect(s, "c1")
    const { approval_candidate: _declined, ...rest } = s.row("pwct_1").metadata!
    s.set({
      ...s.row("pwct_1"),
      needs_attention: false,
      error: null,
      metadata: { ...rest, declined_approvals: ["c1"] },
    })
    const decided = structuredClone(s.row("pwct_1"))
    await undoFlagChanges(s.container, changes)
    expect(s.row("pwct_1")).toEqual(decided)
  })

  it("is idempotent: a second run writes nothing new", async () => {
    const s = store([ticket({ note: "x" })])
    const changes = await suspect(s, "c1")
    await undoFlagChanges(s.container, changes)
    const once = structuredClone(s.row("pwct_1"))
    const writes = s.updates.length
    await undoFlagChanges(s.container, changes)
    expect(s.row("pwct_1")).toEqual(once)
    expect(s.updates.length).toBe(writes)
  })

  it("a change of flags only never writes metadata", async () => {
    const s = store([ticket({ approval_candidate: { key: "c0" } })])
    const before = await flagsBefore(s.container, ["pwct_1"])
    s.set({ ...s.row("pwct_1"), needs_attention: true, error: "stale" })
    const changes = await flagChanges(s.container, before, ["pwct_1"])
    expect(changes).toHaveLength(1)
    expect(changes[0].candidate).toBeUndefined()
    await undoFlagChanges(s.container, changes)
    expect(s.updates.at(-1)).toEqual([
      { id: "pwct_1", needs_attention: false, error: null, rejection_suspected_at: null },
    ])
    expect(s.row("pwct_1").metadata).toEqual({ approval_candidate: { key: "c0" } })
  })
})
