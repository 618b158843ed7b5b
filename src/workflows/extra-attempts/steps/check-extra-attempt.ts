import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../../lib/iamport/types"
import { formatAmount } from "../../../lib/money"
import { type ExtraAttempt, paymentwallModule } from "../../../modules/iamport-paymentwall"
import type { PaymentwallPort } from "../../../lib/paymentwall/port"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { loadPaymentState } from "../../settlement/utils/payment-state"
import { extraAttemptProblems, fullyCancelled, leftAtIamport } from "../utils/attempt-facts"

export const checkExtraAttemptStepId = "iamport-paymentwall-check-extra-attempt"

export type CheckExtraAttemptInput = {
  /** The Medusa payment whose merchant_uid the attempt carries (the caller holds its lock). */
  payment_id: string
  imp_uid: string
  /** i'mport's answer the caller just read (the job's list of attempts); otherwise looked up here. */
  iamport?: IamportPayment
  found_by: "notice" | "job"
}

export type CheckedExtraAttempt = {
  /** recorded: a new second payment; updated: a known one changed at i'mport; unchanged; ignored: not one. */
  outcome: "recorded" | "updated" | "unchanged" | "ignored"
  reason: string
  attempt: ExtraAttempt | null
}

/**
 * Looks at an attempt of a Medusa payment's merchant_uid other than the one it captured, from i'mport's word only:
 * a paid one that is ours is recorded once (unique on imp_uid) and logged; a recorded one is brought up to date
 * (cancelled once i'mport shows it cancelled in full). No compensation: each write records what i'mport said.
 */
export const checkExtraAttemptStep = createStep(
  checkExtraAttemptStepId,
  async (input: CheckExtraAttemptInput, { container }) => {
    const state = await loadPaymentState(container, input.payment_id)
    const provider = paymentwallProvider(container, state.provider_id)
    const service = paymentwallModule(container)
    const iamport = input.iamport ?? (await lookUp(provider, input.imp_uid))
    if (!iamport || iamport.imp_uid !== input.imp_uid) {
      return new StepResponse(ignored(`i'mport knows no payment ${input.imp_uid}`))
    }
    const [known] = await service.listExtraAttempts({ imp_uid: iamport.imp_uid }, { take: 1 })
    if (known) {
      return new StepResponse(await refresh(container, known, iamport, input.payment_id))
    }
    const captured = { merchant_uid: state.data.merchant_uid, imp_uid: state.data.imp_uid ?? null }
    const problems = extraAttemptProblems(iamport, captured, provider.ownershipProblems(iamport))
    if (problems.length) {
      return new StepResponse(
        ignored(`${iamport.imp_uid} is not a second paid attempt of payment ${state.id}: ${problems.join("; ")}`)
      )
    }
    let attempt: ExtraAttempt
    try {
      attempt = await service.createExtraAttempts({
        payment_id: state.id,
        order_id: state.order_id,
        imp_uid: iamport.imp_uid,
        merchant_uid: iamport.merchant_uid,
        amount: iamport.amount,
        currency_code: iamport.currency.toLowerCase(),
        status: "found",
        found_at: new Date(),
        metadata: { found_by: input.found_by, captured_imp_uid: captured.imp_uid, paid_at: iamport.paid_at },
      })
    } catch (error) {
      // Found at the same moment under another payment's lock (a forged merchant_uid): the unique index kept one.
      const [raced] = await service.listExtraAttempts({ imp_uid: iamport.imp_uid }, { take: 1 })
      if (!raced) {
        throw error
      }
      return new StepResponse<CheckedExtraAttempt>({
        outcome: "unchanged",
        reason: `${iamport.imp_uid} is already recorded`,
        attempt: raced,
      })
    }
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .warn(
        `iamport-paymentwall: charged twice: order ${state.order_id ?? "(none)"}, payment ${state.id} captured ${captured.imp_uid}, ` +
          `and i'mport also shows ${iamport.imp_uid} paid (${formatAmount(iamport.amount)} ${iamport.currency}, ${formatAmount(leftAtIamport(iamport))} not cancelled) for ${iamport.merchant_uid}. ` +
          `Medusa never booked it: cancel it at i'mport from the order's Paymentwall panel.`
      )
    return new StepResponse<CheckedExtraAttempt>({
      outcome: "recorded",
      reason: `second paid attempt ${iamport.imp_uid} recorded`,
      attempt,
    })
  }
)

/** i'mport's own "no such payment" (a forged or foreign imp_uid) is an answer; anything else is thrown for a retry. */
async function lookUp(provider: PaymentwallPort, impUid: string): Promise<IamportPayment | null> {
  try {
    return await provider.lookupPayment(impUid)
  } catch (error) {
    if (error instanceof MedusaError && error.type === MedusaError.Types.NOT_FOUND) {
      return null
    }
    throw error
  }
}

async function refresh(
  container: MedusaContainer,
  known: ExtraAttempt,
  iamport: IamportPayment,
  paymentId: string
): Promise<CheckedExtraAttempt> {
  if (known.payment_id !== paymentId) {
    return ignored(`${known.imp_uid} is recorded under payment ${known.payment_id}, not ${paymentId}`)
  }
  if (!fullyCancelled(iamport) || known.status === "cancelled") {
    return { outcome: "unchanged", reason: `${known.imp_uid} is ${known.status}`, attempt: known }
  }
  const service = paymentwallModule(container)
  const attempt = await service.updateExtraAttempts({
    id: known.id,
    status: "cancelled",
    error: null,
    metadata: { ...(known.metadata ?? {}), cancelled_seen_at: new Date().toISOString(), was: known.status },
  })
  return { outcome: "updated", reason: `${known.imp_uid} cancelled at i'mport`, attempt }
}

function ignored(reason: string): CheckedExtraAttempt {
  return { outcome: "ignored", reason, attempt: null }
}
