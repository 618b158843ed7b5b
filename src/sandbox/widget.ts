import type { IncomingMessage, ServerResponse } from "node:http"
import { CONTROL_TOKEN_HEADER } from "./control-auth"
import { scriptLiteral, type PageRoute } from "./http-util"

/**
 * The browser side of the sandbox: a stand-in for i'mport's `iamport.js` (`IMP.init`, `IMP.request_pay`) and for
 * Paymentwall's widget, so a storefront can be clicked through with no network and no card. The widget page pays
 * through the control API's `POST /sandbox/pay`, as the buyer finishing Paymentwall's widget would, with the run's
 * control token; so it is served to this machine only (carriesToken), while iamport.js (no token) is served to all.
 */
export const PAGE_ROUTES: PageRoute[] = [
  {
    method: "GET",
    pattern: /^\/v1\/iamport\.js$/,
    handler: (_ctx, req, res) => page(res, "text/javascript", iamportScript(originOf(req))),
  },
  {
    method: "GET",
    pattern: /^\/widget$/,
    handler: (ctx, _req, res, url) => page(res, "text/html", widgetPage(url.searchParams, ctx.controlToken)),
    carriesToken: true,
  },
]

/** The sandbox's origin as the browser reached it. */
function originOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? "127.0.0.1"}`
}

function page(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  })
  res.end(body)
}

/**
 * i'mport's script, as far as a storefront uses it: the widget opens in an overlay and answers through the callback;
 * on a mobile browser with `m_redirect_url`, the page leaves for the widget and comes back to that URL, as i'mport's does.
 */
function iamportScript(origin: string): string {
  return `/* iamport.js stand-in from the iamport-paymentwall sandbox: no network, no card. */
(function () {
  var ORIGIN = ${JSON.stringify(origin)};
  var impCode = null;
  window.IMP = {
    init: function (code) { impCode = code; },
    request_pay: function (params, callback) {
      params = params || {};
      if (!impCode) {
        if (callback) callback({ success: false, imp_success: false, error_code: "NOT_INITIALIZED", error_msg: "IMP.init was not called", imp_uid: null, merchant_uid: params.merchant_uid });
        return;
      }
      var query = "p=" + encodeURIComponent(JSON.stringify(Object.assign({}, params, { imp_code: impCode })));
      if (params.m_redirect_url && /Mobi|Android/i.test(navigator.userAgent)) {
        window.location.href = ORIGIN + "/widget?mode=redirect&" + query;
        return;
      }
      var overlay = document.createElement("div");
      overlay.setAttribute("data-iamport-sandbox", "overlay");
      overlay.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.45);z-index:2147483647;display:flex;align-items:center;justify-content:center";
      var frame = document.createElement("iframe");
      frame.title = "Paymentwall (sandbox)";
      frame.src = ORIGIN + "/widget?mode=callback&" + query;
      frame.style.cssText = "width:420px;max-width:95vw;height:460px;border:0;border-radius:8px;background:#fff";
      overlay.appendChild(frame);
      document.body.appendChild(overlay);
      function onMessage(event) {
        if (event.origin !== ORIGIN || !event.data || event.data.source !== "iamport-sandbox") return;
        window.removeEventListener("message", onMessage);
        overlay.parentNode && overlay.parentNode.removeChild(overlay);
        if (callback) callback(event.data.response);
      }
      window.addEventListener("message", onMessage);
    }
  };
})();
`
}

const escape = (value: unknown): string =>
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever JSON the page was given, shown as String() shows it
  String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c
  )

/** Paymentwall's widget: pay, decline, or hold for fraud review (approved later on the control page). */
function widgetPage(query: URLSearchParams, token: string): string {
  let params: Record<string, unknown>
  try {
    params = JSON.parse(query.get("p") ?? "{}") as Record<string, unknown>
  } catch {
    params = {}
  }
  const mode = query.get("mode") === "redirect" ? "redirect" : "callback"
  const amount = `${escape(params.amount)} ${escape(params.currency)}`
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Paymentwall (sandbox)</title>
<style>body{font:15px system-ui,sans-serif;margin:0;padding:20px;color:#222}h1{font-size:18px;margin:0 0 4px}.muted{color:#666;font-size:13px}
.amount{font-size:24px;margin:16px 0}button{display:block;width:100%;padding:11px;margin:8px 0;border-radius:6px;border:1px solid #999;font-size:15px;cursor:pointer}
#pw-pay{background:#1a7f37;color:#fff;border-color:#1a7f37}#result{margin-top:12px;font-weight:600}</style></head>
<body><h1>Paymentwall <span class="muted">sandbox: no card is charged</span></h1>
<div class="muted">${escape(params.name)} · ${escape(params.merchant_uid)}</div>
<div class="amount" id="pw-amount">${amount}</div>
<div class="muted">${escape(params.buyer_name)} &lt;${escape(params.buyer_email)}&gt;</div>
<button id="pw-pay" data-outcome="paid">Pay ${amount}</button>
<button id="pw-decline" data-outcome="failed">Decline (card declined)</button>
<button id="pw-fraud" data-outcome="fraud_review">Hold for fraud review, approve later</button>
<div id="result" role="status"></div>
<script>
var params = ${scriptLiteral(params)};
var mode = ${scriptLiteral(mode)};
var CONTROL = { ${scriptLiteral(CONTROL_TOKEN_HEADER)}: ${scriptLiteral(token)} };
function finish(response) {
  if (mode === "redirect") {
    var target = new URL(params.m_redirect_url, location.href);
    // Only a web page: a javascript: URL would run in the sandbox's origin, where this page keeps the control token.
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      document.getElementById("result").textContent = "m_redirect_url must be an http(s) URL";
      return;
    }
    target.searchParams.set("imp_uid", response.imp_uid || "");
    target.searchParams.set("merchant_uid", response.merchant_uid || "");
    target.searchParams.set("imp_success", String(!!response.success));
    if (response.error_msg) target.searchParams.set("error_msg", response.error_msg);
    location.href = target.toString();
  } else {
    parent.postMessage({ source: "iamport-sandbox", response: response }, "*");
  }
}
function missing() {
  if (!params.buyer_email) return "buyer_email is required by Paymentwall";
  if (!/\\S+\\s+\\S+/.test(params.buyer_name || "")) return "buyer_name must be \\"First Last\\" for Paymentwall";
  return null;
}
document.querySelectorAll("button[data-outcome]").forEach(function (button) {
  button.addEventListener("click", function () {
    var problem = missing();
    if (problem) return finish({ success: false, imp_success: false, error_code: "F_PARAM", error_msg: problem, imp_uid: null, merchant_uid: params.merchant_uid });
    document.getElementById("result").textContent = "Processing…";
    fetch("/sandbox/pay", { method: "POST", headers: Object.assign({ "content-type": "application/json" }, CONTROL), body: JSON.stringify({
      merchant_uid: params.merchant_uid, outcome: button.getAttribute("data-outcome"), amount: params.amount, currency: params.currency,
      name: params.name, buyer_email: params.buyer_email, buyer_name: params.buyer_name
    }) }).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); }).then(function (answer) {
      var p = answer.body && (answer.body.response || answer.body);
      if (!answer.ok || !p || !p.imp_uid) {
        return finish({ success: false, imp_success: false, error_code: "F_PRECHECK", error_msg: (answer.body && answer.body.message) || "The payment could not be opened", imp_uid: null, merchant_uid: params.merchant_uid });
      }
      var paid = p.status === "paid";
      finish({ success: paid, imp_success: paid, imp_uid: p.imp_uid, merchant_uid: p.merchant_uid, status: p.status, paid_amount: paid ? p.amount : 0,
        error_code: paid ? null : "F_PG", error_msg: paid ? null : p.fail_reason, pg_provider: "paymentwall", currency: p.currency });
    }).catch(function (error) { document.getElementById("result").textContent = String(error); });
  });
});
</script></body></html>`
}
