import type { SessionState } from "./objects.js";
import { ZERO_DECIMAL } from "./stripe-state.js";

// The fake hosted Checkout page (what checkout.stripe.com/c/pay/cs_… shows): the amount, the
// line items, and buttons that pay or decline. No card form: this is a sandbox.

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function formatMoney(minor: number, currency: string): string {
  const exponent = ZERO_DECIMAL.has(currency) ? 0 : 2;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format(minor / 10 ** exponent);
}

export function checkoutPage(session: SessionState, notice: string | null): string {
  const total = formatMoney(session.amountTotal, session.currency);
  const items = session.lineItems
    .map(
      (item) =>
        `<li><span>${escapeHtml(item.name)}${item.quantity > 1 ? ` × ${item.quantity}` : ""}</span><span>${escapeHtml(
          formatMoney(item.unitAmount * item.quantity, item.currency),
        )}</span></li>`,
    )
    .join("");
  const action = `/c/pay/${encodeURIComponent(session.id)}`;
  const body =
    session.status === "open"
      ? `${notice ? `<p class="notice" role="alert">${escapeHtml(notice)}</p>` : ""}
  <form method="post" action="${action}/pay"><button class="pay" type="submit" data-testid="pay">Pay ${escapeHtml(total)}</button></form>
  <form method="post" action="${action}/fail"><button class="fail" type="submit" data-testid="fail">Fail (card declined)</button></form>
  ${session.cancelUrl ? `<p><a href="${escapeHtml(session.cancelUrl)}">Cancel and go back</a></p>` : ""}`
      : session.status === "complete"
        ? `<p class="done" data-testid="status">This payment is complete. Thank you.</p>`
        : `<p class="done" data-testid="status">This checkout session has expired.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay ${escapeHtml(total)} · Sandbox Checkout</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f6f9fc; margin: 0; padding: 2rem; color: #1a1f36; }
  main { max-width: 26rem; margin: 0 auto; background: #fff; border-radius: 8px; padding: 1.5rem; box-shadow: 0 2px 8px rgb(0 0 0 / 8%); }
  .sandbox { font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; color: #b45309; }
  ul { list-style: none; padding: 0; } li { display: flex; justify-content: space-between; padding: .25rem 0; }
  .total { font-size: 1.75rem; font-weight: 600; margin: .5rem 0 1rem; }
  button { width: 100%; padding: .75rem; border: 0; border-radius: 6px; font-size: 1rem; margin-top: .5rem; cursor: pointer; }
  .pay { background: #635bff; color: #fff; } .fail { background: #e3e8ee; color: #1a1f36; }
  .notice { background: #fde8e8; color: #9b1c1c; padding: .5rem; border-radius: 4px; }
</style>
</head>
<body>
<main>
  <p class="sandbox">Sandbox checkout: no real money moves</p>
  <p class="total" data-testid="total">${escapeHtml(total)}</p>
  <ul>${items}</ul>
  ${body}
</main>
</body>
</html>`;
}
