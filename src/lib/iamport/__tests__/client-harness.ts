/**
 * What the i'mport client's unit specs share: its credentials, and a client, call counts, faults and paid payments on
 * the sandbox the spec file starts. The sandbox is passed as a getter, since a spec may start another mid-test.
 */

import { CONTROL_TOKEN_HEADER, type RunningSandbox } from "../../../sandbox"
import { IamportClient, type IamportClientOptions } from "../client"
import type { Fault } from "../../../sandbox"

export const KEY = "client_test_key"
export const SECRET = "client_test_secret_do_not_print"

export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

export function clientHarness(sandbox: () => RunningSandbox) {
  function client(extra: Partial<IamportClientOptions> = {}): IamportClient {
    return new IamportClient({
      impKey: KEY,
      impSecret: SECRET,
      baseUrl: sandbox().url,
      includeSandbox: true,
      retryBaseDelayMs: 5,
      ...extra,
    })
  }

  const calls = (route: string): number => sandbox().context.stats.get(route) ?? 0

  /** Something other than i'mport answers the next `times` calls to `route` (a wrong apiBaseUrl, a proxy). */
  function notIamport(route: string, extra: Partial<Fault> = {}): void {
    sandbox().context.faults.push({ route, kind: "non_envelope", times: 1, delayMs: 0, ...extra })
  }

  async function paidPayment(c: IamportClient, merchantUid: string, amount = 10000, currency = "KRW"): Promise<string> {
    await c.preparePayment({ merchant_uid: merchantUid, amount, currency })
    const res = await fetch(`${sandbox().url}/sandbox/pay`, {
      method: "POST",
      headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox().controlToken },
      body: JSON.stringify({ merchant_uid: merchantUid, outcome: "paid" }),
    })
    return ((await res.json()) as { imp_uid: string }).imp_uid
  }

  return { client, calls, notIamport, paidPayment }
}
