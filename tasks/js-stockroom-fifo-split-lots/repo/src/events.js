/**
 * A minimal synchronous event emitter, so that reports and alerts can follow the ledger without
 * the ledger knowing about them.
 */
export class Emitter {
  constructor() {
    /** @type {Map<string, Function[]>} */
    this.listeners = new Map();
  }

  /** Calls `fn(payload)` on every `event`; returns a function that unsubscribes. */
  on(event, fn) {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
    return () => this.off(event, fn);
  }

  /** Like `on`, but only for the next event. */
  once(event, fn) {
    const off = this.on(event, (payload) => {
      off();
      fn(payload);
    });
    return off;
  }

  /** Removes one listener. */
  off(event, fn) {
    const list = this.listeners.get(event);
    if (list) {
      this.listeners.set(
        event,
        list.filter((f) => f !== fn),
      );
    }
  }

  /** Calls every listener of `event` in subscription order. */
  emit(event, payload) {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      fn(payload);
    }
  }

  /** Number of listeners of `event`. */
  listenerCount(event) {
    return (this.listeners.get(event) ?? []).length;
  }
}
