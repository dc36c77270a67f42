import net from "node:net";

// Tests talk only to loopback (emulators, the local PostgreSQL server). Anything else is a
// forgotten fake or a real provider call, and fails loudly here instead of leaking out.

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;
const originalConnect = net.Socket.prototype.connect;

function hostOf(args: unknown[]): string | undefined {
  const first = args[0];
  if (typeof first === "object" && first !== null) {
    const options = first as { host?: string; path?: string };
    if (options.path) {
      return "localhost";
    }
    return options.host ?? "localhost";
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) {
    return "localhost";
  }
  return typeof args[1] === "string" ? args[1] : "localhost";
}

net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
  const host = hostOf(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`Network access to ${host} is denied in tests (loopback only)`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
