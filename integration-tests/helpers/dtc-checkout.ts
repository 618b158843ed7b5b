import path from "node:path"
import type { FrameLocator, Page } from "playwright-core"

/** A buyer going through the DTC starter's checkout, as a person clicks it, up to its review step. */
export type Buyer = { email: string; firstName: string; lastName: string }

/** A buyer of a test's own: the sandbox's payments are told apart by the buyer's email. */
export const buyer = (name: string): Buyer => ({
  email: `${name}-${Date.now()}@example.com`,
  firstName: "Jiwoo",
  lastName: "Park",
})

const SHOTS = path.resolve(__dirname, "../../artifacts/screenshots")

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `dtc-starter-${name}.png`), fullPage: true })

export { SHOTS }

/** A product into a new cart, the address, the courier, Paymentwall; ends on the review step's button. */
export async function checkoutToReview(page: Page, storefront: string, buyer: Buyer): Promise<void> {
  await page.goto(`${storefront}/kr/products/celadon-tea-cup`)
  // The product's own button (a phone shows a second one in a bar), once the page knows the stock.
  const add = page.getByTestId("product-container").getByTestId("add-product-button")
  await add.getByText("Add to cart").waitFor({ timeout: 60_000 })
  await add.click()
  // Disabled while it adds the line to the cart.
  await page.waitForFunction(
    () =>
      !document
        .querySelector("[data-testid=product-container] [data-testid=add-product-button]")
        ?.hasAttribute("disabled"),
    undefined,
    { timeout: 60_000 }
  )
  await page.goto(`${storefront}/kr/checkout?step=address`)
  await page.getByTestId("shipping-first-name-input").fill(buyer.firstName, { timeout: 60_000 })
  await page.getByTestId("shipping-last-name-input").fill(buyer.lastName)
  await page.getByTestId("shipping-address-input").fill("1 Sejong-daero")
  await page.getByTestId("shipping-postal-code-input").fill("04524")
  await page.getByTestId("shipping-city-input").fill("Seoul")
  await page.getByTestId("shipping-country-select").selectOption("kr")
  await page.getByTestId("shipping-email-input").fill(buyer.email)
  await page.getByTestId("submit-address-button").click()
  await page.getByTestId("delivery-option-radio").first().click({ timeout: 60_000 })
  const toPayment = page.getByTestId("submit-delivery-option-button")
  await page.waitForFunction(
    () => !document.querySelector("[data-testid=submit-delivery-option-button]")?.hasAttribute("disabled"),
    undefined,
    { timeout: 60_000 }
  )
  await toPayment.click()
  await page.getByText("Card (Paymentwall)").click({ timeout: 60_000 })
  await page.getByTestId("submit-payment-button").click()
  await page.getByTestId("submit-order-button").waitFor({ timeout: 60_000 })
}

/** The review step's Paymentwall button, once it may be clicked (it first checks the cart is still open). */
export async function clickPay(page: Page): Promise<void> {
  const button = page.getByTestId("submit-order-button")
  await page.waitForFunction(
    () => {
      const el = document.querySelector("[data-testid=submit-order-button]")
      return !!el && !el.hasAttribute("disabled")
    },
    undefined,
    { timeout: 60_000 }
  )
  await button.click()
}

/** The sandbox's Paymentwall widget, opened in its overlay. */
export function widget(page: Page): FrameLocator {
  return page.frameLocator("iframe[title='Paymentwall (sandbox)']")
}

/** Clicks one of the widget's buttons (#pw-pay, #pw-decline, #pw-fraud); a screenshot of the page if it cannot. */
export async function clickInWidget(page: Page, button: string, name: string): Promise<void> {
  try {
    await widget(page).locator(button).click({ timeout: 60_000 })
  } catch (error) {
    await shot(page, `${name}-failed-widget-click`).catch(() => undefined)
    throw error
  }
}

/** Waits for the order confirmation page and returns the order's id from its URL. */
export async function confirmedOrder(page: Page, timeoutMs = 120_000): Promise<string> {
  await page.waitForURL(/\/kr\/order\/order_\w+\/confirmed/, { timeout: timeoutMs })
  await page.getByText("Your order was placed successfully").waitFor({ timeout: 60_000 })
  return /\/order\/(order_\w+)\/confirmed/.exec(page.url())![1]
}

/** Records responses of 500 and above from the storefront (the old mobile recipe answered 500 after payment). */
export function serverErrors(page: Page, storefront: string): string[] {
  const errors: string[] = []
  page.on("response", (res) => {
    if (res.url().startsWith(storefront) && res.status() >= 500) {
      errors.push(`${res.status()} ${res.request().method()} ${res.url()}`)
    }
  })
  return errors
}
