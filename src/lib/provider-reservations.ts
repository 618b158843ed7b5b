import { container as appContainer } from "@medusajs/framework"
import { claimInFlightSql } from "./claim-liveness"
import { type PaymentOfSession, paymentOfSession } from "./order-payments"
import { generateEntityId, MedusaError } from "@medusajs/framework/utils"
import { historyKeys } from "./paymentwall/payment-data"
import { type FreeToRefund, freeToRefund, refusalOf } from "./paymentwall/free-to-refund"
import type { IamportPayment } from "./iamport/types"
import { planTicketOf, type TicketRow } from "./paymentwall/settlement-plan"
import { type CancellationStatus, DONE_CANCELLATION_STATUSES } from "../modules/iamport-paymentwall/models/cancellation"

/** The part of Knex the gate uses: statements with bound values, and a transaction that runs them on one connection. */
type Statements = { raw(sql: string, bindings?: readonly unknown[]): PromiseLike<{ rows: Record<string, unknown>[] }> }
export type GateConnection = Statements & { transaction<T>(work: (trx: Statements) => Promise<T>): Promise<T> }

export type GateRequest = {
  /** Medusa's payment session behind the merchant_uid (the payment row is found by it). */
  session_id: string
  /** i'mport's payment, read just now: its balance is the one the cancel's checksum names. */
  iamport: IamportPayment
  /** Medusa's refund id, or the payment id for a void: one ticket per key, whatever Medusa retries. */
  key: string
  amount: number
  currency: string
  reason: string
  /** The Refund Medusa booked before asking (refundPayment), or null (cancelPayment books none). */
  refund_id: string | null
  /** How long a settlement's ledger claim may still be booking (the provider's lock lifetime), in seconds. */
  lease_seconds: number
}

export type Reservation =
  /** A ticket now holds the amount; send the cancel, then say what became of it. */
  | { kind: "reserved"; ticket_id: string; free: FreeToRefund; history_before: string[] }
  /** This key was asked for already (a ticket that i'mport did not refuse): never ask twice. */
  | { kind: "known"; ticket_id: string }

export type TicketOutcome =
  | { kind: "waiting"; history_before: string[]; cancellation_id: string | null }
  | { kind: "unanswered"; history_before: string[]; error: string }
  | { kind: "failed"; error: string }

/**
 * The money gate, as the provider reaches it. Medusa hands a payment provider only its own module's container
 * (the payment module's: its services, the logger and the shared database connection `__pg_connection__`), never a
 * plugin's module or the locking module, and other paths (an order cancel's guard, a settlement's booking) hold the
 * payment's Medusa lock while they call the provider. So the provider reserves with plain SQL on one connection:
 * in one transaction, under a PostgreSQL advisory lock per i'mport payment (shared by every process, and never
 * waiting on the payment row Medusa 2.21 locks while it saves the Refund, before it calls the provider), it reads
 * the payment's tickets and ledger, decides what is free (lib/free-to-refund), and saves the ticket before i'mport
 * hears of it. The admin's path reads the tickets under the same lock after saving its own (ticketsLocked), so of
 * two requests at once the later one always sees the other. The Medusa payment and its order are read through
 * Medusa's query (never core's tables); only the plugin's own tables are read and written here with SQL.
 */
/** A payment's tickets, with the columns the plan reads (lib/settlement-plan's TicketRow). */
const TICKETS_OF = `select id, status, origin, amount, reason, cancellation_id, refund_id, requested_at, waiting_since, rejection_suspected_at, metadata
  from iamport_pw_cancel_ticket where imp_uid = ? and deleted_at is null`

export class ProviderReservations {
  constructor(
    private readonly pg: GateConnection,
    /** Medusa's payment behind a session and its order, read through Medusa's query (lib/order-payments). */
    private readonly paymentOf: (sessionId: string) => Promise<PaymentOfSession>
  ) {}

  async reserve(request: GateRequest): Promise<Reservation> {
    const reservation = await this.reserveLocked(request)
    if (reservation.kind === "unrecorded") {
      // Saved, and then nothing recorded: the process died before or after i'mport heard of it. Never send twice,
      // and never report as done what may never have been sent: a person checks i'mport's console.
      const error =
        "An earlier request under this key was saved and then nothing was recorded: it may or may not have reached i'mport."
      await this.pg.raw(
        "update iamport_pw_cancel_ticket set needs_attention = true, error = coalesce(error, ?), updated_at = now() where id = ?",
        [error, reservation.ticket_id]
      )
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `${error} Check the payment's cancel requests in the i'mport console, then dismiss or retry ticket ${reservation.ticket_id}.`
      )
    }
    return reservation
  }

  private async reserveLocked(request: GateRequest): Promise<Reservation | { kind: "unrecorded"; ticket_id: string }> {
    const payment = await this.paymentOf(request.session_id)
    const impUid = request.iamport.imp_uid
    return this.pg.transaction(async (trx) => {
      await trx.raw("select pg_advisory_xact_lock(hashtext(?))", [`iamport-paymentwall:${impUid}`])
      const { rows } = await trx.raw(TICKETS_OF, [impUid])
      const tickets = rows as unknown as (TicketRow & {
        metadata: { request_key?: string; outcome_recorded?: boolean } | null
      })[]
      const known = tickets.find(
        (t) => t.metadata?.request_key === request.key && t.status !== "failed" && t.status !== "rejected"
      )
      if (known) {
        const unrecorded = known.status === "requested" && !known.metadata?.outcome_recorded
        return { kind: unrecorded ? "unrecorded" : "known", ticket_id: known.id }
      }
      const alive = claimInFlightSql(request.lease_seconds)
      const { rows: ledger } = await trx.raw(
        `select key, alias, status, refund_id, ${alive.sql} as in_flight from iamport_pw_cancellation where imp_uid = ? and deleted_at is null`,
        [...alive.bindings, impUid]
      )
      // A settlement books a cancellation i'mport already shows through this provider too (record-only): while one is
      // claimed and its booking alive, a cancel sent now could be that booking with its marker lost. Wait for it.
      if (ledger.some((row) => row.in_flight === true && !row.refund_id)) {
        throw new MedusaError(
          MedusaError.Types.CONFLICT,
          "A cancellation of this payment is being booked right now; nothing was sent to i'mport. Try again in a moment."
        )
      }
      const booked = new Set(
        ledger
          .filter((row) => DONE_CANCELLATION_STATUSES.includes(row.status as CancellationStatus))
          .flatMap((row) => [row.key, row.alias])
          .filter((k): k is string => typeof k === "string")
      )
      const free = freeToRefund({ iamport: request.iamport, tickets: tickets.map(planTicketOf), booked })
      const refusal = refusalOf(request.amount, request.currency, free)
      if (refusal) {
        throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `${refusal} Nothing was sent to i'mport.`)
      }
      // Every cancellation known now existed before this request and can never be its own (see planSettlement).
      const historyBefore = [
        ...new Set([
          ...historyKeys(request.iamport),
          ...ledger.flatMap((row) => [row.key, row.alias]).filter((k): k is string => typeof k === "string"),
        ]),
      ]
      const id = generateEntityId(undefined, "pwct")
      const now = new Date()
      await trx.raw(
        `insert into iamport_pw_cancel_ticket
           (id, payment_id, provider_id, order_id, imp_uid, merchant_uid, amount, raw_amount, currency_code, origin, status,
            reason, refund_id, needs_attention, requested_at, metadata, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, 'requested', ?, ?, false, ?, ?::jsonb, ?, ?)`,
        [
          id,
          payment.id,
          payment.provider_id,
          payment.order_id,
          impUid,
          request.iamport.merchant_uid,
          String(request.amount),
          JSON.stringify({ value: String(request.amount), precision: 20 }),
          request.currency.toLowerCase(),
          // A refund without an order is a checkout Medusa undid; settlement names an order's cancel once it sees it.
          payment.order_id ? "admin" : "compensation",
          request.reason,
          request.refund_id,
          now,
          JSON.stringify({
            request_key: request.key,
            via_provider: true,
            booked_by_medusa_before_settlement: !!request.refund_id,
            history_before: historyBefore,
          }),
          now,
          now,
        ]
      )
      return { kind: "reserved", ticket_id: id, free, history_before: historyBefore }
    })
  }

  /**
   * What became of the request: the ticket waits at Paymentwall, got no answer (and may have been accepted), or
   * failed. A failure is recorded only on a ticket still `requested` and tied to no cancellation; false when a
   * settlement meanwhile settled it against a cancellation i'mport shows (its Refund must then stand).
   */
  async record(ticketId: string, outcome: TicketOutcome): Promise<boolean> {
    const now = new Date()
    if (outcome.kind === "failed") {
      // Medusa deletes its Refund when the provider throws: the ticket keeps no refund, so nothing books twice.
      const { rows } = await this.pg.raw(
        `update iamport_pw_cancel_ticket set status = 'failed', error = ?, refund_id = null, settled_at = ?, updated_at = ?
          where id = ? and status = 'requested' and cancellation_id is null returning id`,
        [outcome.error, now, now, ticketId]
      )
      return rows.length > 0
    }
    const metadata = `jsonb_set(jsonb_set(coalesce(metadata, '{}'::jsonb), '{history_before}', ?::jsonb), '{outcome_recorded}', 'true'::jsonb)`
    const history = JSON.stringify(outcome.history_before)
    if (outcome.kind === "unanswered") {
      await this.pg.raw(
        `update iamport_pw_cancel_ticket set needs_attention = true, error = ?, updated_at = ?, metadata = ${metadata} where id = ?`,
        [outcome.error, now, history, ticketId]
      )
      return true
    }
    // i'mport's answer names the cancellation, unless a settlement already tied it to another ticket (one per payment).
    await this.pg.raw(
      `update iamport_pw_cancel_ticket t set status = 'waiting_for_cancellation', waiting_since = ?, last_checked_at = ?, updated_at = ?,
         cancellation_id = coalesce(
           (select ?::text where not exists (
              select 1 from iamport_pw_cancel_ticket o where o.payment_id = t.payment_id and o.cancellation_id = ? and o.deleted_at is null)),
           t.cancellation_id),
         metadata = ${metadata}
       where id = ? and status = 'requested'`,
      [now, now, now, outcome.cancellation_id, outcome.cancellation_id, history, ticketId]
    )
    return true
  }

  /**
   * The provider's record-only booking takes the settlement's claim on the ledger row for itself, atomically: of two
   * refunds that both read the marker, only the one that gets the row records; the other is refused, so one
   * cancellation is never booked by two Refunds.
   */
  async takeClaim(impUid: string, key: string, refundId: string, claimOwner?: string): Promise<boolean> {
    // A marker that names its booking's claim is honoured only while that booking holds it: one taken over (its
    // process froze and woke) records nothing, so the takeover's booking is the only one.
    const { rows } = await this.pg.raw(
      `update iamport_pw_cancellation set refund_id = ?, updated_at = now()
        where imp_uid = ? and (key = ? or alias = ?) and status = 'claimed' and refund_id is null and deleted_at is null
          ${claimOwner === undefined ? "" : "and claim_owner = ?"} returning id`,
      [refundId, impUid, key, key, ...(claimOwner === undefined ? [] : [claimOwner])]
    )
    return rows.length > 0
  }

  /** The payment's tickets, read under the gate's lock: after the caller saved its own, so a gate at work is seen. */
  async ticketsLocked(impUid: string): Promise<TicketRow[]> {
    return this.pg.transaction(async (trx) => {
      await trx.raw("select pg_advisory_xact_lock(hashtext(?))", [`iamport-paymentwall:${impUid}`])
      const { rows } = await trx.raw(TICKETS_OF, [impUid])
      return rows as unknown as TicketRow[]
    })
  }
}

/** The gate on the database the payment module was given; refunds are refused, not sent unchecked, without one. */
export function providerReservations(container: Record<string, unknown>): ProviderReservations {
  let pg: unknown
  try {
    pg = container.__pg_connection__
  } catch {
    pg = undefined
  }
  if (!pg || typeof (pg as GateConnection).transaction !== "function") {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      "The iamport-paymentwall provider cannot reach the database connection Medusa gives the payment module (__pg_connection__), " +
        "so it cannot check what is free to refund; nothing was sent to i'mport."
    )
  }
  // A provider gets only its module's container, which has no query; Medusa registers query on the application's
  // container, the one @medusajs/framework exports (a peer dependency: one copy per store), once its modules are up.
  return new ProviderReservations(pg as GateConnection, (sessionId) => paymentOfSession(appContainer, sessionId))
}
