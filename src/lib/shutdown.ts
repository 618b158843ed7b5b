import { MedusaError } from "@medusajs/framework/utils"

/**
 * Whether this process is shutting down. The plugin's module sets it from Medusa's prepare-shutdown hook (before the
 * event bus waits for its running subscribers, and before the database pool closes) and clears it on start.
 *
 * Why: a notice's settlement may wait for the payment's lock for up to two minutes. Without this, a waiter went on
 * waiting through the shutdown and then reached for a database that was gone: Knex's "Timeout acquiring a
 * connection. The pool is probably full" two minutes later, and a test teardown (or a worker's SIGTERM) held up
 * as long. A waiter now stops at once and throws, so the event bus retries the notice elsewhere or after the restart,
 * and the settlement job sweeps what is left.
 */
let closing = false

export function markShuttingDown(value: boolean): void {
  closing = value
}

export function isShuttingDown(): boolean {
  return closing
}

/** Thrown by work that did not start because the process is going away: a transient failure, retried. */
export function shuttingDownError(what: string): MedusaError {
  return new MedusaError(
    MedusaError.Types.UNEXPECTED_STATE,
    `${what} not started: this process is shutting down. A retry or the settlement job will do it.`
  )
}
