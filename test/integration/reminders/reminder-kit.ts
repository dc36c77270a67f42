import { startSandboxedApp } from "../../helpers/start-sandboxed-app.js";

// Drives the sandbox through its control API (DESIGN §2), as a person at the console would:
// QuickBooks records, a clock, phones that receive texts.

export type SandboxedApp = Awaited<ReturnType<typeof startSandboxedApp>>;

export interface PhoneMessage {
  /** "business" for texts the phone received, else the phone itself. */
  from: string;
  body: string;
  status: string;
  at: string;
}

export async function startReminderSandbox(startAt: string): Promise<ReminderSandbox> {
  const running = await startSandboxedApp(startAt);
  const sandbox = new ReminderSandbox(running);
  await sandbox.call("POST", "/_sandbox/reset", {});
  return sandbox;
}

export class ReminderSandbox {
  constructor(readonly running: SandboxedApp) {}

  /** The sandbox control API (/_sandbox/…). */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    return requestJson<T>(this.running.sandboxUrl, method, path, body);
  }

  /** A QuickBooks customer with a mobile number and a billing state. */
  async customer(name: string, mobile: string, state = "TX", notes?: string): Promise<string> {
    const created = await this.call<{ Id: string }>("POST", "/_sandbox/qbo/customers", {
      DisplayName: name,
      Mobile: { FreeFormNumber: mobile },
      BillAddr: { Line1: "1 Main St", City: "Somewhere", CountrySubDivisionCode: state },
      ...(notes ? { Notes: notes } : {}),
    });
    return created.Id;
  }

  async invoice(
    customerId: string,
    amount: number,
    dueDate: string,
    docNumber: string,
  ): Promise<string> {
    const created = await this.call<{ Id: string }>("POST", "/_sandbox/qbo/invoices", {
      CustomerRef: { value: customerId },
      DocNumber: docNumber,
      TxnDate: "2026-10-01",
      DueDate: dueDate,
      Line: [{ Amount: amount, DetailType: "SalesItemLineDetail", Description: "Service" }],
    });
    return created.Id;
  }

  async clockTo(to: string): Promise<void> {
    await this.call("POST", "/_sandbox/clock", { to });
  }

  async advance(duration: string): Promise<void> {
    await this.call("POST", "/_sandbox/clock", { advance: duration });
  }

  /** What the business texted this phone, oldest first. */
  async messagesTo(phone: string): Promise<PhoneMessage[]> {
    const { messages } = await this.call<{ messages: PhoneMessage[] }>(
      "GET",
      `/_sandbox/phones/${encodeURIComponent(phone)}/messages`,
    );
    return messages.filter((message) => message.from === "business");
  }

  /** The app's admin API (/api/…), answered on loopback without a token. */
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    return requestJson<T>(this.running.appUrl, method, path, body);
  }

  async companyId(): Promise<string> {
    const { companies } = await this.admin<{ companies: Array<{ id: string }> }>(
      "GET",
      "/api/companies",
    );
    const [company] = companies;
    if (!company) {
      throw new Error("no company in the sandbox");
    }
    return company.id;
  }

  async settings(patch: Record<string, unknown>): Promise<void> {
    await this.admin("PATCH", `/api/companies/${await this.companyId()}/settings`, patch);
  }

  /** Slack posts in the company's channel, oldest first. */
  async slackPosts(): Promise<Array<{ text: string }>> {
    const state = await this.call<{ slack: Array<{ text: string }> }>("GET", "/_sandbox/state");
    return state.slack;
  }

  get emulators() {
    const sandbox = this.running.sandbox;
    if (!sandbox) {
      throw new Error("no sandbox");
    }
    return sandbox.emulators;
  }

  async stop(): Promise<void> {
    await this.running.stop();
  }
}

async function requestJson<T>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}
