// The emulated workspace's state: one channel, its messages and their threads. Pure data and
// rules (which error Slack answers for what); HTTP and signing live in slack-emulator.ts.

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

export interface SlackStoredMessage {
  ts: string;
  channel: string;
  /** Author's user id (the bot's own user for bot posts). */
  user: string;
  /** Set when a bot token posted it. */
  botId: string | null;
  text: string;
  blocks: SlackBlock[];
  /** The parent's ts for thread replies; null for top-level messages. */
  threadTs: string | null;
  editedTs: string | null;
}

export interface SlackChannelEntry extends SlackStoredMessage {
  replies: SlackStoredMessage[];
}

export class SlackApiError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

/** ts values are "seconds.micros" from the shared clock, strictly increasing and unique. */
export class TsSource {
  private lastMicros = 0;

  next(now: Date): string {
    let micros = now.getTime() * 1000;
    if (micros <= this.lastMicros) {
      micros = this.lastMicros + 1;
    }
    this.lastMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, "0");
    return `${seconds}.${fraction}`;
  }
}

export class SlackWorkspace {
  private readonly messages = new Map<string, SlackStoredMessage>();

  constructor(readonly channelId: string) {}

  reset(): void {
    this.messages.clear();
  }

  get(ts: string): SlackStoredMessage | undefined {
    return this.messages.get(ts);
  }

  requireChannel(channel: unknown): string {
    // Slack resolves ids; names like "#ar" are not accepted for bot posts here on purpose:
    // the adapter is configured with the channel id, which is what Slack recommends.
    if (typeof channel !== "string" || channel !== this.channelId) {
      throw new SlackApiError("channel_not_found");
    }
    return channel;
  }

  post(message: Omit<SlackStoredMessage, "editedTs" | "channel">): SlackStoredMessage {
    if (message.threadTs !== null) {
      const parent = this.messages.get(message.threadTs);
      if (!parent) {
        throw new SlackApiError("thread_not_found");
      }
      // Replies to a reply land in the parent's thread, as in Slack.
      message = { ...message, threadTs: parent.threadTs ?? parent.ts };
    }
    const stored: SlackStoredMessage = { ...message, channel: this.channelId, editedTs: null };
    this.messages.set(stored.ts, stored);
    return stored;
  }

  update(
    ts: string,
    change: { text?: string; blocks?: SlackBlock[] },
    by: { botId: string },
    editedTs: string,
  ): SlackStoredMessage {
    const existing = this.messages.get(ts);
    if (!existing) {
      throw new SlackApiError("message_not_found");
    }
    if (existing.botId !== by.botId) {
      throw new SlackApiError("cant_update_message");
    }
    const updated: SlackStoredMessage = {
      ...existing,
      ...(change.text === undefined ? {} : { text: change.text }),
      ...(change.blocks === undefined ? {} : { blocks: change.blocks }),
      editedTs,
    };
    this.messages.set(ts, updated);
    return updated;
  }

  delete(ts: string): void {
    this.messages.delete(ts);
    for (const [key, message] of this.messages) {
      if (message.threadTs === ts) {
        this.messages.delete(key);
      }
    }
  }

  /** Top-level messages oldest first, each with its thread replies oldest first. */
  history(): SlackChannelEntry[] {
    const all = [...this.messages.values()].sort(byTs);
    return all
      .filter((message) => message.threadTs === null)
      .map((parent) => ({
        ...parent,
        replies: all.filter((reply) => reply.threadTs === parent.ts),
      }));
  }

  thread(ts: string): SlackStoredMessage[] {
    const parent = this.messages.get(ts);
    if (!parent) {
      throw new SlackApiError("thread_not_found");
    }
    const root = parent.threadTs ?? parent.ts;
    const rootMessage = this.messages.get(root);
    const replies = [...this.messages.values()].filter((m) => m.threadTs === root).sort(byTs);
    return rootMessage ? [rootMessage, ...replies] : replies;
  }
}

function byTs(a: SlackStoredMessage, b: SlackStoredMessage): number {
  const [as = "0", af = "0"] = a.ts.split(".");
  const [bs = "0", bf = "0"] = b.ts.split(".");
  return Number(as) - Number(bs) || Number(af) - Number(bf);
}

/** Parses Block Kit as Slack receives it (a JSON string in form bodies, an array in JSON). */
export function parseBlocks(raw: unknown): SlackBlock[] | undefined {
  if (raw === undefined || raw === null || raw === "") {
    return undefined;
  }
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new SlackApiError("invalid_blocks_format");
    }
  }
  if (!Array.isArray(value)) {
    throw new SlackApiError("invalid_blocks_format");
  }
  for (const block of value) {
    if (typeof block !== "object" || block === null || typeof block.type !== "string") {
      throw new SlackApiError("invalid_blocks");
    }
  }
  if (value.length > 50) {
    throw new SlackApiError("invalid_blocks");
  }
  return value as SlackBlock[];
}

/** Finds a button by action_id in actions blocks and section accessories. */
export function findButton(
  blocks: SlackBlock[],
  actionId: string,
): { blockId: string; element: SlackBlock } | undefined {
  for (const block of blocks) {
    const blockId = typeof block.block_id === "string" ? block.block_id : "";
    const candidates: unknown[] = [];
    if (block.type === "actions" && Array.isArray(block.elements)) {
      candidates.push(...block.elements);
    }
    if (block.type === "section" && block.accessory) {
      candidates.push(block.accessory);
    }
    for (const candidate of candidates) {
      if (
        typeof candidate === "object" &&
        candidate !== null &&
        (candidate as SlackBlock).type === "button" &&
        (candidate as SlackBlock).action_id === actionId
      ) {
        return { blockId, element: candidate as SlackBlock };
      }
    }
  }
  return undefined;
}
