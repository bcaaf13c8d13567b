// One transaction's view of the ports: typed record reads/writes, the caller, the clock, events.
import type { EventPayload, JsonObject, Ports } from '../ports';
import { CALLER_ID_PATTERN } from '../protocol/caller-id';
import { EcarError } from '../protocol/errors';
import { toJsonObject } from '../protocol/json';

/** Turns a stored JSON object back into a typed record (state is written only by the domain). */
export type Decoder<T> = (json: JsonObject) => T;

/**
 * A decoder for flat records whose listed fields hold bigint minor units as decimal strings; all
 * other fields are stored as they are. State is written only by this domain (and sealed in
 * confidential mode), so the shape is trusted; a wrong shape is an INTERNAL error, not user input.
 */
export function recordDecoder<T extends object>(bigintFields: readonly (keyof T & string)[]): Decoder<T> {
  return (json) => {
    const out: Record<string, unknown> = { ...json };
    for (const field of bigintFields) {
      const value = json[field];
      if (typeof value !== 'string' || !/^-?[0-9]+$/.test(value)) {
        throw new EcarError('INTERNAL', `stored record has no integer field '${field}'`);
      }
      out[field] = BigInt(value);
    }
    return out as T;
  };
}

export class Tx {
  readonly #ports: Ports;

  constructor(ports: Ports) {
    this.#ports = ports;
  }

  get ports(): Ports {
    return this.#ports;
  }

  /** The caller id, checked once: it becomes part of state keys. */
  get caller(): string {
    const id = this.#ports.caller.id;
    if (!CALLER_ID_PATTERN.test(id)) {
      throw new EcarError('FORBIDDEN', 'the caller identity cannot be used as an account id');
    }
    return id;
  }

  get now(): number {
    return this.#ports.clock.nowMs;
  }

  /** How far the transaction time may be off (see Clock.skewMs). */
  get skewMs(): number {
    return this.#ports.clock.skewMs ?? 0;
  }

  /** True only when `deadlineMs` has passed even if the transaction time runs early by the skew. */
  surelyAfter(deadlineMs: number): boolean {
    return this.now - this.skewMs >= deadlineMs;
  }

  /** True only when `deadlineMs` is still ahead even if the transaction time runs late by the skew. */
  surelyBefore(deadlineMs: number): boolean {
    return this.now + this.skewMs < deadlineMs;
  }

  get txId(): string {
    return this.#ports.clock.txId;
  }

  async read<T>(key: string, decode: Decoder<T>): Promise<T | undefined> {
    const json = await this.#ports.store.get(key);
    return json === undefined ? undefined : decode(json);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#ports.store.get(key)) !== undefined;
  }

  async write(key: string, record: object): Promise<void> {
    await this.#ports.store.put(key, toJsonObject(record));
  }

  async remove(key: string): Promise<void> {
    await this.#ports.store.delete(key);
  }

  async scan<T>(prefix: string, decode: Decoder<T>): Promise<{ key: string; value: T }[]> {
    const entries = await this.#ports.store.range(prefix);
    return entries.map((entry) => ({ key: entry.key, value: decode(entry.value) }));
  }

  emit(name: string, payload: EventPayload): void {
    this.#ports.events.emit(name, payload);
  }
}
