/**
 * What the provider's unit specs share: a sandbox for i'mport, a provider pointed at it, and sessions started and
 * paid there. Each spec file gets its own copy of this module, so its own sandbox (useSandbox) and counters.
 */

import { MedusaError } from "@medusajs/framework/utils"
import type { Logger } from "@medusajs/framework/types"
import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox } from "../../../sandbox"
import type { Fault } from "../../../sandbox"
import { IamportPaymentwallProviderService } from "../service"
import type { IamportPaymentwallOptions } from "../../../lib/paymentwall/options"
import type { PaymentwallData } from "../../../lib/paymentwall/payment-data"

export const SECRET = "sandbox_imp_secret"
export let sandbox: RunningSandbox
export let warnings: string[]
let sessionCounter = 0

/** Starts one sandbox for the spec file that calls this at its top level, and resets it before each test. */
export function useSandbox(): void {
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(() => sandbox.close())
  beforeEach(() => sandbox.context.reset())
}

export function provider(extra: Partial<IamportPaymentwallOptions> = {}): IamportPaymentwallProviderService {
  warnings = []
  const logger = {
    warn: (m: string) => warnings.push(m),
    info: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  } as unknown as Logger
  return new IamportPaymentwallProviderService(
    { logger },
    {
      impKey: "sandbox_imp_key",
      impSecret: SECRET,
      impCode: "imp12345678",
      channelKey: "ch-pw",
      mode: "test",
      apiBaseUrl: sandbox.url,
      ...extra,
    }
  )
}

export const newSessionId = (): string => `payses_01TEST${String(++sessionCounter).padStart(20, "0")}`
export const calls = (route: string): number => sandbox.context.stats.get(route) ?? 0

/** Something other than i'mport (a wrong apiBaseUrl, a proxy) answers `route` with an HTML 404 page. */
export function notIamport(route: string, extra: Partial<Fault> = {}): void {
  sandbox.context.faults.push({ route, kind: "non_envelope", times: 10, delayMs: 0, ...extra })
}
export const NOT_IAMPORT = "not i'mport's answer. Check apiBaseUrl"

export async function sandboxPost<T = any>(path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
    body: JSON.stringify(body),
  })
  return (await res.json()) as T
}

export async function started(
  p = provider(),
  amount: unknown = 10000,
  currency = "krw"
): Promise<PaymentwallData & Record<string, unknown>> {
  const out = await p.initiatePayment({
    amount: amount as number,
    currency_code: currency,
    data: { session_id: newSessionId() },
    context: { customer: { id: "cus_1", email: "buyer@example.com", first_name: "Jiwoo", last_name: "Park" } },
  })
  return out.data as PaymentwallData & Record<string, unknown>
}

export async function paidSession(p = provider(), amount: unknown = 10000, currency = "krw") {
  const data = await started(p, amount, currency)
  const payment = await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "paid" })
  const authorized = await p.authorizePayment({ data })
  return { data: authorized.data as PaymentwallData & Record<string, unknown>, impUid: payment.imp_uid as string }
}

export async function errorOf(promise: Promise<unknown>): Promise<MedusaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(MedusaError)
  return error as MedusaError
}
