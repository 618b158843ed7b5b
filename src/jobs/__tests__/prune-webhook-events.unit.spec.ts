import { pruneWebhookEvents, type WebhookInbox } from "../prune-webhook-events"

type Row = { id: string; received_at: Date }
type Filter = { received_at: { $lt: Date } }
type Config = { take: number; select: string[]; withDeleted: boolean }

/** An inbox table in memory that answers the service's list/delete the way the pruning calls them. */
function inbox(rows: Row[]) {
  const table = [...rows]
  const lists: number[] = []
  const deletes: number[] = []
  const fake = {
    listWebhookEvents: async (filter: Filter, config: Config) => {
      const found = table
        .filter((r) => r.received_at < filter.received_at.$lt)
        .sort((a, b) => a.received_at.getTime() - b.received_at.getTime())
        .slice(0, config.take)
      lists.push(found.length)
      return found.map((r) => ({ id: r.id }))
    },
    deleteWebhookEvents: async (ids: string[]) => {
      deletes.push(ids.length)
      for (const id of ids) {
        table.splice(
          table.findIndex((r) => r.id === id),
          1
        )
      }
    },
  }
  return { service: fake as unknown as WebhookInbox, table, lists, deletes }
}

const day = 86_400_000
const now = Date.parse("2026-12-01T00:00:00Z")
const rows = (count: number, ageDays: number, prefix: string): Row[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    received_at: new Date(now - ageDays * day - i * 1000),
  }))

describe("pruning the webhook inbox", () => {
  it("deletes only rows older than the cutoff, in batches, and counts them", async () => {
    const { service, table, lists, deletes } = inbox([...rows(7, 40, "old"), ...rows(3, 2, "new")])
    const removed = await pruneWebhookEvents(service, new Date(now - 30 * day), 3)
    expect(removed).toBe(7)
    expect(deletes).toEqual([3, 3, 1])
    expect(lists).toEqual([3, 3, 1])
    expect(table.map((r) => r.id).sort()).toEqual(["new0", "new1", "new2"])
  })

  it("asks once more after a full last batch, and stops on an empty answer", async () => {
    const { service, lists, deletes } = inbox(rows(4, 40, "old"))
    expect(await pruneWebhookEvents(service, new Date(now - 30 * day), 2)).toBe(4)
    expect(lists).toEqual([2, 2, 0])
    expect(deletes).toEqual([2, 2])
  })

  it("does nothing on a young table", async () => {
    const { service, deletes } = inbox(rows(5, 1, "new"))
    expect(await pruneWebhookEvents(service, new Date(now - 30 * day))).toBe(0)
    expect(deletes).toEqual([])
  })
})
