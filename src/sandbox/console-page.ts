// The sandbox console: one page where a person plays the customers (a phone each), the
// QuickBooks user (invoices, check payments), the Stripe payer and the Slack staff, and moves
// the clock. Everything it does goes through the public control API, like any test.

export interface ConsoleOptions {
  /** The app's address: "Open the app" and the links texts carry point there. */
  appUrl: string;
  /** The business's name and time zone: the clock and message times read in it. */
  businessName: string;
  timeZone: string;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export function consolePage(options: ConsoleOptions): string {
  // The script reads its settings from JSON, never from HTML interpolated into code.
  const settings = JSON.stringify({ timeZone: options.timeZone }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>duetext sandbox · ${escapeHtml(options.businessName)}</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f3f5f8; }
  body { margin: 0; }
  header { position: sticky; top: 0; z-index: 1; display: flex; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; background: #1d2330; color: #fff; flex-wrap: wrap; }
  header a { color: #9cc3ff; }
  header form, header .field { display: flex; gap: .4rem; align-items: center; }
  header .business { color: #c9d3e3; }
  #status { flex-basis: 100%; min-height: 1.2em; font-size: .85rem; color: #c9d3e3; }
  #status[data-state="busy"] { color: #ffd479; }
  #status[data-state="busy"]::before { content: ""; display: inline-block; width: .7em; height: .7em; margin-right: .45em; border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; animation: spin .8s linear infinite; vertical-align: -.1em; }
  @keyframes spin { to { transform: rotate(360deg); } }
  #status[data-state="error"] { color: #ff9b94; font-weight: 600; }
  main { display: grid; grid-template-columns: minmax(300px, 1fr) minmax(460px, 1.35fr) minmax(280px, .9fr); gap: 1rem; padding: 1rem; align-items: start; }
  @media (max-width: 1000px) { main { grid-template-columns: 1fr; } }
  section { background: #fff; border-radius: 8px; padding: .75rem; box-shadow: 0 1px 2px #0002; min-width: 0; }
  h2 { font-size: 1rem; margin: 0 0 .5rem; }
  h2:not(:first-child) { margin-top: 1.2rem; }
  .phone { border: 1px solid #d7dce5; border-radius: 14px; padding: .5rem; margin-bottom: .75rem; }
  .phone h3 { font-size: .9rem; margin: 0; display: flex; justify-content: space-between; gap: .5rem; }
  .facts { display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; margin: .25rem 0 .4rem; font-size: .75rem; }
  .badge { border-radius: 999px; padding: .05rem .5rem; background: #eef0f4; color: #3b4356; }
  .badge.state { background: #e4ecff; color: #1a4bb5; }
  .badge.warn { background: #fde8e8; color: #9b1c1c; }
  .badge.paid { background: #e3f5e8; color: #1b6b34; }
  .bubbles { display: flex; flex-direction: column; gap: .35rem; max-height: 260px; overflow-y: auto; padding: .1rem; }
  .bubble { max-width: 85%; padding: .35rem .6rem; border-radius: 12px; font-size: .85rem; white-space: pre-wrap; overflow-wrap: anywhere; }
  .bubble.in { align-self: flex-start; background: #e9ecf1; }
  .bubble.out { align-self: flex-end; background: #2f6fed; color: #fff; }
  .bubble.out a { color: #fff; }
  .bubble.failed { outline: 2px solid #d93025; }
  .bubble .meta { display: block; font-size: .7rem; opacity: .75; margin-top: .15rem; white-space: normal; }
  .reply { display: flex; gap: .3rem; margin-top: .4rem; }
  .reply input { flex: 1; min-width: 0; }
  table { width: 100%; border-collapse: collapse; font-size: .85rem; }
  td, th { padding: .25rem .3rem; border-bottom: 1px solid #eef0f4; text-align: left; vertical-align: top; }
  td.num, th.num { text-align: right; white-space: nowrap; }
  tr.settled td { color: #6b7385; }
  td.date, td.nowrap { white-space: nowrap; }
  td.memo { overflow-wrap: anywhere; min-width: 9rem; }
  .actions { white-space: nowrap; }
  .actions button { font-size: .75rem; }
  td.actions button { display: block; width: 100%; margin-bottom: .15rem; }
  .slack { border-left: 3px solid #611f69; padding: .4rem .6rem; margin-bottom: .8rem; font-size: .85rem; }
  .slack .text { white-space: pre-line; overflow-wrap: anywhere; }
  .slack .replies { margin: .3rem 0 0 .6rem; }
  .muted { color: #6b7385; font-size: .8rem; }
  button { cursor: pointer; }
  button:disabled { cursor: progress; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<header>
  <strong>duetext sandbox</strong>
  <span class="business">${escapeHtml(options.businessName)}</span>
  <span>Clock: <time id="clock">…</time> <span class="muted" id="clock-zone"></span></span>
  <form id="clock-form">
    <label for="advance">Advance</label>
    <select id="advance" name="advance">
      <option value="PT1H">1 hour</option><option value="PT6H">6 hours</option>
      <option value="P1D" selected>1 day</option><option value="P3D">3 days</option>
      <option value="P1W">1 week</option><option value="P14D">2 weeks</option>
      <option value="P30D">30 days</option>
    </select>
    <button type="submit" id="move-clock">Move clock</button>
  </form>
  <span class="field"><label for="filter">Filter</label><input id="filter" type="search" placeholder="name, number or invoice #"></span>
  <button type="button" id="reset">Reset demo company</button>
  <a href="${escapeHtml(options.appUrl)}" target="_blank" rel="noopener">Open the app</a>
  <span id="status" role="status" aria-live="polite" data-testid="status"></span>
</header>
<main>
  <section aria-labelledby="phones-title"><h2 id="phones-title">Customers' phones</h2><div id="phones"></div></section>
  <section aria-labelledby="qbo-title">
    <h2 id="qbo-title">QuickBooks invoices</h2><div id="invoices"></div>
    <h2 id="qbo-payments-title">QuickBooks payments</h2><div id="qbo-payments" aria-labelledby="qbo-payments-title"></div>
    <h2 id="stripe-title">Stripe Checkout</h2><div id="stripe" aria-labelledby="stripe-title"></div>
  </section>
  <section aria-labelledby="slack-title"><h2 id="slack-title">Slack channel <span class="muted">(newest first)</span></h2><div id="slack"></div></section>
</main>
<script type="application/json" id="console-settings">${settings}</script>
<script>
const SETTINGS = JSON.parse(document.getElementById("console-settings").textContent);
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value); else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
};
const money = (value, currency = "USD") => Number(value).toLocaleString("en-US", { style: "currency", currency });
const timeFormat = (timeZone) => new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const businessTime = timeFormat(SETTINGS.timeZone);
const localClock = (iso, timeZone) => new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "numeric", minute: "2-digit" }).format(new Date(iso));
const dayIn = (iso, timeZone) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
const ADVANCE_NAMES = { PT1H: "1 hour", PT6H: "6 hours", P1D: "1 day", P3D: "3 days", P1W: "1 week", P14D: "2 weeks", P30D: "30 days" };

// Links in texts and Slack posts open in a new tab; only http(s) addresses become links.
const URL_PATTERN = /https?:\\/\\/[^\\s<>"]+/g;
function linkified(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(/[.,;:!?)\\]…]+$/, "");
    parts.push(text.slice(last, match.index), el("a", { href: url, target: "_blank", rel: "noopener" }, url));
    last = match.index + url.length;
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== "");
}
// Slack mrkdwn: <url|label> and <url> are links; &amp; &lt; &gt; are its only escapes.
function slackText(text) {
  const decode = (value) => value.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/<(https?:[^|>]+)(?:\\|([^>]*))?>/g)) {
    parts.push(...linkified(decode(text.slice(last, match.index))));
    const url = decode(match[1]);
    parts.push(el("a", { href: url, target: "_blank", rel: "noopener" }, decode(match[2] || match[1])));
    last = match.index + match[0].length;
  }
  parts.push(...linkified(decode(text.slice(last))));
  return parts;
}

// ---- Talking to the control API --------------------------------------------------------

let pending = 0;
let lastState = null;
let lastText = "";

function setStatus(text, state) {
  $("status").textContent = text;
  $("status").dataset.state = state;
}

function busy(on) {
  pending += on ? 1 : -1;
  document.body.setAttribute("aria-busy", pending > 0 ? "true" : "false");
  $("move-clock").disabled = pending > 0;
  $("reset").disabled = pending > 0;
}

/** One control call: a status while it runs (the app has settled when it answers), then a fresh view. */
async function call(label, method, url, body, progress) {
  busy(true);
  setStatus(label + "…", "busy");
  let running = true;
  const watcher = progress ? setInterval(() => refresh().then(() => running && lastState && progress(lastState)), 800) : null;
  try {
    const response = await fetch(url, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || response.statusText);
    return data;
  } catch (error) {
    setStatus(label + " failed: " + String(error.message || error), "error");
    throw error;
  } finally {
    running = false;
    if (watcher) clearInterval(watcher);
    busy(false);
    await refresh();
  }
}
const done = (text) => setStatus(text, "done");
const ignore = () => {};

function counts(state) {
  return {
    texts: (state.phones || []).reduce((sum, phone) => sum + (phone.messages || []).filter((m) => m.from !== "phone").length, 0),
    slack: (state.slack || []).length,
  };
}

// ---- Rendering --------------------------------------------------------------------------

function customerByPhone(state) {
  const byPhone = new Map();
  for (const customer of state.customers || []) {
    const phone = (customer.Mobile && customer.Mobile.FreeFormNumber) || (customer.PrimaryPhone && customer.PrimaryPhone.FreeFormNumber);
    if (phone) byPhone.set(phone, customer);
  }
  return byPhone;
}

function threadStates(state) {
  // Optional section: the app's thread per phone, when the sandbox is wired to offer it.
  return new Map((state.threads || []).map((thread) => [thread.phone, thread.state]));
}

function renderPhones(state) {
  const customers = customerByPhone(state);
  const threads = threadStates(state);
  const phones = [...(state.phones || [])].sort((a, b) => (a.name || "~" + a.e164).localeCompare(b.name || "~" + b.e164));
  $("phones").replaceChildren(...phones.map((phone) => {
    const customer = customers.get(phone.e164);
    const name = phone.name || phone.e164;
    const open = (state.invoices || []).filter((invoice) => customer && invoice.customerId === customer.Id)
      .reduce((sum, invoice) => sum + Number(invoice.balance || 0), 0);
    const spanish = customer && /lang:es/i.test(customer.Notes || "");
    const facts = el("div", { class: "facts" },
      customer ? el("span", { class: "badge" + (open === 0 ? " paid" : ""), "data-testid": "balance-" + phone.e164 }, "Balance " + money(open)) : null,
      customer ? el("span", { class: "badge" }, spanish ? "Spanish" : "English") : null,
      threads.has(phone.e164) ? el("span", { class: "badge state", "data-testid": "thread-state-" + phone.e164, title: "Thread state in the app" }, threads.get(phone.e164)) : null,
      phone.optedOut ? el("span", { class: "badge warn", "data-testid": "opted-out-" + phone.e164 }, "Opted out") : null,
      phone.fault ? el("span", { class: "badge warn" }, phone.fault === "landline" ? "Landline: no texts" : "Fault " + phone.fault) : null,
      phone.timeZone ? el("span", { class: "muted", title: phone.timeZone }, "Local time " + localClock(state.clock, phone.timeZone)) : null);
    const bubbles = el("div", { class: "bubbles", role: "log", "aria-label": "Conversation with " + name, "data-testid": "bubbles-" + phone.e164 },
      ...(phone.messages || []).map((m) => {
        const failed = m.status === "failed" || m.status === "undelivered";
        const meta = businessTime.format(new Date(m.at)) + (m.from === "phone" ? "" : " · " + m.status + (m.errorCode ? " " + m.errorCode : ""));
        return el("div", { class: "bubble " + (m.from === "phone" ? "out" : "in") + (failed ? " failed" : ""), "data-from": m.from },
          ...linkified(m.body), el("span", { class: "meta" }, meta));
      }));
    if ((phone.messages || []).length === 0) bubbles.append(el("p", { class: "muted" }, "No texts yet."));
    const input = el("input", { "aria-label": "Reply from " + phone.e164, "data-draft": "reply-" + phone.e164, placeholder: "Text the business…", autocomplete: "off" });
    const form = el("form", { class: "reply", onsubmit: (event) => {
      event.preventDefault();
      const body = input.value.trim();
      if (!body) return;
      input.value = "";
      drafts.delete("reply-" + phone.e164);
      call("Texting “" + body + "” from " + name, "POST", "/_sandbox/phones/" + encodeURIComponent(phone.e164) + "/messages", { body })
        .then(() => done(name + " texted “" + body + "”: the app has answered."), ignore);
    } }, input, el("button", { type: "submit" }, "Send"));
    return el("article", { class: "phone", "aria-label": name + "'s phone", "data-testid": "phone-" + phone.e164, "data-filter": [name, phone.e164].join(" ") },
      el("h3", {}, el("span", {}, name), el("span", { class: "muted" }, phone.e164)), facts, bubbles, form);
  }));
  for (const box of document.querySelectorAll("#phones .bubbles")) box.scrollTop = box.scrollHeight;
}

function invoiceStatus(invoice, today) {
  if (Number(invoice.total) === 0 && Number(invoice.balance) === 0) return "Voided";
  if (Number(invoice.balance) === 0) return "Paid";
  if (Number(invoice.balance) < Number(invoice.total)) return "Partly paid";
  if (invoice.dueDate < today) return "Overdue";
  if (invoice.dueDate === today) return "Due today";
  return "Upcoming";
}

function renderInvoices(state) {
  const today = dayIn(state.clock, SETTINGS.timeZone);
  const rows = (state.invoices || []).map((invoice) => {
    const number = invoice.docNumber || invoice.id;
    const status = invoiceStatus(invoice, today);
    const settled = status === "Paid" || status === "Voided";
    return el("tr", { class: settled ? "settled" : "", "data-testid": "invoice-" + number, "data-filter": [number, invoice.customerName].join(" ") },
      el("td", { class: "nowrap" }, number), el("td", {}, invoice.customerName || ""), el("td", { class: "date" }, invoice.dueDate),
      el("td", { class: "num" }, money(invoice.total, invoice.currency)),
      el("td", { class: "num", "data-testid": "invoice-balance-" + number }, money(invoice.balance, invoice.currency)),
      el("td", { class: "nowrap", "data-testid": "invoice-status-" + number }, status),
      el("td", { class: "actions" },
        el("button", { type: "button", disabled: settled, "aria-label": "Record check on invoice " + number, onclick: () => {
          const amount = prompt("Check amount for invoice " + number + " (" + invoice.customerName + ")", String(invoice.balance));
          if (!amount) return;
          call("Recording a " + money(amount) + " check on invoice " + number, "POST", "/_sandbox/qbo/invoices/" + invoice.id + "/payments", { amount: Number(amount) })
            .then(() => done("Check of " + money(amount) + " recorded on invoice " + number + "."), ignore);
        } }, "Record check"),
        el("button", { type: "button", disabled: settled, "aria-label": "Edit due date of invoice " + number, onclick: () => {
          const due = prompt("New due date for invoice " + number + " (YYYY-MM-DD)", invoice.dueDate);
          if (!due) return;
          call("Moving invoice " + number + " due date to " + due, "PATCH", "/_sandbox/qbo/invoices/" + invoice.id, { DueDate: due })
            .then(() => done("Invoice " + number + " now falls due " + due + "."), ignore);
        } }, "Edit due date")));
  });
  $("invoices").replaceChildren(el("table", { "aria-labelledby": "qbo-title" },
    el("thead", {}, el("tr", {}, ...[["#"], ["Customer"], ["Due"], ["Total", "num"], ["Balance", "num"], ["Status"], [""]].map(([h, c]) => el("th", { class: c }, h)))),
    el("tbody", {}, ...rows)));
}

function renderQuickBooksPayments(state) {
  const payments = [...(state.quickbooksPayments || [])].reverse();
  $("qbo-payments").replaceChildren(payments.length === 0 ? el("p", { class: "muted" }, "No payments recorded yet.") :
    el("table", { "aria-labelledby": "qbo-payments-title" },
      el("thead", {}, el("tr", {}, ...[["Date"], ["Customer"], ["Amount", "num"], ["Applied to"], ["Ref / memo"]].map(([h, c]) => el("th", { class: c }, h)))),
      el("tbody", {}, ...payments.map((payment) => el("tr", { "data-testid": "qbo-payment-" + payment.id, "data-filter": [payment.customerName, ...payment.invoices.map((i) => i.docNumber), payment.memo || ""].join(" ") },
        el("td", { class: "date" }, payment.date), el("td", {}, payment.customerName),
        el("td", { class: "num" }, money(payment.amount, payment.currency)),
        el("td", {}, payment.invoices.length === 0 ? "unapplied" : payment.invoices.map((i) => "#" + i.docNumber + " " + money(i.amount, payment.currency)).join(", ")
          + (Number(payment.unapplied) > 0 ? " (" + money(payment.unapplied, payment.currency) + " unapplied)" : "")),
        el("td", { class: "memo" }, [payment.reference, payment.memo].filter(Boolean).join(" · ")))))));
}

function renderStripe(state) {
  const sessions = [...((state.stripe && state.stripe.sessions) || [])].reverse();
  // A session is for whoever got the pay link it goes back to.
  const payerOf = (session) => {
    const link = session.cancelUrl;
    const phone = link && (state.phones || []).find((p) => (p.messages || []).some((m) => m.body.includes(link)));
    return phone ? phone.name || phone.e164 : "";
  };
  $("stripe").replaceChildren(sessions.length === 0 ? el("p", { class: "muted" }, "No checkout sessions yet: open a pay link and press Pay there.") :
    el("table", { "aria-labelledby": "stripe-title" },
      el("thead", {}, el("tr", {}, ...[["For"], ["Amount", "num"], ["Status"], [""]].map(([h, c]) => el("th", { class: c }, h)))),
      el("tbody", {}, ...sessions.map((s) => {
        const payer = payerOf(s);
        const amount = money((s.amountMinor || 0) / 100, (s.currency || "usd").toUpperCase());
        const pay = (outcome) => call((outcome === "succeeded" ? "Paying " : "Declining ") + amount + (payer ? " for " + payer : ""), "POST", "/_sandbox/stripe/sessions/" + s.id + "/pay", { outcome })
          .then(() => done(outcome === "succeeded" ? amount + " paid through Stripe Checkout" + (payer ? " for " + payer : "") + "." : "The card was declined."), ignore);
        return el("tr", { class: s.status === "open" ? "" : "settled", "data-testid": "checkout-" + s.id, "data-filter": [payer, s.description || ""].join(" ") },
          el("td", {}, el("div", {}, payer || "—"), el("div", { class: "muted" }, s.description || s.id)),
          el("td", { class: "num" }, amount),
          el("td", { "data-testid": "checkout-status-" + s.id }, s.status === "open" ? "open" : s.status + " (" + s.paymentStatus + ")"),
          el("td", { class: "actions" }, s.status === "open" ? el("span", {},
            s.url ? el("a", { href: s.url, target: "_blank", rel: "noopener" }, "Checkout page") : null, " ",
            el("button", { type: "button", onclick: () => pay("succeeded") }, "Pay"), " ",
            el("button", { type: "button", onclick: () => pay("failed") }, "Fail")) : ""));
      }))));
}

function renderSlack(state) {
  const messages = [...(state.slack || [])].reverse();
  $("slack").replaceChildren(messages.length === 0 ? el("p", { class: "muted" }, "Nothing for staff yet.") : el("div", {}, ...messages.map((m) => {
    const posted = businessTime.format(new Date(Number(m.ts.split(".")[0]) * 1000));
    const input = el("input", { "aria-label": "Reply in Slack thread " + m.ts, "data-draft": "slack-" + m.ts, placeholder: "Reply in thread as staff…", autocomplete: "off" });
    return el("article", { class: "slack", "data-testid": "slack-" + m.ts, "data-filter": m.text || "" },
      el("div", { class: "muted" }, posted),
      el("div", { class: "text" }, ...slackText(m.text || "")),
      el("div", {}, ...(m.buttons || []).map((b) => el("button", { type: "button", onclick: () =>
        call("Clicking " + b.text + " in Slack", "POST", "/_sandbox/slack/actions", { message_ts: m.ts, action_id: b.action_id, user: "sandbox-staff" })
          .then(() => done("Clicked " + b.text + " in Slack."), ignore) }, b.text))),
      (m.replies || []).length === 0 ? null : el("div", { class: "replies" }, ...m.replies.map((r) => el("div", { class: "muted" }, r.user + ": ", ...slackText(r.text)))),
      el("form", { class: "reply", onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        input.value = "";
        drafts.delete("slack-" + m.ts);
        call("Replying in the Slack thread", "POST", "/_sandbox/slack/threads/" + encodeURIComponent(m.ts) + "/replies", { text, user: "sandbox-staff" })
          .then(() => done("Replied in the Slack thread."), ignore);
      } }, input, el("button", { type: "submit" }, "Reply")));
  })));
}

function applyFilter() {
  const words = $("filter").value.trim().toLowerCase().split(/\\s+/).filter(Boolean);
  for (const node of document.querySelectorAll("[data-filter]")) {
    const text = node.dataset.filter.toLowerCase();
    node.hidden = words.length > 0 && !words.every((word) => text.includes(word));
  }
  // A table whose every row is filtered out goes too, headers and all.
  for (const table of document.querySelectorAll("main table")) {
    const rows = [...table.querySelectorAll("tbody tr")];
    table.hidden = rows.length > 0 && rows.every((row) => row.hidden);
  }
}

// What a person is typing survives re-rendering, and so does the focus.
const drafts = new Map();
document.addEventListener("input", (event) => {
  if (event.target.dataset && event.target.dataset.draft) drafts.set(event.target.dataset.draft, event.target.value);
});

function render(state) {
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.draft : undefined;
  $("clock").textContent = businessTime.format(new Date(state.clock));
  $("clock").setAttribute("datetime", state.clock);
  $("clock-zone").textContent = "(" + SETTINGS.timeZone + ")";
  renderPhones(state); renderInvoices(state); renderQuickBooksPayments(state); renderStripe(state); renderSlack(state);
  for (const input of document.querySelectorAll("[data-draft]")) {
    if (drafts.has(input.dataset.draft)) input.value = drafts.get(input.dataset.draft);
    if (input.dataset.draft === focused) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  }
  applyFilter();
}

async function refresh() {
  try {
    const response = await fetch("/_sandbox/state");
    const text = await response.text();
    if (!response.ok) throw new Error(response.statusText);
    if (text === lastText) return;
    lastText = text;
    lastState = JSON.parse(text);
    render(lastState);
  } catch (error) {
    setStatus("Sandbox unreachable: " + error.message, "error");
  }
}

$("clock-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const advance = $("advance").value;
  const name = ADVANCE_NAMES[advance] || advance;
  const before = lastState ? counts(lastState) : { texts: 0, slack: 0 };
  const label = "Moving the clock " + name + " (the app acts at every scheduled moment on the way)";
  call(label, "POST", "/_sandbox/clock", { advance }, (state) =>
    setStatus(label + "… now " + businessTime.format(new Date(state.clock)), "busy"))
    .then((data) => {
      const after = lastState ? counts(lastState) : before;
      const texts = after.texts - before.texts;
      const posts = after.slack - before.slack;
      done("Clock moved " + name + " to " + businessTime.format(new Date(data.clock)) + ": " + texts + (texts === 1 ? " new text" : " new texts") + " from the business, " + posts + (posts === 1 ? " new Slack post." : " new Slack posts."));
    }, ignore);
});
$("filter").addEventListener("input", applyFilter);
$("reset").addEventListener("click", () => {
  if (!confirm("Reset the sandbox to a fresh demo company? Every text, payment and Slack post goes.")) return;
  call("Resetting the demo company", "POST", "/_sandbox/reset", { seed: "demo" }).then(() => done("The demo company is fresh again."), ignore);
});
refresh();
setInterval(() => { if (pending === 0) refresh(); }, 2000);
</script>
</body>
</html>`;
}
