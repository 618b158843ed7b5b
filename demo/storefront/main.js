// The demo storefront: Medusa's store API through @medusajs/js-sdk, and Paymentwall's widget through the plugin's
// storefront helper, with the same calls a real storefront makes. Bundled by scripts/demo.js.
import Medusa from "@medusajs/js-sdk"
import {
  payWithPaymentwall,
  PaymentwallError,
  paymentwallFailure,
  readPaymentwallRedirect,
} from "medusa-payment-iamport-paymentwall/storefront"

const PROVIDER_ID = "pp_iamport-paymentwall_paymentwall"
const CART_KEY = "paymentwall-demo-cart"
const $ = (id) => document.getElementById(id)

const config = await (await fetch("/config.json")).json()
const sdk = new Medusa({ baseUrl: config.apiUrl, publishableKey: config.publishableKey })
const regions = (await sdk.store.region.list()).regions.sort((a, b) => a.name.localeCompare(b.name))

function status(text, kind = "") {
  $("status").className = kind
  $("status").textContent = text
}

function money(amount, currency) {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() }).format(amount)
}

// The region whose products are shown (or on their way), and whether a payment holds the Pay button: a render that
// finishes late must neither undo the buyer's choice of product nor offer a second payment.
let shownRegion = null
let paying = false

async function showProducts() {
  const region = regions.find((r) => r.id === $("region").value)
  if (region.id === shownRegion) {
    return
  }
  shownRegion = region.id
  const { products } = await sdk.store.product.list({ region_id: region.id, fields: "*variants.calculated_price" })
  if (shownRegion !== region.id) {
    return
  }
  $("products").innerHTML = ""
  products.forEach((product, index) => {
    const variant = product.variants[0]
    const price = variant.calculated_price
    const row = document.createElement("label")
    row.className = "product"
    row.innerHTML = `<input type="radio" name="variant" value="${variant.id}" ${index === 0 ? "checked" : ""}> <span></span> <strong style="margin-left:auto"></strong>`
    row.querySelector("span").textContent = product.title
    row.querySelector("strong").textContent = money(price.calculated_amount, price.currency_code)
    $("products").appendChild(row)
  })
  $("pay").disabled = paying
}

function buyer() {
  const region = regions.find((r) => r.id === $("region").value)
  return {
    email: $("email").value.trim(),
    address: {
      first_name: $("first_name").value.trim(),
      last_name: $("last_name").value.trim(),
      address_1: $("address_1").value.trim(),
      city: $("city").value.trim(),
      postal_code: $("postal_code").value.trim(),
      country_code: region.countries[0].iso_2,
    },
    region,
  }
}

/** A cart up to the Paymentwall payment session: what every storefront does before opening the widget. */
async function checkoutCart() {
  const { email, address, region } = buyer()
  const variantId = document.querySelector("input[name=variant]:checked").value
  const { cart } = await sdk.store.cart.create({
    region_id: region.id,
    email,
    shipping_address: address,
    billing_address: address,
    items: [{ variant_id: variantId, quantity: 1 }],
  })
  const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cart.id })
  await sdk.store.cart.addShippingMethod(cart.id, { option_id: shipping_options[0].id })
  const { cart: priced } = await sdk.store.cart.retrieve(cart.id)
  const { payment_collection } = await sdk.store.payment.initiatePaymentSession(priced, {
    provider_id: PROVIDER_ID,
    // Paymentwall requires an e-mail and a "First Last" name; a guest's come from the form.
    data: { buyer_email: email, buyer_name: `${address.first_name} ${address.last_name}` },
  })
  const session = payment_collection.payment_sessions.find((s) => s.provider_id === PROVIDER_ID)
  return { cart: priced, session }
}

/** The browser's word decides nothing: completing the cart makes Medusa ask i'mport. */
async function placeOrder(cartId) {
  const result = await sdk.store.cart.complete(cartId)
  if (result.type !== "order") {
    throw new Error(result.error?.message ?? "The cart could not be completed")
  }
  localStorage.removeItem(CART_KEY)
  showOrder(result.order)
}

function showOrder(order) {
  $("shop").hidden = $("details").hidden = $("payment").hidden = true
  const box = $("confirmation")
  box.hidden = false
  box.innerHTML = `<h2 class="ok">Thank you: order placed</h2><p></p><p class="muted">The payment was verified with i'mport's REST API before the order was placed.
    Refund it from the admin: it waits for Paymentwall, which you decide on the sandbox control page.</p><p><a href="/">Shop again</a></p>`
  box.querySelector("p").textContent =
    `Order #${order.display_id} · ${money(order.total, order.currency_code)} · ${order.email}`
  box.dataset.orderId = order.id
}

let watching = 0

/**
 * A payment held for Paymentwall's fraud review reads as failed at i'mport until Paymentwall approves it; the
 * webhook then places the order by itself. So the page keeps an eye on the cart meanwhile.
 */
async function watchCart(cartId) {
  const ticket = ++watching
  while (ticket === watching) {
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const { cart } = await sdk.store.cart.retrieve(cartId, { fields: "+completed_at" })
    if (ticket === watching && cart.completed_at) {
      // Completing an already completed cart answers with its order.
      return placeOrder(cartId)
    }
  }
}

async function pay() {
  paying = true
  $("pay").disabled = true
  watching++
  status("Opening Paymentwall…")
  let cartId
  try {
    const { cart, session } = await checkoutCart()
    cartId = cart.id
    localStorage.setItem(CART_KEY, cart.id)
    await payWithPaymentwall(session.data, {
      scriptUrl: `${config.sandboxUrl}/v1/iamport.js`,
      redirectUrl: `${location.origin}/`,
    })
    status("Paid: placing the order…")
    await placeOrder(cart.id)
  } catch (error) {
    if (error instanceof PaymentwallError && cartId && paymentwallFailure(error) === "review") {
      // Not a decline: paying again could charge the buyer twice once the review passes. The order follows by itself.
      underReview(cartId)
      return
    }
    paying = false
    $("pay").disabled = false
    if (!(error instanceof PaymentwallError)) {
      return status(`Something went wrong: ${error.message ?? error}`, "error")
    }
    status(`Paymentwall did not take the payment: ${error.message}`, "error")
  }
}

function underReview(cartId) {
  status(
    "Paymentwall is reviewing this payment. There is no need to pay again: the order is placed here as soon as Paymentwall approves it.",
    "muted"
  )
  const hint = document.createElement("div")
  hint.className = "muted"
  hint.textContent = 'In this demo, approve it on the sandbox control page ("Approve after fraud review").'
  $("status").append(hint)
  watchCart(cartId).catch(() => undefined)
}

/** A mobile browser comes back from Paymentwall here, with the result in the URL. */
async function returnFromRedirect() {
  const result = readPaymentwallRedirect(location.href)
  const cartId = localStorage.getItem(CART_KEY)
  if (!result || !cartId) {
    return false
  }
  history.replaceState(null, "", "/")
  if (result instanceof PaymentwallError) {
    if (paymentwallFailure(result) === "review") {
      paying = true
      $("pay").disabled = true
      underReview(cartId)
      return false
    }
    status(`Paymentwall did not take the payment: ${result.message}`, "error")
    return false
  }
  await placeOrder(cartId)
  return true
}

for (const region of regions) {
  const option = document.createElement("option")
  option.value = region.id
  option.textContent = `${region.name} (${region.currency_code.toUpperCase()})`
  $("region").appendChild(option)
}
$("region").addEventListener("change", showProducts)
$("pay").addEventListener("click", pay)
await showProducts()
await returnFromRedirect().catch((error) => status(String(error.message ?? error), "error"))
