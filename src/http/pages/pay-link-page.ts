import type { PayLinkBusiness } from "../../app/pay-link-port.js";
import type { PageInvoice, PayLinkView } from "../../app/pay-links.js";

// The HTML of `/p/:token` (its layout and parts also dress `/i/:token`, copy-link-page.ts):
// small, server-rendered, readable on a phone, no script. Pages for a known link speak the
// customer's language and name the business with its contact details; pages for unknown
// links show nothing about any account (REQ-52, REQ-54).

type Language = "en" | "es";

const TEXT = {
  en: {
    payTitle: (business: string) => `Pay ${business}`,
    invoice: (number: string) => `Invoice ${number}`,
    due: (date: string) => `Due ${date}`,
    balance: "Balance due",
    installment: (number: number) => `Installment ${number}`,
    payButton: (amount: string) => `Pay ${amount}`,
    secure: "You pay on Stripe's secure checkout page. We never see your card or bank details.",
    questions: "Questions? Contact",
    paidTitle: "Already paid — thank you",
    paidBody: "There is nothing left to pay on this link.",
    processingTitle: "Thank you — we received your payment",
    processingBody: "It will show on your account in a few minutes.",
    expiredTitle: "This link has expired",
    expiredBody: "For your security, payment links expire. Contact the business for a new one.",
    unavailableTitle: "Payment is not available right now",
    accountingUnavailable: "We could not load your balance. Please try again in a few minutes.",
    paymentsUnavailable:
      "Online payment is paused for a moment. Please try again in a few minutes.",
    notPayableOnline: "This balance cannot be paid online. Please contact the business.",
  },
  es: {
    payTitle: (business: string) => `Pagar a ${business}`,
    invoice: (number: string) => `Factura ${number}`,
    due: (date: string) => `Vence el ${date}`,
    balance: "Saldo pendiente",
    installment: (number: number) => `Cuota ${number}`,
    payButton: (amount: string) => `Pagar ${amount}`,
    secure:
      "Usted paga en la página segura de Stripe. Nunca vemos los datos de su tarjeta ni de su banco.",
    questions: "¿Preguntas? Comuníquese con",
    paidTitle: "Ya está pagado — ¡gracias!",
    paidBody: "No queda nada por pagar en este enlace.",
    processingTitle: "Gracias — recibimos su pago",
    processingBody: "Se verá en su cuenta en unos minutos.",
    expiredTitle: "Este enlace ha vencido",
    expiredBody: "Por su seguridad, los enlaces de pago vencen. Pida uno nuevo a la empresa.",
    unavailableTitle: "El pago no está disponible en este momento",
    accountingUnavailable: "No pudimos cargar su saldo. Intente de nuevo en unos minutos.",
    paymentsUnavailable: "El pago en línea está en pausa. Intente de nuevo en unos minutos.",
    notPayableOnline: "Este saldo no se puede pagar en línea. Comuníquese con la empresa.",
  },
} as const;

export interface RenderedPage {
  status: number;
  html: string;
}

/** The page for a link's state (not the redirect to Checkout, which has no page). */
export function payLinkPage(view: PayLinkView, formAction: string): RenderedPage {
  switch (view.kind) {
    case "not_found":
      return { status: 404, html: invalidLinkPage() };
    case "expired": {
      const text = TEXT[view.business.language];
      return {
        status: 410,
        html: layout(view.business.language, text.expiredTitle, [
          heading(view.business.name),
          `<h2>${escapeHtml(text.expiredTitle)}</h2>`,
          `<p>${escapeHtml(text.expiredBody)}</p>`,
          contact(view.business),
        ]),
      };
    }
    case "paid": {
      const text = TEXT[view.business.language];
      return {
        status: 200,
        html: layout(view.business.language, text.paidTitle, [
          heading(view.business.name),
          `<h2>${escapeHtml(text.paidTitle)}</h2>`,
          `<p>${escapeHtml(text.paidBody)}</p>`,
          contact(view.business),
        ]),
      };
    }
    case "processing": {
      const text = TEXT[view.business.language];
      return {
        status: 200,
        html: layout(view.business.language, text.processingTitle, [
          heading(view.business.name),
          `<h2>${escapeHtml(text.processingTitle)}</h2>`,
          `<p>${escapeHtml(text.processingBody)}</p>`,
          contact(view.business),
        ]),
      };
    }
    case "unavailable": {
      const text = TEXT[view.business.language];
      const message =
        view.reason === "accounting_unavailable"
          ? text.accountingUnavailable
          : view.reason === "payments_unavailable"
            ? text.paymentsUnavailable
            : text.notPayableOnline;
      return {
        status: view.reason === "not_payable_online" ? 422 : 503,
        html: layout(view.business.language, text.unavailableTitle, [
          heading(view.business.name),
          `<h2>${escapeHtml(text.unavailableTitle)}</h2>`,
          `<p>${escapeHtml(message)}</p>`,
          contact(view.business),
        ]),
      };
    }
    case "payable": {
      const language = view.business.language;
      const text = TEXT[language];
      const amount = formatMoney(view.amountDueMinor, view.currency, language);
      const installment =
        view.installmentNumber !== null
          ? `<p class="installment">${escapeHtml(text.installment(view.installmentNumber))}: <strong>${escapeHtml(amount)}</strong></p>`
          : "";
      return {
        status: 200,
        html: layout(language, text.payTitle(view.business.name), [
          heading(view.business.name),
          `<ul class="invoices">${view.invoices.map((invoice) => invoiceItem(invoice, language)).join("")}</ul>`,
          `<p class="total">${escapeHtml(text.balance)}: <strong>${escapeHtml(formatMoney(view.totalOpenMinor, view.currency, language))}</strong></p>`,
          installment,
          `<form method="post" action="${escapeHtml(formAction)}"><button type="submit">${escapeHtml(text.payButton(amount))}</button></form>`,
          `<p class="note">${escapeHtml(text.secure)}</p>`,
          contact(view.business),
        ]),
      };
    }
  }
}

/** Unknown or malformed links: both languages, and nothing about any account. */
export function invalidLinkPage(): string {
  return layout("en", "This link is not valid", [
    "<h2>This link is not valid</h2>",
    "<p>Check that you opened the whole link from the text message, or contact the business that sent it.</p>",
    '<h2 lang="es">Este enlace no es válido</h2>',
    '<p lang="es">Revise que abrió el enlace completo del mensaje de texto, o comuníquese con la empresa que se lo envió.</p>',
  ]);
}

export function tooManyRequestsPage(): string {
  return layout("en", "Too many requests", [
    "<h2>Too many requests</h2>",
    "<p>Please wait a minute and try again.</p>",
    '<h2 lang="es">Demasiadas solicitudes</h2>',
    '<p lang="es">Espere un minuto e intente de nuevo.</p>',
  ]);
}

export function somethingWentWrongPage(): string {
  return layout("en", "Something went wrong", [
    "<h2>Something went wrong</h2>",
    "<p>Please try again in a few minutes.</p>",
    '<h2 lang="es">Algo salió mal</h2>',
    '<p lang="es">Intente de nuevo en unos minutos.</p>',
  ]);
}

function invoiceItem(invoice: PageInvoice, language: Language): string {
  const text = TEXT[language];
  return (
    `<li><span>${escapeHtml(text.invoice(invoice.number))}</span>` +
    `<span class="amount">${escapeHtml(formatMoney(invoice.balanceMinor, invoice.currency, language))}</span>` +
    `<span class="due">${escapeHtml(text.due(formatDate(invoice.dueDate, language)))}</span></li>`
  );
}

export function heading(businessName: string): string {
  return `<h1>${escapeHtml(businessName)}</h1>`;
}

export function contact(business: PayLinkBusiness): string {
  const ways = [
    business.contactPhone
      ? `<a href="tel:${escapeHtml(business.contactPhone.replace(/[^+\d]/g, ""))}">${escapeHtml(business.contactPhone)}</a>`
      : null,
    business.contactEmail
      ? `<a href="mailto:${escapeHtml(business.contactEmail)}">${escapeHtml(business.contactEmail)}</a>`
      : null,
  ].filter((way): way is string => way !== null);
  return `<p class="contact">${escapeHtml(TEXT[business.language].questions)} ${escapeHtml(business.name)}${ways.length > 0 ? `: ${ways.join(" · ")}` : "."}</p>`;
}

export function formatMoney(minor: number, currency: string, language: Language): string {
  const format = new Intl.NumberFormat(language === "es" ? "es-US" : "en-US", {
    style: "currency",
    currency,
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

export function formatDate(date: string, language: Language): string {
  const instant = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(instant.getTime())) {
    return date;
  }
  return new Intl.DateTimeFormat(language === "es" ? "es-US" : "en-US", {
    dateStyle: "long",
    timeZone: "UTC",
  }).format(instant);
}

export function layout(language: Language, title: string, body: string[]): string {
  return [
    "<!doctype html>",
    `<html lang="${language}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style></head>`,
    `<body><main>${body.filter((part) => part !== "").join("")}</main></body></html>`,
  ].join("");
}

const STYLE = [
  "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f4f5f7;color:#1d2330}",
  "main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem;background:#fff;min-height:100vh;box-sizing:border-box}",
  "h1{font-size:1.35rem;margin:0 0 1rem}h2{font-size:1.15rem}",
  ".invoices{list-style:none;padding:0;margin:0 0 1rem}",
  ".invoices li{display:grid;grid-template-columns:1fr auto;gap:.15rem .5rem;padding:.6rem 0;border-bottom:1px solid #e3e5ea}",
  ".amount{text-align:right;font-weight:600}.due{grid-column:1/3;color:#5b6475;font-size:.9rem}",
  ".total,.installment{font-size:1.1rem}",
  "button{width:100%;padding:.9rem;font-size:1.1rem;font-weight:600;color:#fff;background:#1a5fd0;border:0;border-radius:.5rem}",
  ".note,.contact{color:#5b6475;font-size:.9rem}a{color:#1a5fd0}",
  ".pay{display:block;text-align:center;padding:.9rem;font-size:1.1rem;font-weight:600;color:#fff;background:#1a5fd0;border-radius:.5rem;text-decoration:none}",
].join("");

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
