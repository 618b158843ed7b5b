/**
 * The storefront side of the iamport-paymentwall provider: opens Paymentwall's widget through i'mport's
 * `IMP.request_pay` from a Medusa payment session, and reads the mobile redirect. Browser ESM, no dependencies.
 *
 * The browser's answer decides nothing: whatever it says, complete the cart and let Medusa ask i'mport.
 */

/** The provider's payment session data, as Medusa's store API returns it (`payment_session.data`). */
export type PaymentwallSessionData = {
  imp_code: string
  channel_key?: string | null
  pg?: string | null
  merchant_uid: string
  amount: number
  currency: string
  name: string
  buyer_email?: string | null
  buyer_name?: string | null
  buyer_tel?: string | null
}

/** `IMP.request_pay`'s parameters for Paymentwall (see the README's storefront section). */
export type RequestPayParams = {
  channelKey?: string
  pg?: string
  merchant_uid: string
  amount: number
  currency: string
  name: string
  buyer_email: string
  buyer_name: string
  buyer_tel?: string
  m_redirect_url?: string
}

/** What `IMP.request_pay` hands its callback; only the fields this helper reads. */
export type RequestPayResponse = {
  success?: boolean
  imp_success?: boolean
  error_code?: string | null
  error_msg?: string | null
  imp_uid?: string | null
  merchant_uid?: string
}

/** The part of i'mport's `window.IMP` that the helper uses. */
export type Iamport = {
  init(impCode: string): void
  request_pay(params: RequestPayParams, callback: (response: RequestPayResponse) => void): void
}

/** The widget's outcome as the browser saw it: a hint only. */
export type PaymentwallResult = { imp_uid: string | null; merchant_uid: string }

export type PaymentwallErrorKind =
  /** The session data lacks what Paymentwall requires (e-mail, "First Last" name, ...). Nothing was opened. */
  | "invalid_session"
  /** i'mport's script could not be loaded. */
  | "script"
  /** The buyer closed the widget, Paymentwall declined, or i'mport refused the request. */
  | "payment_failed"

export class PaymentwallError extends Error {
  readonly kind: PaymentwallErrorKind
  /** i'mport's error_code, when it gave one. */
  readonly code: string | null
  /** The payment's imp_uid, when i'mport made one (a declined payment has one). */
  readonly impUid: string | null

  constructor(
    kind: PaymentwallErrorKind,
    message: string,
    extra: { code?: string | null; impUid?: string | null } = {}
  ) {
    super(message)
    this.name = "PaymentwallError"
    this.kind = kind
    this.code = extra.code ?? null
    this.impUid = extra.impUid ?? null
  }
}

export const IAMPORT_SCRIPT_URL = "https://cdn.iamport.kr/v1/iamport.js"

export type PayOptions = {
  /** Where `iamport.js` is loaded from: i'mport's CDN, or the sandbox's stand-in (`{sandbox}/v1/iamport.js`). */
  scriptUrl?: string
  /** Mobile browsers leave for Paymentwall and come back here instead of calling back (see readPaymentwallRedirect). */
  redirectUrl?: string
  /** Overrides of the buyer fields the session lacks (a guest's e-mail, name, phone). */
  buyer?: { email?: string; name?: string; tel?: string }
}

/** The request_pay parameters for a session; throws `invalid_session` when Paymentwall's required fields are missing. */
export function requestPayParams(
  data: PaymentwallSessionData,
  options: Pick<PayOptions, "redirectUrl" | "buyer"> = {}
): RequestPayParams {
  const email = (options.buyer?.email ?? data.buyer_email ?? "").trim()
  const name = (options.buyer?.name ?? data.buyer_name ?? "").trim()
  const tel = (options.buyer?.tel ?? data.buyer_tel ?? "").trim()
  const missing = [
    !data.merchant_uid && "merchant_uid",
    !(typeof data.amount === "number" && data.amount > 0) && "amount",
    !data.currency && "currency",
    !data.name && "name",
    !(data.channel_key || data.pg) && "channel_key or pg",
    !email && "buyer e-mail",
  ].filter((field): field is string => typeof field === "string")
  if (missing.length) {
    throw new PaymentwallError(
      "invalid_session",
      `The payment session cannot open Paymentwall: it has no ${missing.join(", ")}.`
    )
  }
  if (!/\S+\s+\S+/.test(name)) {
    throw new PaymentwallError("invalid_session", `Paymentwall needs the buyer's name as "First Last", got "${name}".`)
  }
  return {
    ...(data.channel_key ? { channelKey: data.channel_key } : { pg: data.pg as string }),
    merchant_uid: data.merchant_uid,
    amount: data.amount,
    currency: data.currency,
    name: data.name,
    buyer_email: email,
    buyer_name: name,
    ...(tel ? { buyer_tel: tel } : {}),
    ...(options.redirectUrl ? { m_redirect_url: options.redirectUrl } : {}),
  }
}

type ScriptHost = { IMP?: Iamport; document: Document }
const loading = new Map<string, Promise<Iamport>>()

/** Loads `iamport.js` once per URL and resolves with `window.IMP`. */
export function loadIamport(scriptUrl: string = IAMPORT_SCRIPT_URL, host: ScriptHost = globalThis): Promise<Iamport> {
  if (host.IMP) {
    return Promise.resolve(host.IMP)
  }
  const pending =
    loading.get(scriptUrl) ??
    new Promise<Iamport>((resolve, reject) => {
      const script = host.document.createElement("script")
      script.src = scriptUrl
      script.async = true
      script.onload = () =>
        host.IMP
          ? resolve(host.IMP)
          : reject(new PaymentwallError("script", `${scriptUrl} loaded, but defined no IMP.`))
      script.onerror = () => {
        loading.delete(scriptUrl)
        reject(new PaymentwallError("script", `Could not load i'mport's script from ${scriptUrl}.`))
      }
      host.document.head.appendChild(script)
    })
  loading.set(scriptUrl, pending)
  return pending
}

/** Opens Paymentwall's widget for the session and resolves when the buyer finished it; rejects with PaymentwallError. */
export async function payWithPaymentwall(
  data: PaymentwallSessionData,
  options: PayOptions = {},
  host: ScriptHost = globalThis
): Promise<PaymentwallResult> {
  const params = requestPayParams(data, options)
  const IMP = await loadIamport(options.scriptUrl, host)
  IMP.init(data.imp_code)
  return new Promise((resolve, reject) => {
    IMP.request_pay(params, (response) => {
      const outcome = resultOf(response, params.merchant_uid)
      if (outcome instanceof PaymentwallError) {
        reject(outcome)
      } else {
        resolve(outcome)
      }
    })
  })
}

/**
 * What a failed payment means for the buyer:
 * - `review`: Paymentwall made a payment (it has an imp_uid) and i'mport reports it failed with Paymentwall's
 *   PG-failure text, as it does while Paymentwall holds a payment for fraud review. It may still be approved; the
 *   plugin then completes the cart by itself (i'mport's notice). Tell the buyer it is being reviewed, watch the cart
 *   (waitForCompletedCart), and do not ask them to pay again.
 * - `declined`: Paymentwall declined it (a card decline): show the reason; the buyer may pay again in the same cart.
 * - `not_paid`: no payment was made (the widget was closed, or the request refused before it opened).
 */
export type PaymentwallFailure = "review" | "declined" | "not_paid"

/** i'mport's text for a Paymentwall payment it reports failed while Paymentwall reviews it. */
export const FRAUD_REVIEW_REASON = /\(PG사 결제 장애\)|internal error|under review/i

/** Classifies a PaymentwallError for the buyer (see PaymentwallFailure); `reviewReason` overrides the text matched. */
export function paymentwallFailure(
  error: PaymentwallError,
  reviewReason: RegExp = FRAUD_REVIEW_REASON
): PaymentwallFailure {
  if (error.kind !== "payment_failed" || !error.impUid) {
    return "not_paid"
  }
  return reviewReason.test(error.message) ? "review" : "declined"
}

export type WaitForCartOptions = {
  /** Time between two checks; default 3 s. */
  intervalMs?: number
  /** Give up after this long (resolves false); default: never. */
  timeoutMs?: number
  /** Stops the watch (resolves false), e.g. when the page unmounts. */
  signal?: AbortSignal
}

/**
 * Resolves true once `isCompleted` says the cart was completed (by the plugin, on a late approval), or false when
 * stopped. A failing check (network, a server restarting) is tried again at the next interval.
 */
export async function waitForCompletedCart(
  isCompleted: () => Promise<boolean>,
  options: WaitForCartOptions = {}
): Promise<boolean> {
  const interval = options.intervalMs ?? 3000
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs
  while (!options.signal?.aborted && Date.now() < deadline) {
    if (await isCompleted().catch(() => false)) {
      return !options.signal?.aborted
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), options.signal)
  }
  return false
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener("abort", done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener("abort", done, { once: true })
  })
}

/**
 * The result a mobile browser brings back to `redirectUrl` (`?imp_uid=…&merchant_uid=…&imp_success=…&error_msg=…`),
 * or null when the URL carries none. A PaymentwallError for a failed payment.
 */
export function readPaymentwallRedirect(url: string | URL): PaymentwallResult | PaymentwallError | null {
  const query = new URL(String(url), "http://localhost").searchParams
  const merchantUid = query.get("merchant_uid")
  if (!merchantUid) {
    return null
  }
  const flag = query.get("imp_success") ?? query.get("success")
  return resultOf(
    {
      imp_uid: query.get("imp_uid"),
      merchant_uid: merchantUid,
      error_code: query.get("error_code"),
      error_msg: query.get("error_msg"),
      ...(flag !== null ? { imp_success: flag === "true" } : {}),
    },
    merchantUid
  )
}

function resultOf(response: RequestPayResponse, merchantUid: string): PaymentwallResult | PaymentwallError {
  const flag = response.imp_success ?? response.success
  // The new SDK leaves success out and reports failures only through error_code/error_msg.
  const failed = flag === false || !!response.error_code || (flag === undefined && !!response.error_msg)
  const impUid = response.imp_uid ?? null
  if (failed) {
    return new PaymentwallError("payment_failed", response.error_msg || "The payment was not completed.", {
      code: response.error_code,
      impUid,
    })
  }
  return { imp_uid: impUid, merchant_uid: response.merchant_uid ?? merchantUid }
}
