/**
 * One base error and a subclass per failure a caller handles differently (stripe-node's pattern).
 * Messages carry i'mport's own reason and never the request body, headers or credentials.
 */
export type IamportErrorKind =
  "authentication" | "not_found" | "refused" | "transport" | "timeout" | "unexpected_answer"

export class IamportError extends Error {
  readonly kind: IamportErrorKind
  /** "GET /payments/{imp_uid}": the endpoint, never its query or body. */
  readonly endpoint: string
  readonly httpStatus?: number

  constructor(kind: IamportErrorKind, message: string, endpoint: string, httpStatus?: number) {
    super(message)
    this.name = new.target.name
    this.kind = kind
    this.endpoint = endpoint
    this.httpStatus = httpStatus
  }
}

/** i'mport refused the key/secret, or a fresh token was refused again. */
export class IamportAuthenticationError extends IamportError {
  constructor(message: string, endpoint: string, httpStatus?: number) {
    super("authentication", message, endpoint, httpStatus)
  }
}

/** i'mport's own 404 (its envelope): no such payment, or no prepared amount for that merchant_uid. */
export class IamportNotFoundError extends IamportError {
  constructor(message: string, endpoint: string, httpStatus?: number) {
    super("not_found", message, endpoint, httpStatus)
  }
}

/** i'mport answered and said no: `code != 0` (often with HTTP 200). Carries i'mport's code and message. */
export class IamportRefusedError extends IamportError {
  readonly code: number

  constructor(code: number, message: string, endpoint: string, httpStatus?: number) {
    super("refused", message, endpoint, httpStatus)
    this.code = code
  }
}

/** No usable answer: connection failure, 5xx, or a body that is not i'mport's envelope. Outcome unknown for writes. */
export class IamportTransportError extends IamportError {
  constructor(message: string, endpoint: string, httpStatus?: number, kind: IamportErrorKind = "transport") {
    super(kind, message, endpoint, httpStatus)
  }
}

export class IamportTimeoutError extends IamportTransportError {
  constructor(message: string, endpoint: string) {
    super(message, endpoint, undefined, "timeout")
  }
}

/**
 * Something answered that is not i'mport: no `{code, message, response}` envelope, whatever the HTTP status (a wrong
 * apiBaseUrl, a proxy's HTML error page, an empty body). Never "not found": the answer says nothing about the payment.
 */
export class IamportUnexpectedAnswerError extends IamportTransportError {
  constructor(message: string, endpoint: string, httpStatus: number) {
    super(message, endpoint, httpStatus, "unexpected_answer")
  }
}

export function isIamportError(error: unknown): error is IamportError {
  return error instanceof IamportError
}
