import type { MedusaContainer } from "@medusajs/framework/types"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"

/** The fields a flag or a suspicion sets. */
type Flags = { needs_attention: boolean; error: string | null; rejection_suspected_at: Date | string | null }

/** One ticket's flags before and after a step set them: what its compensation may write back. */
export type FlagChange = { id: string; before: Flags; after: Flags }

async function flagsOf(container: MedusaContainer, ids: string[]): Promise<Map<string, Flags>> {
  if (!ids.length) {
    return new Map()
  }
  const tickets = await paymentwallModule(container).listCancelTickets(
    { id: ids },
    { select: ["id", "needs_attention", "error", "rejection_suspected_at"] }
  )
  return new Map(
    tickets.map(({ id, needs_attention, error, rejection_suspected_at }) => [
      id,
      { needs_attention, error, rejection_suspected_at },
    ])
  )
}

/** The flags of these tickets now, to be paired with what a step sets (see flagChanges). */
export const flagsBefore = flagsOf

/** What a step changed on these tickets, read back after it wrote. */
export async function flagChanges(
  container: MedusaContainer,
  before: Map<string, Flags>,
  changed: string[]
): Promise<FlagChange[]> {
  const after = await flagsOf(container, changed)
  return changed.flatMap((id) =>
    before.has(id) && after.has(id) ? [{ id, before: before.get(id)!, after: after.get(id)! }] : []
  )
}

/**
 * A compensation: writes back what a step changed, on the tickets that still carry exactly what it wrote. A ticket
 * someone else flagged since (a lost answer's warning, an admin's decision) keeps their word.
 */
export async function undoFlagChanges(container: MedusaContainer, changes: FlagChange[]): Promise<void> {
  const now = await flagsOf(
    container,
    changes.map((c) => c.id)
  )
  const untouched = changes.filter((c) => {
    const current = now.get(c.id)
    return !!current && sameFlags(current, c.after)
  })
  if (untouched.length) {
    await paymentwallModule(container).updateCancelTickets(
      untouched.map(({ id, before }) => ({
        id,
        needs_attention: before.needs_attention,
        error: before.error,
        rejection_suspected_at: before.rejection_suspected_at ? new Date(before.rejection_suspected_at) : null,
      }))
    )
  }
}

function sameFlags(a: Flags, b: Flags): boolean {
  const time = (d: Date | string | null) => (d ? new Date(d).getTime() : null)
  return (
    a.needs_attention === b.needs_attention &&
    a.error === b.error &&
    time(a.rejection_suspected_at) === time(b.rejection_suspected_at)
  )
}
