import type { IamportPayment } from "../../../../lib/iamport/types"
import { extraAttemptProblems, fullyCancelled, holdsMoney } from "../attempt-facts"

const MERCHANT_UID = "pw_payses_01ABCDEFGHJKMNPQRSTVWXYZ01"

const attempt = (extra: Partial<IamportPayment> = {}): IamportPayment => ({
  imp_uid: "imp_second",
  merchant_uid: MERCHANT_UID,
  amount: 13000,
  cancel_amount: 0,
  currency: "KRW",
  status: "paid",
  sandbox: true,
  pg_provider: "paymentwall",
  paid_at: 1,
  failed_at: 0,
  cancelled_at: 0,
  cancel_history: [],
  ...extra,
})
const captured = { merchant_uid: MERCHANT_UID, imp_uid: "imp_captured" }

describe("a second paid attempt", () => {
  it("is a paid attempt of the same merchant_uid other than the captured one", () => {
    expect(extraAttemptProblems(attempt(), captured, [])).toEqual([])
  })

  it("is still one when partly cancelled (V1 shows it cancelled), and no longer once cancelled in full", () => {
    const partly = attempt({ status: "cancelled", cancel_amount: 3000 })
    expect([holdsMoney(partly), fullyCancelled(partly), extraAttemptProblems(partly, captured, [])]).toEqual([
      true,
      false,
      [],
    ])
    const whole = attempt({ status: "cancelled", cancel_amount: 13000 })
    expect([holdsMoney(whole), fullyCancelled(whole)]).toEqual([false, true])
    expect(extraAttemptProblems(whole, captured, [])).toEqual(["i'mport shows it cancelled in full"])
  })

  it("is never the captured attempt, one not paid, one of another merchant_uid, or one the provider does not own", () => {
    expect(extraAttemptProblems(attempt({ imp_uid: "imp_captured" }), captured, [])).toEqual([
      "it is the attempt Medusa captured",
    ])
    expect(extraAttemptProblems(attempt({ status: "failed", paid_at: 0 }), captured, [])).toEqual([
      "it is failed, not paid",
    ])
    expect(extraAttemptProblems(attempt({ merchant_uid: "pw_payses_other" }), captured, [])).toEqual([
      `it is of merchant_uid pw_payses_other, not ${MERCHANT_UID}`,
    ])
    expect(extraAttemptProblems(attempt(), captured, ["pg_provider is html5_inicis, expected paymentwall"])).toEqual([
      "pg_provider is html5_inicis, expected paymentwall",
    ])
  })

  it("cannot be told while the Medusa payment names no captured attempt", () => {
    expect(extraAttemptProblems(attempt(), { merchant_uid: MERCHANT_UID, imp_uid: null }, [])).toEqual([
      "the Medusa payment names no captured attempt yet",
    ])
  })
})
