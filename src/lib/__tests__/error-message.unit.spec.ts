import { MedusaError } from "@medusajs/framework/utils"
import { errorMessage } from "../error-message"

describe("errorMessage", () => {
  it("reads an Error as thrown in one process", () => {
    expect(errorMessage(new Error("boom"))).toBe("boom")
    expect(errorMessage(new MedusaError(MedusaError.Types.UNEXPECTED_STATE, "later"))).toBe("later")
  })

  it("reads the plain object a workflow run rethrows, which String() shows as [object Object]", () => {
    const stored = JSON.parse(
      JSON.stringify({
        ...new MedusaError(MedusaError.Types.NOT_FOUND, "Payment pay_1 was not found."),
        message: "Payment pay_1 was not found.",
      })
    )
    expect(stored).not.toBeInstanceOf(Error)
    expect(String(stored)).toBe("[object Object]")
    expect(errorMessage(stored)).toBe("Payment pay_1 was not found.")
  })

  it("falls back on anything else", () => {
    expect(errorMessage("text")).toBe("text")
    expect(errorMessage({ message: 42 })).toBe("[object Object]")
  })
})
