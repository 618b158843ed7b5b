import { randomBytes } from "node:crypto"
import fs from "node:fs"
import { newControlToken } from "./control-auth"
import { SandboxState, nowSeconds, type SavedState } from "./state"
import { WebhookDispatcher, type WebhookConfig } from "./webhooks"

export type SandboxOptions = {
  /** 0 picks a free port. */
  port?: number
  /** Loopback by default: the sandbox is for one machine. */
  host?: string
  impKey?: string
  impSecret?: string
  /** i'mport's token lifetime: 30 minutes. */
  tokenLifetimeSec?: number
  webhook?: Partial<WebhookConfig>
  /** Paymentwall settles each ticket by itself after this long (null: only when told to, through /sandbox). */
  ticketSettleAfterMs?: number | null
  ticketAutoResult?: "approved" | "rejected"
  /** Send a notification when Paymentwall rejects a ticket (status unchanged, no cancellation_id). */
  rejectionWebhook?: boolean
  /**
   * "ticket" (default): a cancel on a Paymentwall payment opens a ticket. "immediate": i'mport settles it in the
   * answer, as for other PGs (and as a same-day void may be): the path where cancel_history grows at once.
   */
  cancelMode?: "ticket" | "immediate"
  /**
   * The reason i'mport writes on the cancel_history entry of a ticket Paymentwall approved: "request" (default), the
   * reason the cancel was asked with; "own", one of its own. Not yet seen on the live API, so the plugin must keep its
   * invariants in both worlds.
   */
  approvalReason?: "request" | "own"
  /** Print each request. */
  log?: (line: string) => void
  /**
   * Keep payments, prepared amounts and tickets in this JSON file, read at start and written after each change, so
   * a restart forgets nothing the store still refers to. Without it the state lives in memory only.
   */
  stateFile?: string
  /**
   * What every /sandbox control call (but GET /sandbox/health) must carry in `x-sandbox-token`: 16 to 256 of
   * A-Z a-z 0-9 . _ ~ -. Default: a random token per run, read from RunningSandbox.controlToken.
   */
  controlToken?: string
  /** Allow a --host that is not loopback: the control API is then reachable from the network, guarded by its token. */
  unsafeHost?: boolean
  /** Start even where NODE_ENV is production (also: IAMPORT_SANDBOX_ALLOW_PRODUCTION=1). */
  allowProduction?: boolean
}

export type FaultKind = "5xx" | "5xx_after" | "slow" | "slow_after" | "drop" | "non_envelope" | "refused"

/** What a `non_envelope` fault answers with: a proxy's HTML error page, nothing, or JSON that is not i'mport's envelope. */
export type NonEnvelopeBody = "html" | "empty" | "json"

/**
 * An injected failure for the next `times` requests to `route` ("POST /payments/cancel", or "*").
 * `non_envelope` stands in for something other than i'mport answering (a wrong apiBaseUrl, a proxy): HTTP `status`
 * (default 404) with `body` (default "html"), and i'mport never sees the request. `refused`: i'mport's definite no
 * (HTTP 200, code -1), as a PG refusing a cancel for its own reasons answers; nothing is done.
 */
export type Fault = {
  route: string
  kind: FaultKind
  times: number
  delayMs: number
  status?: number
  body?: NonEnvelopeBody
}

/** One i'mport API call as the sandbox received it, for the control page: never a secret or a token. */
export type ReceivedCall = { at: number; method: string; path: string; status: number; auth: string }

/** How many calls the control page keeps. */
export const CALL_LOG_SIZE = 200

export const SANDBOX_IMP_KEY = "sandbox_imp_key"
export const SANDBOX_IMP_SECRET = "sandbox_imp_secret"

export class SandboxContext {
  readonly state = new SandboxState()
  readonly webhooks: WebhookDispatcher
  readonly options: Required<
    Omit<
      SandboxOptions,
      "webhook" | "log" | "ticketSettleAfterMs" | "stateFile" | "controlToken" | "unsafeHost" | "allowProduction"
    >
  > & {
    ticketSettleAfterMs: number | null
    log?: (line: string) => void
    stateFile?: string
  }
  readonly faults: Fault[] = []
  /** Requests per route ("GET /payments/{imp_uid}"), for the benchmark's call counts. */
  readonly stats = new Map<string, number>()
  /** The last CALL_LOG_SIZE i'mport calls, newest last. */
  readonly calls: ReceivedCall[] = []
  readonly timers = new Set<NodeJS.Timeout>()
  token: { value: string; expiresAt: number } | null = null
  /** The control API's token for this run (x-sandbox-token); a reset keeps it. */
  readonly controlToken: string
  readonly #initialWebhook: WebhookConfig
  readonly #initialCancelMode: "ticket" | "immediate"
  readonly #initialApprovalReason: "request" | "own"

  constructor(options: SandboxOptions = {}) {
    this.options = {
      port: options.port ?? 0,
      host: options.host ?? "127.0.0.1",
      impKey: options.impKey ?? SANDBOX_IMP_KEY,
      impSecret: options.impSecret ?? SANDBOX_IMP_SECRET,
      tokenLifetimeSec: options.tokenLifetimeSec ?? 1800,
      ticketSettleAfterMs: options.ticketSettleAfterMs ?? null,
      ticketAutoResult: options.ticketAutoResult ?? "approved",
      rejectionWebhook: options.rejectionWebhook ?? true,
      cancelMode: options.cancelMode ?? "ticket",
      approvalReason: options.approvalReason ?? "request",
      log: options.log,
      stateFile: options.stateFile,
    }
    this.controlToken = options.controlToken ?? newControlToken()
    this.webhooks = new WebhookDispatcher(options.webhook)
    this.#initialWebhook = { ...this.webhooks.config }
    this.#initialCancelMode = this.options.cancelMode
    this.#initialApprovalReason = this.options.approvalReason
    if (this.options.stateFile && fs.existsSync(this.options.stateFile)) {
      this.state.restore(JSON.parse(fs.readFileSync(this.options.stateFile, "utf8")) as SavedState)
    }
  }

  /** Writes the state to `stateFile`, when there is one: whole, through a temporary file, so a crash keeps the last. */
  persist(): void {
    const file = this.options.stateFile
    if (!file) {
      return
    }
    try {
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(this.state.save()))
      fs.renameSync(`${file}.tmp`, file)
    } catch (error) {
      // The sandbox goes on in memory; the next change tries again.
      console.error(
        `iamport-sandbox: could not save its state to ${file}: ${error instanceof Error ? error.message : String(error)}`
      )
    }
  }

  /**
   * i'mport's token rules: the same token while it lives; a call in its last minute extends it by 5 minutes;
   * a new one after expiry.
   */
  issueToken(): { access_token: string; now: number; expired_at: number } {
    const now = nowSeconds()
    if (!this.token || this.token.expiresAt <= now) {
      this.token = { value: randomBytes(20).toString("hex"), expiresAt: now + this.options.tokenLifetimeSec }
    } else if (this.token.expiresAt - now <= 60) {
      this.token.expiresAt += 300
    }
    return { access_token: this.token.value, now, expired_at: this.token.expiresAt }
  }

  validToken(header: string | undefined): boolean {
    if (!header || !this.token || this.token.expiresAt <= nowSeconds()) {
      return false
    }
    // i'mport accepts "Bearer <token>" (documented) and the raw token (its own samples).
    return header.replace(/^Bearer\s+/i, "") === this.token.value
  }

  takeFault(route: string): Fault | undefined {
    const index = this.faults.findIndex((f) => (f.route === route || f.route === "*") && f.times > 0)
    if (index < 0) {
      return undefined
    }
    const fault = this.faults[index]
    fault.times -= 1
    if (fault.times <= 0) {
      this.faults.splice(index, 1)
    }
    return { ...fault }
  }

  count(route: string): void {
    this.stats.set(route, (this.stats.get(route) ?? 0) + 1)
  }

  logCall(call: ReceivedCall): void {
    this.calls.push(call)
    if (this.calls.length > CALL_LOG_SIZE) {
      this.calls.splice(0, this.calls.length - CALL_LOG_SIZE)
    }
  }

  later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      work()
      this.persist()
    }, ms)
    timer.unref()
    this.timers.add(timer)
  }

  /** Stops what is pending (webhooks, timers) and keeps the state: what closing the sandbox does. */
  halt(): void {
    this.webhooks.clear()
    for (const timer of this.timers) {
      clearTimeout(timer)
    }
    this.timers.clear()
  }

  reset(): void {
    this.state.reset()
    this.persist()
    this.webhooks.clear()
    this.webhooks.configure(this.#initialWebhook)
    this.options.cancelMode = this.#initialCancelMode
    this.options.approvalReason = this.#initialApprovalReason
    this.faults.length = 0
    this.stats.clear()
    this.calls.length = 0
    this.token = null
    for (const timer of this.timers) {
      clearTimeout(timer)
    }
    this.timers.clear()
  }
}
