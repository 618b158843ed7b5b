import { MedusaError } from "@medusajs/framework/utils"
import { errorMessage, medusaErrorType } from "../error-message"

describe("errorMessage and medusaErrorType", () => {
  const stored = JSON.parse(JSON.stringify({ ...new MedusaError(MedusaError.Types.NOT_FOUND, "Payment pay_1 was not found."), message: "Payment pay_1 was not found." }))

  it("read an Error and a MedusaError as thrown in one process", () => {
    expect(errorMessage(new Error("boom"))).toBe("boom")
    expect(medusaErrorType(new MedusaError(MedusaError.Types.UNEXPECTED_STATE, "later"))).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(medusaErrorType(new Error("boom"))).toBeUndefined()
  })

  it("read the plain object the Redis workflow engine rethrows, which String() shows as [object Object]", () => {
    expect(stored).not.toBeInstanceOf(Error)
    expect(String(stored)).toBe("[object Object]")
    expect(errorMessage(stored)).toBe("Payment pay_1 was not found.")
    expect(medusaErrorType(stored)).toBe(MedusaError.Types.NOT_FOUND)
  })

  it("fall back on anything else", () => {
    expect(errorMessage("text")).toBe("text")
    expect(errorMessage({ message: 42 })).toBe("[object Object]")
    expect(medusaErrorType({ type: "not_found" })).toBeUndefined()
    expect(medusaErrorType(null)).toBeUndefined()
  })
})
