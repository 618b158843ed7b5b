import { IamportAuthenticationError, IamportNotFoundError, IamportRefusedError, IamportTransportError } from "./errors"
import { type Call, IamportTransport } from "./transport"
import type {
  IamportCancelRequest,
  IamportPagedList,
  IamportPayment,
  IamportPaymentStatus,
  IamportPrepared,
  IamportPrepareRequest,
  IamportToken,
  PaymentwallDeliveryRequest,
  PaymentwallDeliveryResult,
} from "./types"

export { READ_RETRIES, RETRY_BASE_DELAY_MS } from "./transport"

export const DEFAULT_API_BASE_URL = "https://api.iamport.kr"

export type IamportClientOptions = {
  impKey: string
  impSecret: string
  baseUrl?: string
  /** Per HTTP call. */
  timeoutMs?: number
  /** Test mode: i'mport hides test-channel payments from lookups without `include_sandbox=true` (since 2026-01-26). */
  includeSandbox?: boolean
  /** Extra attempts for reads after a transport failure or 5xx (not after a non-i'mport answer). Writes are never re-sent. */
  readRetries?: number
  retryBaseDelayMs?: number
  /** A cached token is renewed this many seconds before i'mport's `expired_at`. */
  tokenRenewMarginSec?: number
}

const MULTI_GET_LIMIT = 100

/**
 * A typed i'mport V1 REST client: i'mport's endpoints and a token cache with single-flight renewal, over a transport
 * that checks envelopes and retries reads only (a cancel is never re-sent blindly).
 * Holds the key and secret privately; no error or log line it makes carries them.
 */
export class IamportClient {
  readonly baseUrl: string
  readonly includeSandbox: boolean
  readonly #credentials: { imp_key: string; imp_secret: string }
  readonly #transport: IamportTransport
  readonly #renewMarginMs: number
  #token: { value: string; renewAtMs: number } | undefined
  #tokenInFlight: Promise<string> | undefined

  constructor(options: IamportClientOptions) {
    this.#credentials = { imp_key: options.impKey, imp_secret: options.impSecret }
    this.baseUrl = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, "")
    this.includeSandbox = options.includeSandbox ?? false
    this.#renewMarginMs = (options.tokenRenewMarginSec ?? 60) * 1000
    this.#transport = new IamportTransport({
      baseUrl: this.baseUrl,
      timeoutMs: options.timeoutMs,
      readRetries: options.readRetries,
      retryBaseDelayMs: options.retryBaseDelayMs,
    })
  }

  /** Keep the secret out of `console.log(client)` and `JSON.stringify(client)`. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, includeSandbox: this.includeSandbox }
  }

  getPayment(impUid: string): Promise<IamportPayment> {
    return this.#authed<IamportPayment>({
      method: "GET",
      path: `/payments/${encodeURIComponent(impUid)}`,
      endpoint: "GET /payments/{imp_uid}",
      query: this.#sandboxQuery(),
    })
  }

  /**
   * The newest attempt for a merchant_uid (optionally in one status), or null when i'mport has none.
   * One merchant_uid can carry several attempts (failed, then paid).
   */
  async findPayment(merchantUid: string, status?: IamportPaymentStatus): Promise<IamportPayment | null> {
    const suffix = status ? `/${status}` : ""
    return this.#orNull(
      this.#authed<IamportPayment>({
        method: "GET",
        path: `/payments/find/${encodeURIComponent(merchantUid)}${suffix}`,
        endpoint: `GET /payments/find/{merchant_uid}${suffix}`,
        query: this.#sandboxQuery("sorting=-started"),
      })
    )
  }

  /**
   * Every attempt of a merchant_uid (optionally in one status), newest first, or none: one call, i'mport's first page
   * (a merchant_uid that is never reused has far fewer attempts than a page holds).
   */
  async findAllPayments(merchantUid: string, status?: IamportPaymentStatus): Promise<IamportPayment[]> {
    const suffix = status ? `/${status}` : ""
    const page = await this.#orNull(
      this.#authed<IamportPagedList<IamportPayment>>({
        method: "GET",
        path: `/payments/findAll/${encodeURIComponent(merchantUid)}${suffix}`,
        endpoint: "GET /payments/findAll/{merchant_uid}",
        query: this.#sandboxQuery("sorting=-started"),
      })
    )
    return page?.list ?? []
  }

  /** Many payments at once, 100 per call; unknown ids are left out (i'mport answers 207 or 404). */
  async getPayments(impUids: readonly string[]): Promise<IamportPayment[]> {
    const unique = [...new Set(impUids)]
    const found: IamportPayment[] = []
    for (let i = 0; i < unique.length; i += MULTI_GET_LIMIT) {
      const chunk = unique.slice(i, i + MULTI_GET_LIMIT)
      const ids = chunk.map((id) => `imp_uid[]=${encodeURIComponent(id)}`).join("&")
      const page = await this.#orNull(
        this.#authed<IamportPayment[]>({
          method: "GET",
          path: "/payments",
          endpoint: "GET /payments?imp_uid[]",
          query: this.#sandboxQuery(ids),
        })
      )
      found.push(...(page ?? []))
    }
    return found
  }

  preparePayment(request: IamportPrepareRequest): Promise<IamportPrepared> {
    return this.#authed({
      method: "POST",
      path: "/payments/prepare",
      endpoint: "POST /payments/prepare",
      body: request,
    })
  }

  updatePreparedPayment(request: IamportPrepareRequest): Promise<IamportPrepared> {
    return this.#authed({ method: "PUT", path: "/payments/prepare", endpoint: "PUT /payments/prepare", body: request })
  }

  getPreparedPayment(merchantUid: string): Promise<IamportPrepared | null> {
    return this.#orNull(
      this.#authed<IamportPrepared>({
        method: "GET",
        path: `/payments/prepare/${encodeURIComponent(merchantUid)}`,
        endpoint: "GET /payments/prepare/{merchant_uid}",
      })
    )
  }

  /** Never retried: after a transport failure the outcome is unknown and the caller must re-read first. */
  cancelPayment(request: IamportCancelRequest): Promise<IamportPayment> {
    return this.#authed({ method: "POST", path: "/payments/cancel", endpoint: "POST /payments/cancel", body: request })
  }

  paymentwallDelivery(request: PaymentwallDeliveryRequest): Promise<PaymentwallDeliveryResult> {
    return this.#authed({
      method: "POST",
      path: "/paymentwall/delivery",
      endpoint: "POST /paymentwall/delivery",
      body: request,
    })
  }

  /** Forget the cached token (tests, key rotation). */
  resetToken(): void {
    this.#token = undefined
  }

  /** Null only for i'mport's own 404 envelope; a 404 from anything else throws (see `interpret` in transport). */
  async #orNull<T>(call: Promise<T>): Promise<T | null> {
    try {
      return await call
    } catch (error) {
      if (error instanceof IamportNotFoundError) {
        return null
      }
      throw error
    }
  }

  #sandboxQuery(extra?: string): string | undefined {
    const parts = [extra, this.includeSandbox ? "include_sandbox=true" : undefined].filter(Boolean)
    return parts.length ? parts.join("&") : undefined
  }

  async #authed<T>(call: Call): Promise<T> {
    const token = await this.#accessToken()
    try {
      return await this.#transport.request<T>(call, token)
    } catch (error) {
      if (!(error instanceof IamportAuthenticationError)) {
        throw error
      }
      // The token was revoked or expired early: renew once and try once more.
      if (this.#token?.value === token) {
        this.#token = undefined
      }
      return this.#transport.request<T>(call, await this.#accessToken())
    }
  }

  async #accessToken(): Promise<string> {
    if (this.#token && Date.now() < this.#token.renewAtMs) {
      return this.#token.value
    }
    // One renewal in flight, however many calls wait for it.
    this.#tokenInFlight ??= this.#renewToken().finally(() => {
      this.#tokenInFlight = undefined
    })
    return this.#tokenInFlight
  }

  async #renewToken(): Promise<string> {
    const endpoint = "POST /users/getToken"
    let token: IamportToken
    try {
      token = await this.#transport.send<IamportToken>(
        { method: "POST", path: "/users/getToken", endpoint, body: this.#credentials },
        undefined
      )
    } catch (error) {
      if (error instanceof IamportAuthenticationError || error instanceof IamportRefusedError) {
        throw new IamportAuthenticationError(
          `i'mport refused the REST API key and secret: ${error.message}`,
          endpoint,
          error.httpStatus
        )
      }
      throw error
    }
    if (typeof token.access_token !== "string" || !Number.isFinite(token.expired_at) || !Number.isFinite(token.now)) {
      throw new IamportTransportError("i'mport answered getToken without a token", endpoint)
    }
    // Judge the lifetime by i'mport's own clock (`expired_at - now`), not ours.
    const lifetimeMs = Math.max(0, token.expired_at - token.now) * 1000
    this.#token = { value: token.access_token, renewAtMs: Date.now() + lifetimeMs - this.#renewMarginMs }
    return token.access_token
  }
}
