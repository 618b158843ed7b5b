import type { MedusaContainer } from "@medusajs/framework/types"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"

/** The fields a flag or a suspicion sets. */
type Flags = { needs_attention: boolean; error: string | null; rejection_suspected_at: Date | string | null }

/** A ticket's metadata.approval_candidate (see suspectApprovals): null when the key is absent. */
type Candidate = { value: unknown } | null

/** What a step may set on a ticket, as read: the flags and the approval candidate in its metadata. */
export type TicketFlags = { flags: Flags; candidate: Candidate; metadata: Record<string, unknown> | null }

/**
 * One ticket's flags before and after a step set them: what its compensation may write back. `candidate` only when
 * the step also changed the approval candidate; `metadata_was_null` so an undo can give back a null metadata exactly.
 */
export type FlagChange = {
  id: string
  before: Flags
  after: Flags
  candidate?: { before: Candidate; after: Candidate; metadata_was_null: boolean }
}

async function flagsOf(container: MedusaContainer, ids: string[]): Promise<Map<string, TicketFlags>> {
  if (!ids.length) {
    return new Map()
  }
  const tickets = await paymentwallModule(container).listCancelTickets(
    { id: ids },
    { select: ["id", "needs_attention", "error", "rejection_suspected_at", "metadata"] }
  )
  return new Map(
    tickets.map(({ id, needs_attention, error, rejection_suspected_at, metadata }) => {
      const meta = metadata ?? null
      const candidate = meta && "approval_candidate" in meta ? { value: meta.approval_candidate } : null
      return [id, { flags: { needs_attention, error, rejection_suspected_at }, candidate, metadata: meta }]
    })
  )
}

/** The flags of these tickets now, to be paired with what a step sets (see flagChanges). */
export const flagsBefore = flagsOf

/** What a step changed on these tickets, read back after it wrote. */
export async function flagChanges(
  container: MedusaContainer,
  before: Map<string, TicketFlags>,
  changed: string[]
): Promise<FlagChange[]> {
  const after = await flagsOf(container, changed)
  return changed.flatMap((id) => {
    const was = before.get(id)
    const is = after.get(id)
    if (!was || !is) {
      return []
    }
    const candidate = sameJson(was.candidate, is.candidate)
      ? {}
      : { candidate: { before: was.candidate, after: is.candidate, metadata_was_null: was.metadata === null } }
    return [{ id, before: was.flags, after: is.flags, ...candidate }]
  })
}

/**
 * A compensation: writes back what a step changed, each part (the flags; the approval candidate) only where the
 * ticket still carries exactly what the step wrote. A ticket someone else flagged or decided since (a lost answer's
 * warning, an admin's decision) keeps their word; the rest of its metadata is left as it is now. Running it again
 * finds nothing of the step's left, so it writes nothing new.
 */
export async function undoFlagChanges(container: MedusaContainer, changes: FlagChange[]): Promise<void> {
  const now = await flagsOf(
    container,
    changes.map((c) => c.id)
  )
  const updates = changes.flatMap(({ id, before, after, candidate }) => {
    const current = now.get(id)
    if (!current) {
      return []
    }
    const flags = sameFlags(current.flags, after)
      ? {
          needs_attention: before.needs_attention,
          error: before.error,
          rejection_suspected_at: before.rejection_suspected_at ? new Date(before.rejection_suspected_at) : null,
        }
      : null
    const metadata =
      candidate && sameJson(current.candidate, candidate.after)
        ? { metadata: withCandidate(current.metadata, candidate.before, candidate.metadata_was_null) }
        : null
    return flags || metadata ? [{ id, ...flags, ...metadata }] : []
  })
  if (updates.length) {
    await paymentwallModule(container).updateCancelTickets(updates)
  }
}

/**
 * The metadata write that puts back only the approval candidate. Medusa's generated update merges metadata key by key
 * (a key left out stays; only "" removes one), so the patch names the one key and never rewrites the others, which
 * may have changed since they were read. A metadata that was null and holds nothing else goes back to null.
 */
function withCandidate(
  metadata: Record<string, unknown> | null,
  candidate: Candidate,
  wasNull: boolean
): Record<string, unknown> | null {
  if (candidate) {
    return { approval_candidate: candidate.value }
  }
  const others = Object.keys(metadata ?? {}).filter((key) => key !== "approval_candidate")
  return wasNull && !others.length ? null : { approval_candidate: "" }
}

/** Equal JSON values, whatever their keys' order (jsonb reorders them) or where the objects were built. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b || a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    return a === b
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]))
  }
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const keys = Object.keys(x).filter((k) => x[k] !== undefined)
  return (
    keys.length === Object.keys(y).filter((k) => y[k] !== undefined).length &&
    keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && sameJson(x[k], y[k]))
  )
}

function sameFlags(a: Flags, b: Flags): boolean {
  const time = (d: Date | string | null) => (d ? new Date(d).getTime() : null)
  return (
    a.needs_attention === b.needs_attention &&
    a.error === b.error &&
    time(a.rejection_suspected_at) === time(b.rejection_suspected_at)
  )
}
