import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type { CancellationEntry } from "../../../lib/paymentwall/cancellation"
import { claimInFlightSql } from "../../../lib/claim-liveness"
import { pgConnection } from "../../../lib/pg-connection"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { type Cancellation, isDone, ledgerOf, rowOf } from "./ledger"
import type { PaymentState } from "./payment-state"

/*
 * The ledger's claims: which booking holds a row, whether it is alive (lib/claim-liveness.ts), and the writes a
 * booking makes to its row only while it still holds it.
 */

/**
 * Claims an entry's ledger row before booking it, in the name of `owner` (one random id per booking). The unique
 * index on (imp_uid, key) refuses a second row, so two processes that race past the lock still meet here; the loser
 * reads the winner's row. Taking an existing row is a compare-and-set on what was read (status and owner), refused
 * while its booking is alive (lib/claim-liveness.ts): of two settlements that read it at once, one takes it. A row
 * whose booking died is taken at once and renamed, so the dead booking's writes no longer land. Returns the row as it
 * is now: `booked` or `closed` means there is nothing to do; `in_flight` that another booking holds it.
 */
export async function claimCancellation(
  container: MedusaContainer,
  state: PaymentState,
  impUid: string,
  ticketId: string,
  entry: CancellationEntry,
  claim: {
    owner: string
    /** The payment lock's whole lifetime: how long a claim that reached Medusa (or an old one) counts as alive. */
    leaseSeconds: number
    /** Take the row even from a live booking: only to tie an existing Refund to its entry. */
    takeAny?: boolean
  }
): Promise<{ row: Cancellation; resumed: boolean; in_flight?: boolean }> {
  const service = paymentwallModule(container)
  const existing = rowOf(await ledgerOf(container, impUid), entry)
  if (existing) {
    if (isDone(existing)) {
      return { row: existing, resumed: false }
    }
    const alive = claimInFlightSql(claim.leaseSeconds)
    const { rowCount } = await pgConnection(container).raw(
      `update iamport_pw_cancellation
          set status = 'claimed', ticket_id = ?, claim_owner = ?, heartbeat_at = now(), booking_at = null, attempts = attempts + 1,
              claimed_at = case when status = 'blocked' then now() else claimed_at end, updated_at = now()
        where id = ? and status = ? and claim_owner is not distinct from ? and deleted_at is null
          ${claim.takeAny ? "" : `and not ${alive.sql}`}`,
      [
        ticketId,
        claim.owner,
        existing.id,
        existing.status,
        existing.claim_owner ?? null,
        ...(claim.takeAny ? [] : alive.bindings),
      ]
    )
    const [row] = await service.listCancellations({ id: existing.id })
    if (!rowCount) {
      // Alive, or changed since it was read: its holder finishes it (or a later run takes it once it is dead).
      return isDone(row) ? { row, resumed: false } : { row, resumed: false, in_flight: true }
    }
    // A claimed row taken here is a booking that died half-way: its Refund may exist.
    return { row, resumed: existing.status === "claimed" }
  }
  let row: Cancellation
  try {
    row = await service.createCancellations({
      imp_uid: impUid,
      payment_id: state.id,
      key: entry.key,
      alias: entry.alias,
      cancellation_id: entry.cancellation_id,
      position: entry.position,
      amount: entry.amount,
      currency_code: state.currency_code,
      cancelled_at: entry.cancelled_at ? new Date(entry.cancelled_at * 1000) : null,
      ticket_id: ticketId,
      status: "claimed",
      claim_owner: claim.owner,
      attempts: 1,
      claimed_at: new Date(),
    })
  } catch (error) {
    const raced = rowOf(await ledgerOf(container, impUid), entry)
    if (!raced) {
      throw error
    }
    // Another process inserted it a moment ago: its booking is in flight, or done.
    return isDone(raced) ? { row: raced, resumed: false } : { row: raced, resumed: false, in_flight: true }
  }
  // The first beat, on the database's clock (until it lands, a claim counts as alive for CLAIM_STALE_SECONDS).
  await beatClaim(container, row.id, claim.owner)
  return { row, resumed: false }
}

/**
 * Whether the booking that set a record-only marker is still running: its claim is still its own and alive. A marker
 * from before claims named their owner counts as running for a lock's lifetime after it was set, as before.
 */
export async function markerBookingInFlight(
  container: MedusaContainer,
  impUid: string,
  marker: { cancellation_id: string; set_at?: string; claim_owner?: string },
  leaseSeconds: number
): Promise<boolean> {
  if (typeof marker.claim_owner !== "string") {
    return Date.now() - new Date(marker.set_at ?? 0).getTime() < leaseSeconds * 1000
  }
  const alive = claimInFlightSql(leaseSeconds)
  const { rows } = await pgConnection(container).raw(
    `select ${alive.sql} as in_flight from iamport_pw_cancellation
      where imp_uid = ? and (key = ? or alias = ?) and claim_owner = ? and deleted_at is null`,
    [...alive.bindings, impUid, marker.cancellation_id, marker.cancellation_id, marker.claim_owner]
  )
  return rows?.[0]?.in_flight === true
}

/**
 * Renews a claim's heartbeat on the database's clock, only while `owner` still holds it: false means another
 * settlement took the claim over (this booking was thought dead) and this one must not write. `entering` also records
 * that the booking now enters Medusa's refund workflow (lib/claim-liveness.ts).
 */
export async function beatClaim(
  container: MedusaContainer,
  rowId: string,
  owner: string,
  entering = false
): Promise<boolean> {
  const { rowCount } = await pgConnection(container).raw(
    `update iamport_pw_cancellation set heartbeat_at = now()${entering ? ", booking_at = coalesce(booking_at, now())" : ""}
      where id = ? and claim_owner = ? and status = 'claimed' and deleted_at is null`,
    [rowId, owner]
  )
  return (rowCount ?? 0) > 0
}

/** A booking's write to its claimed row, only while it still holds the claim; a CONFLICT once it was taken over. */
export async function writeOwnClaim(
  container: MedusaContainer,
  row: Cancellation,
  owner: string,
  set: string,
  values: unknown[]
): Promise<void> {
  const { rowCount } = await pgConnection(container).raw(
    `update iamport_pw_cancellation set ${set}, updated_at = now() where id = ? and claim_owner = ? and status = 'claimed' and deleted_at is null`,
    [...values, row.id, owner]
  )
  if (!rowCount) {
    throw new MedusaError(
      MedusaError.Types.CONFLICT,
      `The claim on ledger row ${row.id} was taken over by another settlement while this one was slow; it changed nothing more.`
    )
  }
}

/** Booked to `refundId`; with `owner`, only while that booking still holds the claim (a CONFLICT otherwise). */
export async function markBooked(
  container: MedusaContainer,
  row: Cancellation,
  refundId: string,
  owner?: string
): Promise<void> {
  if (owner) {
    await writeOwnClaim(
      container,
      row,
      owner,
      "status = 'booked', refund_id = ?, blocked_reason = null, booked_at = now()",
      [refundId]
    )
    return
  }
  await paymentwallModule(container).updateCancellations({
    id: row.id,
    status: "booked",
    refund_id: refundId,
    blocked_reason: null,
    booked_at: new Date(),
  })
}

/** Medusa refused the booking for now; only while `owner`'s booking still holds the claim (a CONFLICT otherwise). */
export async function markBlocked(
  container: MedusaContainer,
  row: Cancellation,
  reason: string,
  owner: string
): Promise<void> {
  await writeOwnClaim(container, row, owner, "status = 'blocked', blocked_reason = ?", [reason.slice(0, 1000)])
}
