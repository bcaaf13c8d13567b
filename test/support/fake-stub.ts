// A small fake of the parts of fabric-shim's ChaincodeStub and ClientIdentity the ledger adapter
// uses, with the peer's semantics that matter: reads see committed state only, keys sort in byte
// order (LevelDB), range iterators must be closed, only committed writes become visible.
import { readFileSync } from 'node:fs';
import type { ClientIdentityLike } from '../../chaincode/src/fabric/fabric-caller';
import type { StateStub, StubIterator, StubKV } from '../../chaincode/src/fabric/stub-state-store';
import { testdataPath } from './testdata';

const compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class FakeChaincodeStub implements StateStub {
  readonly committed = new Map<string, Uint8Array>();
  readonly writes = new Map<string, Uint8Array | null>();
  readonly events: { name: string; payload: string }[] = [];
  readonly ranges: [string, string][] = [];
  openIterators = 0;
  txId = 'fake-tx-0001';
  timestamp = { seconds: 1_772_438_400, nanos: 123_456_789 }; // 2026-03-02T08:00:00.123Z

  getState(key: string): Promise<Uint8Array> {
    return Promise.resolve(this.committed.get(key) ?? new Uint8Array());
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    this.writes.set(key, value);
    return Promise.resolve();
  }

  deleteState(key: string): Promise<void> {
    this.writes.set(key, null);
    return Promise.resolve();
  }

  getStateByRange(startKey: string, endKey: string): Promise<StubIterator> {
    this.ranges.push([startKey, endKey]);
    const kvs: StubKV[] = [...this.committed.entries()]
      .filter(([key]) => compare(key, startKey) >= 0 && compare(key, endKey) < 0)
      .sort(([a], [b]) => compare(a, b))
      .map(([key, value]) => ({ key, value }));
    this.openIterators += 1;
    let index = 0;
    const iterator: StubIterator = {
      next: () => {
        const kv = kvs[index];
        index += 1;
        // like fabric-shim: { done: true } carries no value
        return Promise.resolve(
          kv === undefined ? ({ done: true } as { value: StubKV; done: true }) : { value: kv },
        );
      },
      close: () => {
        this.openIterators -= 1;
        return Promise.resolve();
      },
    };
    return Promise.resolve(iterator);
  }

  getTxID(): string {
    return this.txId;
  }

  getTxTimestamp(): { seconds: { toString(): string }; nanos: number } {
    return this.timestamp;
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.events.push({ name, payload: Buffer.from(payload).toString('utf8') });
  }

  /** Writes committed bytes directly (state left by earlier transactions). */
  seed(key: string, text: string): this {
    this.committed.set(key, Buffer.from(text, 'utf8'));
    return this;
  }

  /** Makes this transaction's writes visible and starts the next transaction. */
  commit(nextTxId = `${this.txId}+`): void {
    for (const [key, value] of this.writes) {
      if (value === null) this.committed.delete(key);
      else this.committed.set(key, value);
    }
    this.writes.clear();
    this.events.length = 0;
    this.txId = nextTxId;
  }

  /** The bytes written at `key` in this transaction, as text. */
  written(key: string): string | null | undefined {
    const value = this.writes.get(key);
    return value === null || value === undefined ? value : Buffer.from(value).toString('utf8');
  }
}

/** Two real X.509 certificates (Intel's SGX root CA and the TCB signing certificate) as PEM. */
export function testCertificates(): { readonly root: string; readonly signer: string } {
  const rootDer = readFileSync(testdataPath('attestation', 'intel-sgx-root-ca.der'));
  const collateral = JSON.parse(
    readFileSync(testdataPath('attestation', 'sgx-v3.collateral.json'), 'utf8'),
  ) as {
    tcb_info_issuer_chain: string;
  };
  const chain = collateral.tcb_info_issuer_chain;
  const signer = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chain)?.[0];
  if (signer === undefined) throw new Error('no certificate in the TCB info issuer chain');
  return { root: toPem(rootDer), signer: `${signer}\n` };
}

export function toPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export function fakeIdentity(mspId: string, certificatePem: string): ClientIdentityLike {
  return {
    getMSPID: () => mspId,
    getIDBytes: () => Buffer.from(certificatePem, 'utf8'),
  };
}
