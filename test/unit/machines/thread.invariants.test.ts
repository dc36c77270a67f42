import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { transition } from "xstate";
import { getAdjacencyMap, getSimplePaths } from "xstate/graph";
import {
  type SendSmsParams,
  type ThreadEffect,
  toEffects,
} from "../../../machines/thread.effects.js";
import type { ThreadEvent } from "../../../machines/thread.events.js";
import { threadMachine } from "../../../machines/thread.machine.js";
import { LANGUAGES } from "../../../machines/thread.templates.js";
import {
  restoreThread,
  type ThreadSnapshot,
  topLevelState,
} from "../../../machines/thread.versions.js";
import { PROMPTS_DIR } from "../../../src/adapters/file-templates.js";
import { EVENT_ALPHABET, INPUT, serializeThreadState } from "./thread-events.fixture.js";

// DESIGN §3 invariants, checked on every transition of every reachable state (the
// adjacency map is the whole graph, so a property of every edge holds on every path), plus
// reachability through shortest paths and a path property over bounded simple paths.

interface Edge {
  from: ThreadSnapshot;
  event: ThreadEvent;
  to: ThreadSnapshot;
  effects: ThreadEffect[];
}

const serializeState = (snapshot: ThreadSnapshot) => serializeThreadState(snapshot);
let edges: Edge[] = [];
/** xstate/graph's adjacency map, keyed by serialized snapshot. */
type Adjacency = Record<
  string,
  {
    state: ThreadSnapshot;
    transitions: Record<string, { event: ThreadEvent; state: ThreadSnapshot }>;
  }
>;
let adjacency: Adjacency = {};

const THREAD_STATES = [
  "active",
  "promised",
  "onPlan",
  "paidClaimed",
  "disputed",
  "handedOff",
  "optedOut",
  "closed",
];

function smsEffects(effects: ThreadEffect[]): SendSmsParams[] {
  return effects.flatMap((effect) => (effect.type === "sendSms" ? [effect.params] : []));
}

function isIntent(event: ThreadEvent, intent: string): boolean {
  return event.type === "sms.received" && event.intent === intent;
}

const CARD_NUMBER_WARNING = "reply.card_number_warning";

function hasCardNumber(event: ThreadEvent): boolean {
  return event.type === "sms.received" && event.cardNumberRedacted;
}

/** An effect without the customer's words (they differ between a text and its twin). */
function comparable(effect: ThreadEffect): string {
  const { text: _text, ...params } = effect.params as unknown as Record<string, unknown>;
  return JSON.stringify({ type: effect.type, params });
}

/** The texts an edge sends, leaving out the REQ-57 warning that rides along with an answer. */
function answers(effects: ThreadEffect[]): SendSmsParams[] {
  return smsEffects(effects).filter((sms) => sms.template !== CARD_NUMBER_WARNING);
}

beforeAll(() => {
  adjacency = getAdjacencyMap(threadMachine, {
    events: EVENT_ALPHABET,
    input: INPUT,
    serializeState,
  }) as unknown as Adjacency;
  edges = Object.values(adjacency).flatMap(({ state, transitions }) =>
    Object.values(transitions).map(({ event }): Edge => {
      const from = state;
      const [to, actions] = transition(threadMachine, from, event);
      return { from, event, to, effects: toEffects(actions) };
    }),
  );
}, 120_000);

describe("thread machine invariants over every reachable transition", () => {
  it("explores a graph of real size", () => {
    expect(edges.length).toBeGreaterThan(10_000);
    expect(new Set(edges.map((edge) => topLevelState(edge.to)))).toEqual(new Set(THREAD_STATES));
  });

  it("never reaches the error status", () => {
    expect(
      edges.filter((edge) => edge.to.status === "error").map((edge) => edge.event.type),
    ).toEqual([]);
  });

  it("sends no reminder outside active/onPlan", () => {
    const bad = edges.filter(
      (edge) =>
        smsEffects(edge.effects).some((sms) => sms.kind === "reminder") &&
        !["active", "onPlan"].includes(topLevelState(edge.to)),
    );
    expect(
      bad.map(
        (edge) => `${topLevelState(edge.from)} --${edge.event.type}--> ${topLevelState(edge.to)}`,
      ),
    ).toEqual([]);
  });

  it("after STOP sends at most one confirmation, and nothing but HELP answers until START", () => {
    for (const edge of edges) {
      const from = topLevelState(edge.from);
      const to = topLevelState(edge.to);
      const texts = smsEffects(edge.effects);
      if (from !== "optedOut" && to === "optedOut") {
        expect(texts.length).toBeLessThanOrEqual(1);
        expect(texts.every((sms) => sms.kind === "compliance")).toBe(true);
      }
      if (from === "optedOut") {
        if (isIntent(edge.event, "START")) {
          expect(texts.map((sms) => sms.template)).toEqual(["reply.start_confirm"]);
        } else if (isIntent(edge.event, "HELP")) {
          expect(texts.map((sms) => sms.template)).toEqual(["reply.help"]);
        } else {
          expect(texts, `${edge.event.type} in optedOut`).toEqual([]);
          expect(to).toBe("optedOut");
        }
      }
    }
  });

  it("a carrier-confirmed STOP sends no confirmation of its own", () => {
    const carrier = edges.filter(
      (edge) =>
        edge.event.type === "sms.received" &&
        edge.event.carrierConfirmedOptOut &&
        topLevelState(edge.from) !== "optedOut",
    );
    expect(carrier.length).toBeGreaterThan(0);
    for (const edge of carrier) {
      expect(topLevelState(edge.to)).toBe("optedOut");
      expect(smsEffects(edge.effects)).toEqual([]);
    }
  });

  it("answers HELP in every state", () => {
    const help = edges.filter((edge) => isIntent(edge.event, "HELP"));
    const statesCovered = new Set(help.map((edge) => topLevelState(edge.from)));
    expect(statesCovered.size).toBe(8);
    for (const edge of help) {
      expect(answers(edge.effects).map((sms) => sms.template)).toEqual(["reply.help"]);
    }
  });

  it("warns once about a card number in every state but optedOut, never along with an opt-out", () => {
    const withCard = edges.filter((edge) => hasCardNumber(edge.event));
    expect(new Set(withCard.map((edge) => topLevelState(edge.from)))).toEqual(
      new Set(THREAD_STATES),
    );
    for (const edge of withCard) {
      const from = topLevelState(edge.from);
      const texts = smsEffects(edge.effects);
      const warnings = texts.filter((sms) => sms.template === CARD_NUMBER_WARNING);
      const label = `${edge.event.type} ${JSON.stringify(edge.from.value)} → ${topLevelState(edge.to)}`;
      if (from === "optedOut" || topLevelState(edge.to) === "optedOut") {
        expect(warnings, label).toEqual([]);
        continue;
      }
      expect(warnings, label).toHaveLength(1);
      // First, before the answer, in the answer's language; a reply, so the send gate keeps it
      // from a number that opted out before it went.
      expect(texts[0]?.template, label).toBe(CARD_NUMBER_WARNING);
      expect(warnings[0]?.kind, label).toBe("reply");
      expect(new Set(texts.map((sms) => sms.language)).size, label).toBe(1);
    }
  });

  it("sends the card-number warning only for a text that held one", () => {
    const warned = edges.filter((edge) =>
      smsEffects(edge.effects).some((sms) => sms.template === CARD_NUMBER_WARNING),
    );
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.filter((edge) => !hasCardNumber(edge.event))).toEqual([]);
  });

  it("answers a card-number text as it answers the same words without one", () => {
    // Same state, same intent and details: the only difference in the effects is the warning.
    const plain = new Map<string, Edge>();
    const key = (edge: Edge) => {
      const {
        text: _text,
        cardNumberRedacted: _card,
        ...rest
      } = edge.event as Extract<ThreadEvent, { type: "sms.received" }>;
      return `${serializeState(edge.from)}|${JSON.stringify(rest)}`;
    };
    for (const edge of edges) {
      if (edge.event.type === "sms.received" && !hasCardNumber(edge.event)) {
        plain.set(key(edge), edge);
      }
    }
    let compared = 0;
    for (const edge of edges.filter((candidate) => hasCardNumber(candidate.event))) {
      const twin = plain.get(key(edge));
      if (!twin || isIntent(edge.event, "STOP")) {
        continue; // a longer STOP is an opt-out in the customer's own words (staff notified)
      }
      compared++;
      expect(edge.to.value).toEqual(twin.to.value);
      const withoutWarning = edge.effects.filter(
        (effect) => !(effect.type === "sendSms" && effect.params.template === CARD_NUMBER_WARNING),
      );
      expect(withoutWarning.map(comparable)).toEqual(twin.effects.map(comparable));
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("sends nothing bot-authored while handed off, except compliance replies", () => {
    const fromHandedOff = edges.filter((edge) => topLevelState(edge.from) === "handedOff");
    expect(fromHandedOff.length).toBeGreaterThan(0);
    for (const edge of fromHandedOff) {
      // The card-number warning (REQ-57) is the one bot-written reply allowed here: it protects
      // the customer and cannot wait for a person; it carries no dunning content.
      for (const sms of answers(edge.effects)) {
        expect(["compliance", "staff"], `${edge.event.type} sent ${sms.template}`).toContain(
          sms.kind,
        );
      }
    }
  });

  it("thanks for a payment recorded in QuickBooks once, never for a void, only where the customer spoke", () => {
    const updates = edges.filter((edge) => edge.event.type === "invoices.updated");
    let thanked = 0;
    for (const edge of updates) {
      const from = topLevelState(edge.from);
      const label = `${from} --${JSON.stringify(edge.event)}--> ${topLevelState(edge.to)}`;
      const texts = smsEffects(edge.effects).map((sms) => sms.template);
      const paid = edge.event.type === "invoices.updated" ? edge.event.paidInvoiceIds : [];
      if (texts.length === 0) {
        // A paid claim settled by paying what the thread was chasing always gets the thanks.
        if (from === "paidClaimed" && topLevelState(edge.to) === "closed") {
          const chased = edge.from.context.openInvoices.map((invoice) => invoice.id);
          expect(
            paid.filter((id) => chased.includes(id)),
            label,
          ).toEqual([]);
        }
        continue;
      }
      thanked++;
      expect(texts, label).toEqual(["reply.payment_thanks"]);
      expect(paid.length, label).toBeGreaterThan(0);
      // Only where the customer has spoken: on the ladder a queued reminder may never have
      // reached them, and a thank-you must not be the first text they get.
      expect(["promised", "onPlan", "paidClaimed"], label).toContain(from);
      expect(topLevelState(edge.to), label).toBe("closed");
    }
    expect(thanked).toBeGreaterThan(0);
  });

  it("names only templates that exist in prompts/ in every language", () => {
    const named = new Set(
      edges.flatMap((edge) => smsEffects(edge.effects).map((sms) => sms.template)),
    );
    expect(named.size).toBeGreaterThan(15);
    for (const template of named) {
      for (const language of LANGUAGES) {
        expect(
          existsSync(`${PROMPTS_DIR}/sms/${template}.${language}.md`),
          `${template}.${language}`,
        ).toBe(true);
      }
    }
  });

  it("restores any reachable snapshot from its persisted JSON and behaves like the live one", () => {
    const sample = edges.filter((_, index) => index % 97 === 0);
    for (const edge of sample) {
      const persisted = JSON.parse(JSON.stringify(threadMachine.getPersistedSnapshot(edge.from)));
      const restored = restoreThread(persisted, 1, INPUT);
      const [live, liveActions] = transition(threadMachine, edge.from, edge.event);
      const [again, restoredActions] = transition(threadMachine, restored, edge.event);
      expect(again.value).toEqual(live.value);
      expect(again.context).toEqual(live.context);
      expect(toEffects(restoredActions)).toEqual(toEffects(liveActions));
    }
  });
});

describe("thread machine paths", () => {
  it("reaches every state by a shortest path", () => {
    // Breadth-first over the adjacency map the invariants use (getShortestPaths would build the
    // same map again, ten seconds of CI); each state's path is rebuilt from its parent links.
    const start = restoreThread(null, 1, INPUT);
    const initial = serializeState(start);
    const parent = new Map<string, { from: string; event: ThreadEvent } | null>([[initial, null]]);
    const queue = [initial];
    for (let index = 0; index < queue.length; index += 1) {
      const from = queue[index] as string;
      for (const { state, event } of Object.values(adjacency[from]?.transitions ?? {})) {
        const to = serializeState(state);
        if (!parent.has(to)) {
          parent.set(to, { from, event });
          queue.push(to);
        }
      }
    }
    expect(parent.size).toBe(Object.keys(adjacency).length);
    const firstPathTo = new Map<string, ThreadEvent[]>();
    for (const key of queue) {
      const top = topLevelState(adjacency[key]?.state ?? start);
      if (firstPathTo.has(top)) {
        continue;
      }
      const events: ThreadEvent[] = [];
      for (let link = parent.get(key); link; link = parent.get(link.from)) {
        events.unshift(link.event);
      }
      firstPathTo.set(top, events);
    }
    expect(new Set(firstPathTo.keys())).toEqual(new Set(THREAD_STATES));
    // Replaying each path from the start really ends in its state.
    for (const [top, events] of firstPathTo) {
      let snapshot = start;
      for (const event of events) {
        [snapshot] = transition(threadMachine, snapshot, event);
      }
      expect(topLevelState(snapshot)).toBe(top);
    }
  });

  it("on every bounded simple path, an opt-out sends at most one text and silence follows until START", () => {
    const alphabet = EVENT_ALPHABET.filter(
      (event) =>
        ["STOP", "START", "HELP", "OTHER", "PAID"].some((intent) => isIntent(event, intent)) ||
        (event.type === "check.due" && event.key === "reminder") ||
        event.type === "staff.took_over" ||
        event.type === "consent.revoked",
    );
    // Bounded: vertices are top-level states only, so every simple path visits each of the
    // eight states at most once; each step is still replayed on a real snapshot.
    const paths = getSimplePaths(threadMachine, {
      events: alphabet,
      input: INPUT,
      serializeState: (snapshot) => topLevelState(snapshot),
    });
    const intoOptOut = paths.filter(
      (path) => topLevelState(path.state as ThreadSnapshot) === "optedOut",
    );
    expect(paths.length).toBeGreaterThan(10);
    expect(intoOptOut.length).toBeGreaterThan(1);
    for (const path of paths) {
      let afterStop = false;
      let textsSinceStop = 0;
      for (const step of path.steps) {
        // Each step's state is the snapshot *after* its event; replay from the previous one.
        const index = path.steps.indexOf(step);
        const before =
          index === 0
            ? restoreThread(null, 1, INPUT)
            : (path.steps[index - 1]?.state as ThreadSnapshot);
        const [, actions] = transition(threadMachine, before, step.event);
        const texts = smsEffects(toEffects(actions)).filter((sms) => sms.template !== "reply.help");
        if (isIntent(step.event, "START") && afterStop) {
          afterStop = false;
          continue;
        }
        if (afterStop) {
          textsSinceStop += texts.length;
          expect(textsSinceStop).toBe(0);
        }
        if (
          (isIntent(step.event, "STOP") || step.event.type === "consent.revoked") &&
          topLevelState(before) !== "optedOut"
        ) {
          expect(texts.length).toBeLessThanOrEqual(1);
          afterStop = true;
          textsSinceStop = 0;
        }
      }
    }
  }, 120_000);
});
