import type { ServerResponse } from "node:http"
import { CONTROL_TOKEN_HEADER } from "./control-auth"
import { scriptLiteral, type PageRoute } from "./http-util"
import { FRAUD_REVIEW_REASON } from "./paymentwall"

/**
 * The sandbox's control page, at `/`: Paymentwall's merchant side in a browser. It lists the payments and the open
 * cancellation tickets, with buttons to approve a payment held for fraud review and to approve or reject a ticket,
 * and the i'mport calls the sandbox received (tokens and credentials masked). It drives the control API only, with
 * the run's token, which is why it is served to this machine only (carriesToken).
 */
export const CONTROL_PAGE_ROUTES: PageRoute[] = [
  {
    method: "GET",
    pattern: /^\/(?:control)?$/,
    handler: (ctx, _req, res) => html(res, controlPage(ctx.controlToken, ctx.options.stateFile)),
    carriesToken: true,
  },
]

function html(res: ServerResponse, body: string): void {
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    // Its buttons settle tickets and approve payments: no other site may frame it and steer a click.
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
  })
  res.end(body)
}

/** Where the state lives, in the page's words. */
const stateNote = (stateFile: string | undefined): string =>
  stateFile
    ? `The state is saved in <code>${escapeHtml(stateFile)}</code> and outlives a restart.`
    : "The state is kept in memory: a restart forgets it."

const escapeHtml = (v: string): string =>
  v.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

const controlPage = (token: string, stateFile: string | undefined): string => `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>i'mport + Paymentwall sandbox</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.muted{color:#666}button{margin-right:6px;padding:4px 10px;cursor:pointer}code{font-size:12px}
.s-paid{color:#1a7f37}.s-failed{color:#b42318}.s-cancelled{color:#6941c6}.s-open{color:#b54708}</style></head>
<body><h1>i'mport + Paymentwall sandbox <span class="muted">no network, no card</span></h1>
<p class="muted">Paymentwall's side of the demo: approve a payment held for fraud review, and decide the cancellation
tickets that refunds open. Each decision reaches the store as i'mport's webhook. ${stateNote(stateFile)}</p>
<p id="problem" role="alert" style="color:#b42318"></p>
<h2>Open cancellation tickets</h2><table id="tickets"><thead><tr><th>ticket</th><th>imp_uid</th><th>amount</th><th>reason</th><th>requested</th><th></th></tr></thead><tbody></tbody></table>
<h2>Payments</h2><table id="payments"><thead><tr><th>imp_uid</th><th>merchant_uid</th><th>status</th><th>amount</th><th>cancelled</th><th>buyer</th><th></th></tr></thead><tbody></tbody></table>
<h2>Settled tickets</h2><table id="settled"><thead><tr><th>ticket</th><th>imp_uid</th><th>amount</th><th>result</th><th>settled</th></tr></thead><tbody></tbody></table>
<h2>i'mport calls received</h2><table id="calls"><thead><tr><th>time</th><th>call</th><th>HTTP</th><th>credentials</th></tr></thead><tbody></tbody></table>
<script>
var CONTROL = { ${scriptLiteral(CONTROL_TOKEN_HEADER)}: ${scriptLiteral(token)} };
var HELD_REASON = ${scriptLiteral(FRAUD_REVIEW_REASON)};
function esc(v) { return String(v == null ? "" : v).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; }); }
function time(ms) { return new Date(ms).toLocaleTimeString(); }
function rows(id, html) { document.querySelector("#" + id + " tbody").innerHTML = html || '<tr><td colspan="7" class="muted">none</td></tr>'; }
function act(path, body) {
  return fetch(path, { method: "POST", headers: Object.assign({ "content-type": "application/json" }, CONTROL), body: JSON.stringify(body || {}) })
    .then(function (r) { if (!r.ok) return r.json().then(function (b) { alert(b.message || ("HTTP " + r.status)); }); })
    .then(refresh);
}
function refresh() {
  return Promise.all(["/sandbox/tickets", "/sandbox/payments", "/sandbox/calls"].map(function (p) {
    return fetch(p, { headers: CONTROL }).then(function (r) {
      // A sandbox restarted since this page loaded has a new token: say so instead of showing empty tables.
      if (!r.ok) return r.json().then(function (b) { throw new Error((b.message || ("HTTP " + r.status)) + " Reload the page if the sandbox restarted."); });
      return r.json();
    });
  }))
    .then(function (data) {
      document.getElementById("problem").textContent = "";
      var tickets = data[0], payments = data[1], calls = data[2];
      rows("tickets", tickets.filter(function (t) { return t.status === "open"; }).map(function (t) {
        return "<tr data-ticket='" + esc(t.id) + "'><td><code>" + esc(t.id) + "</code></td><td><code>" + esc(t.imp_uid) + "</code></td><td>" + esc(t.amount) +
          "</td><td>" + esc(t.reason) + "</td><td>" + time(t.requested_at) + "</td><td><button data-action='approve'>Approve</button><button data-action='reject'>Reject</button></td></tr>";
      }).join(""));
      rows("settled", tickets.filter(function (t) { return t.status !== "open"; }).map(function (t) {
        return "<tr><td><code>" + esc(t.id) + "</code></td><td><code>" + esc(t.imp_uid) + "</code></td><td>" + esc(t.amount) + "</td><td class='s-" + esc(t.status) + "'>" + esc(t.status) +
          "</td><td>" + (t.settled_at ? time(t.settled_at) : "") + "</td></tr>";
      }).join(""));
      rows("payments", payments.slice().reverse().map(function (p) {
        // A payment held for fraud review reads as failed (or ready) at i'mport until Paymentwall approves it; a
        // decline is failed for good and has nothing to approve.
        var held = p.status === "ready" || (p.status === "failed" && p.fail_reason === HELD_REASON);
        var label = held ? "held for fraud review" : p.status === "failed" ? "declined" : p.status;
        return "<tr data-payment='" + esc(p.imp_uid) + "' data-state='" + esc(label) + "'><td><code>" + esc(p.imp_uid) + "</code></td><td><code>" + esc(p.merchant_uid) + "</code></td><td class='s-" + esc(held ? "open" : p.status) + "'>" + esc(label) +
          (p.fail_reason ? " <span class='muted'>(i'mport: " + esc(p.fail_reason) + ")</span>" : "") + "</td><td>" + esc(p.amount) + " " + esc(p.currency) + "</td><td>" + esc(p.cancel_amount) +
          "</td><td>" + esc(p.buyer_name) + " &lt;" + esc(p.buyer_email) + "&gt;</td><td>" + (held ? "<button data-action='approve-payment'>Approve after fraud review</button>" : "") + "</td></tr>";
      }).join(""));
      rows("calls", calls.slice(-50).reverse().map(function (c) {
        return "<tr><td>" + time(c.at) + "</td><td><code>" + esc(c.method + " " + c.path) + "</code></td><td>" + esc(c.status) + "</td><td class='muted'>" + esc(c.auth) + "</td></tr>";
      }).join(""));
    }, function (error) { document.getElementById("problem").textContent = error.message; });
}
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-action]");
  if (!button) return;
  var action = button.getAttribute("data-action");
  var ticket = button.closest("[data-ticket]"), payment = button.closest("[data-payment]");
  if (action === "approve" || action === "reject") act("/sandbox/tickets/" + ticket.getAttribute("data-ticket") + "/settle", { result: action === "approve" ? "approved" : "rejected" });
  if (action === "approve-payment") act("/sandbox/payments/" + payment.getAttribute("data-payment") + "/approve");
});
refresh();
setInterval(refresh, 2000);
</script></body></html>`
