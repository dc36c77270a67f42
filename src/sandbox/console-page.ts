// The sandbox console: one page where a person plays the customers (a phone each), the
// QuickBooks user (invoices, check payments), the Stripe payer and the Slack staff, and moves
// the clock. Everything it does goes through the public control API, like any test.

export function consolePage(appUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>duetext sandbox</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f3f5f8; }
  body { margin: 0; }
  header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1rem; background: #1d2330; color: #fff; flex-wrap: wrap; }
  header a { color: #9cc3ff; }
  header form { display: flex; gap: .4rem; align-items: center; }
  main { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(320px, 1.2fr) minmax(280px, 1fr); gap: 1rem; padding: 1rem; }
  section { background: #fff; border-radius: 8px; padding: .75rem; box-shadow: 0 1px 2px #0002; min-width: 0; }
  h2 { font-size: 1rem; margin: 0 0 .5rem; }
  .phone { border: 1px solid #d7dce5; border-radius: 14px; padding: .5rem; margin-bottom: .75rem; }
  .phone h3 { font-size: .9rem; margin: 0 0 .4rem; display: flex; justify-content: space-between; }
  .bubbles { display: flex; flex-direction: column; gap: .3rem; max-height: 220px; overflow-y: auto; }
  .bubble { max-width: 85%; padding: .35rem .6rem; border-radius: 12px; font-size: .85rem; white-space: pre-wrap; overflow-wrap: anywhere; }
  .bubble.in { align-self: flex-start; background: #e9ecf1; }
  .bubble.out { align-self: flex-end; background: #2f6fed; color: #fff; }
  .reply { display: flex; gap: .3rem; margin-top: .4rem; }
  .reply input { flex: 1; }
  table { width: 100%; border-collapse: collapse; font-size: .85rem; }
  td, th { padding: .25rem .3rem; border-bottom: 1px solid #eef0f4; text-align: left; }
  .slack { border-left: 3px solid #611f69; padding: .4rem .6rem; margin-bottom: .6rem; font-size: .85rem; }
  .muted { color: #6b7385; font-size: .8rem; }
  .error { color: #b3261e; }
  button { cursor: pointer; }
</style>
</head>
<body>
<header>
  <strong>duetext sandbox</strong>
  <span>Clock: <time id="clock">…</time></span>
  <form id="clock-form">
    <label for="advance">Advance</label>
    <select id="advance" name="advance">
      <option value="PT1H">1 hour</option><option value="P1D" selected>1 day</option>
      <option value="P3D">3 days</option><option value="P1W">1 week</option>
    </select>
    <button type="submit">Move clock</button>
  </form>
  <a href="${appUrl}" target="_blank" rel="noreferrer">Open the app</a>
  <span id="status" class="muted" role="status"></span>
</header>
<main>
  <section aria-labelledby="phones-title"><h2 id="phones-title">Customers' phones</h2><div id="phones"></div></section>
  <section aria-labelledby="qbo-title"><h2 id="qbo-title">QuickBooks invoices</h2><div id="invoices"></div>
    <h2>Stripe Checkout</h2><div id="stripe"></div></section>
  <section aria-labelledby="slack-title"><h2 id="slack-title">Slack channel</h2><div id="slack"></div></section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value); else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
};
const money = (value) => Number(value).toLocaleString("en-US", { style: "currency", currency: "USD" });
let busy = false;

async function call(method, url, body) {
  busy = true;
  $("status").textContent = "Working…";
  try {
    const response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || response.statusText);
    $("status").textContent = "";
    return data;
  } catch (error) {
    $("status").textContent = String(error.message || error);
    $("status").className = "error";
    throw error;
  } finally {
    busy = false;
    await refresh();
  }
}

function renderPhones(state) {
  const root = $("phones");
  const focused = document.activeElement && document.activeElement.dataset.phone;
  root.replaceChildren(...(state.phones || []).map((phone) => {
    const bubbles = el("div", { class: "bubbles", "data-testid": "bubbles-" + phone.e164 },
      ...(phone.messages || []).map((m) => el("div", { class: "bubble " + (m.from === "phone" ? "out" : "in") }, m.body)));
    const input = el("input", { "aria-label": "Reply from " + phone.e164, "data-phone": phone.e164, placeholder: "Text the business…" });
    const form = el("form", { class: "reply", onsubmit: (event) => {
      event.preventDefault();
      const body = input.value.trim();
      if (!body) return;
      input.value = "";
      call("POST", "/_sandbox/phones/" + encodeURIComponent(phone.e164) + "/messages", { body });
    } }, input, el("button", { type: "submit" }, "Send"));
    const card = el("div", { class: "phone", "data-testid": "phone-" + phone.e164 },
      el("h3", {}, el("span", {}, phone.name || phone.e164), el("span", { class: "muted" }, phone.e164)), bubbles, form);
    queueMicrotask(() => { bubbles.scrollTop = bubbles.scrollHeight; });
    if (focused === phone.e164) queueMicrotask(() => input.focus());
    return card;
  }));
}

function renderInvoices(state) {
  const rows = (state.invoices || []).map((invoice) => el("tr", {},
    el("td", {}, invoice.docNumber || invoice.id), el("td", {}, invoice.customerName || ""), el("td", {}, invoice.dueDate),
    el("td", {}, money(invoice.balance)),
    el("td", {}, el("button", { type: "button", onclick: () => {
      const amount = prompt("Check amount", String(invoice.balance));
      if (amount) call("POST", "/_sandbox/qbo/invoices/" + invoice.id + "/payments", { amount: Number(amount) });
    } }, "Record check"), " ", el("button", { type: "button", onclick: () => {
      const due = prompt("New due date (YYYY-MM-DD)", invoice.dueDate);
      if (due) call("PATCH", "/_sandbox/qbo/invoices/" + invoice.id, { DueDate: due });
    } }, "Edit due date"))));
  $("invoices").replaceChildren(el("table", {}, el("thead", {}, el("tr", {}, ...["#", "Customer", "Due", "Balance", ""].map((h) => el("th", {}, h)))), el("tbody", {}, ...rows)));
}

function renderStripe(state) {
  const sessions = (state.stripe && state.stripe.sessions) || [];
  $("stripe").replaceChildren(sessions.length === 0 ? el("p", { class: "muted" }, "No checkout sessions yet.") :
    el("table", {}, el("tbody", {}, ...sessions.map((s) => el("tr", {}, el("td", {}, s.id), el("td", {}, money((s.amountMinor || 0) / 100)), el("td", {}, s.status),
      el("td", {}, s.status === "open" ? el("span", {},
        el("button", { type: "button", onclick: () => call("POST", "/_sandbox/stripe/sessions/" + s.id + "/pay", { outcome: "succeeded" }) }, "Pay"), " ",
        el("button", { type: "button", onclick: () => call("POST", "/_sandbox/stripe/sessions/" + s.id + "/pay", { outcome: "failed" }) }, "Fail")) : ""))))));
}

function renderSlack(state) {
  // Slack escapes &, < and > in message text; the console shows what staff would read.
  const slackText = (text) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const messages = state.slack || [];
  $("slack").replaceChildren(messages.length === 0 ? el("p", { class: "muted" }, "Nothing for staff yet.") : el("div", {}, ...messages.map((m) =>
    el("div", { class: "slack" }, el("div", { style: "white-space: pre-line" }, slackText(m.text || "")),
      el("div", {}, ...(m.buttons || []).map((b) => el("button", { type: "button", onclick: () => call("POST", "/_sandbox/slack/actions", { message_ts: m.ts, action_id: b.action_id, user: "sandbox-staff" }) }, b.text))),
      ...(m.replies || []).map((r) => el("div", { class: "muted" }, r.user + ": " + r.text))))));
}

async function refresh() {
  try {
    const state = await (await fetch("/_sandbox/state")).json();
    $("clock").textContent = new Date(state.clock).toLocaleString();
    renderPhones(state); renderInvoices(state); renderStripe(state); renderSlack(state);
  } catch (error) {
    $("status").textContent = "Sandbox unreachable: " + error.message;
  }
}

$("clock-form").addEventListener("submit", (event) => {
  event.preventDefault();
  call("POST", "/_sandbox/clock", { advance: $("advance").value });
});
refresh();
setInterval(() => { if (!busy && !document.activeElement?.dataset?.phone) refresh(); }, 3000);
</script>
</body>
</html>`;
}
