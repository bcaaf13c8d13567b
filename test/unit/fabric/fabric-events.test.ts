// CollectingEventSink and decodeLedgerEvents: one chaincode event per transaction, whatever the domain emits.
import { expect } from 'chai';
import {
  COMBINED_EVENT_NAME,
  CollectingEventSink,
  decodeLedgerEvents,
} from '../../../chaincode/src/fabric/fabric-events';
import { FakeChaincodeStub } from '../../support/fake-stub';

describe('CollectingEventSink', () => {
  describe('flush', () => {
    it('sets no event when the transaction emitted none', () => {
      const stub = new FakeChaincodeStub();
      new CollectingEventSink().flush(stub);
      expect(stub.events).to.deep.equal([]);
    });

    it('sets one emitted event under its own name with a canonical JSON payload', () => {
      const stub = new FakeChaincodeStub();
      const sink = new CollectingEventSink();
      sink.emit('SessionSettled', { sessionId: 's1', cdrId: 's1', meterPayloadHash: 'ab' });
      sink.flush(stub);
      expect(stub.events).to.deep.equal([
        { name: 'SessionSettled', payload: '{"cdrId":"s1","meterPayloadHash":"ab","sessionId":"s1"}' },
      ]);
    });

    it(`combines several events into one '${COMBINED_EVENT_NAME}' event listing them in order`, () => {
      const stub = new FakeChaincodeStub();
      const sink = new CollectingEventSink();
      sink.emit('TokensMinted', { txId: 't1', paymentRef: 'p1' });
      sink.emit('SessionStarted', { sessionId: 's1', stationId: 'st' });
      sink.flush(stub);
      expect(stub.events).to.have.length(1);
      expect(stub.events[0]?.name).to.equal(COMBINED_EVENT_NAME);
      expect(stub.events[0]?.payload).to.equal(
        '[{"name":"TokensMinted","payload":{"paymentRef":"p1","txId":"t1"}},' +
          '{"name":"SessionStarted","payload":{"sessionId":"s1","stationId":"st"}}]',
      );
    });
  });
});

describe('decodeLedgerEvents', () => {
  const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

  it('reads a single event back', () => {
    expect(decodeLedgerEvents('PayoutConfirmed', bytes('{"payoutId":"p1"}'))).to.deep.equal([
      { name: 'PayoutConfirmed', payload: { payoutId: 'p1' } },
    ]);
  });

  it('reads a combined event back as the list of domain events', () => {
    const stub = new FakeChaincodeStub();
    const sink = new CollectingEventSink();
    sink.emit('A', { id: '1' });
    sink.emit('B', { id: '2' });
    sink.flush(stub);
    const [event] = stub.events;
    expect(decodeLedgerEvents(event!.name, bytes(event!.payload))).to.deep.equal([
      { name: 'A', payload: { id: '1' } },
      { name: 'B', payload: { id: '2' } },
    ]);
  });

  it('throws for a payload that is not what flush writes', () => {
    expect(() => decodeLedgerEvents(COMBINED_EVENT_NAME, bytes('{"a":"b"}'))).to.throw(/list/);
    expect(() => decodeLedgerEvents('X', bytes('{"amount":5}'))).to.throw(/not a string/);
  });
});
