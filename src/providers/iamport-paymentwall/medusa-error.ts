import { MedusaError } from "@medusajs/framework/utils"
import {
  IamportAuthenticationError,
  IamportNotFoundError,
  IamportRefusedError,
  IamportTimeoutError,
  isIamportError,
} from "../../lib/iamport/errors"

/**
 * Every failure that leaves the provider is a MedusaError carrying i'mport's reason, so an admin or a
 * storefront sees why ("An unknown error occurred" is what Medusa shows for anything else).
 */
export function toMedusaError(error: unknown, doing: string): MedusaError {
  if (error instanceof MedusaError) {
    return error
  }
  if (error instanceof IamportRefusedError) {
    return new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport refused to ${doing}: ${error.message}`)
  }
  if (error instanceof IamportNotFoundError) {
    return new MedusaError(MedusaError.Types.NOT_FOUND, `i'mport could not ${doing}: ${error.message}`)
  }
  if (error instanceof IamportAuthenticationError) {
    return new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `i'mport refused the store's REST API credentials while trying to ${doing}; check impKey and impSecret.`
    )
  }
  if (error instanceof IamportTimeoutError) {
    return new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `i'mport did not answer in time while trying to ${doing}.`
    )
  }
  if (isIamportError(error)) {
    return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Could not ${doing}: ${error.message}`)
  }
  const message = error instanceof Error ? error.message : String(error)
  return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Could not ${doing}: ${message}`)
}
