import type { CopyLinkView, CopyPageInvoice } from "../../app/invoice-copies.js";
import type { PayLinkBusiness } from "../../app/pay-link-port.js";
import {
  contact,
  escapeHtml,
  formatDate,
  formatMoney,
  heading,
  invalidLinkPage,
  layout,
  type RenderedPage,
} from "./pay-link-page.js";

// The HTML of `/i/:token`, dressed like the pay pages: each invoice with its date, due date,
// total and live balance, a link to its PDF, and a Pay link while something is open. Unknown
// links get the pay pages' generic 404; expired ones a 410 with the business's contact only.

type Language = "en" | "es";

const TEXT = {
  en: {
    title: (business: string) => `Your invoices from ${business}`,
    intro: "Here is a copy of your invoices.",
    invoice: (number: string) => `Invoice ${number}`,
    issued: (date: string) => `Date: ${date}`,
    due: (date: string) => `Due: ${date}`,
    total: (amount: string) => `Total: ${amount}`,
    balance: (amount: string) => `Balance: ${amount}`,
    paid: "Paid",
    voided: "Voided",
    pdf: "View the PDF",
    balanceDue: "Balance due",
    pay: (amount: string | null) => (amount ? `Pay ${amount}` : "Pay online"),
    none: "These invoices are no longer available. Please contact the business.",
    expiredTitle: "This link has expired",
    expiredBody: "For your security, invoice links expire. Contact the business for a new one.",
    unavailableTitle: "Your invoices are not available right now",
    unavailableBody: "We could not load your invoices. Please try again in a few minutes.",
  },
  es: {
    title: (business: string) => `Sus facturas de ${business}`,
    intro: "Aquí tiene una copia de sus facturas.",
    invoice: (number: string) => `Factura ${number}`,
    issued: (date: string) => `Fecha: ${date}`,
    due: (date: string) => `Vence: ${date}`,
    total: (amount: string) => `Total: ${amount}`,
    balance: (amount: string) => `Saldo: ${amount}`,
    paid: "Pagada",
    voided: "Anulada",
    pdf: "Ver el PDF",
    balanceDue: "Saldo pendiente",
    pay: (amount: string | null) => (amount ? `Pagar ${amount}` : "Pagar en línea"),
    none: "Estas facturas ya no están disponibles. Comuníquese con la empresa.",
    expiredTitle: "Este enlace ha vencido",
    expiredBody: "Por su seguridad, los enlaces a facturas vencen. Pida uno nuevo a la empresa.",
    unavailableTitle: "Sus facturas no están disponibles en este momento",
    unavailableBody: "No pudimos cargar sus facturas. Intente de nuevo en unos minutos.",
  },
} as const;

/**
 * The page for a copy link's state; `basePath` is the link's own path (`/i/<token>`), under
 * which each invoice's PDF is served.
 */
export function copyLinkPage(view: CopyLinkView, basePath: string): RenderedPage {
  switch (view.kind) {
    case "not_found":
      return { status: 404, html: invalidLinkPage() };
    case "expired":
      return notice(410, view.business, "expiredTitle", "expiredBody");
    case "unavailable":
      return notice(503, view.business, "unavailableTitle", "unavailableBody");
    case "copy": {
      const language = view.business.language;
      const text = TEXT[language];
      const balanceDue = view.balanceDue
        ? formatMoney(view.balanceDue.minor, view.balanceDue.currency, language)
        : null;
      return {
        status: 200,
        html: layout(language, text.title(view.business.name), [
          heading(view.business.name),
          view.invoices.length > 0
            ? `<p>${escapeHtml(text.intro)}</p><ul class="invoices">${view.invoices
                .map((invoice) => invoiceItem(invoice, basePath, language))
                .join("")}</ul>`
            : `<p>${escapeHtml(text.none)}</p>`,
          balanceDue && view.balanceDue && view.balanceDue.minor > 0
            ? `<p class="total">${escapeHtml(text.balanceDue)}: <strong>${escapeHtml(balanceDue)}</strong></p>`
            : "",
          view.payUrl
            ? `<p><a class="pay" href="${escapeHtml(view.payUrl)}">${escapeHtml(text.pay(balanceDue))}</a></p>`
            : "",
          contact(view.business),
        ]),
      };
    }
  }
}

/** `/i/<token>/invoices/<invoice id>.pdf`: the id is ours (`iv_…`), safe in a path. */
export function copyPdfPath(basePath: string, invoiceId: string): string {
  return `${basePath}/invoices/${encodeURIComponent(invoiceId)}.pdf`;
}

function invoiceItem(invoice: CopyPageInvoice, basePath: string, language: Language): string {
  const text = TEXT[language];
  const money = (minor: number) => formatMoney(minor, invoice.currency, language);
  const state = invoice.voided
    ? text.voided
    : invoice.balanceMinor <= 0
      ? text.paid
      : money(invoice.balanceMinor);
  const dates = [
    invoice.issueDate ? text.issued(formatDate(invoice.issueDate, language)) : null,
    text.due(formatDate(invoice.dueDate, language)),
  ].filter((part): part is string => part !== null);
  return (
    `<li><span>${escapeHtml(text.invoice(invoice.number))}</span>` +
    `<span class="amount">${escapeHtml(state)}</span>` +
    `<span class="due">${escapeHtml(dates.join(" · "))}</span>` +
    `<span class="due">${escapeHtml(text.total(money(invoice.totalMinor)))} · ${escapeHtml(text.balance(money(invoice.balanceMinor)))}</span>` +
    `<span class="due"><a href="${escapeHtml(copyPdfPath(basePath, invoice.id))}">${escapeHtml(text.pdf)}</a></span></li>`
  );
}

function notice(
  status: number,
  business: PayLinkBusiness,
  title: "expiredTitle" | "unavailableTitle",
  body: "expiredBody" | "unavailableBody",
): RenderedPage {
  const text = TEXT[business.language];
  return {
    status,
    html: layout(business.language, text[title], [
      heading(business.name),
      `<h2>${escapeHtml(text[title])}</h2>`,
      `<p>${escapeHtml(text[body])}</p>`,
      contact(business),
    ]),
  };
}
