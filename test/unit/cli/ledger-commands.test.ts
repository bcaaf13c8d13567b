// The role commands against a recording LedgerClient: each sends the right transaction with the
// right arguments (money as decimal strings), prints tables or JSON, and bad flags exit 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { json, RecordingLedger, runCli } from './harness';

interface Case {
  readonly argv: readonly string[];
  readonly kind: 'submit' | 'evaluate';
  readonly fn: string;
  readonly args: unknown;
  /** What the ledger answers (default: the recording ledger's empty answer). */
  readonly answer?: JsonObject;
}

const ACCOUNT = 'w:' + 'ab'.repeat(32);

const CASES: readonly Case[] = [
  // driver
  { argv: ['balance'], kind: 'evaluate', fn: 'getBalance', args: {} },
  {
    argv: [
      'station',
      'search',
      '--country',
      'DE',
      '--city',
      'Berlin',
      '--connector',
      'IEC_62196_T2',
      '--power-type',
      'AC_3_PHASE',
      '--min-power',
      '11000',
      '--limit',
      '5',
      '--all',
    ],
    kind: 'evaluate',
    fn: 'searchStations',
    args: {
      country: 'DE',
      city: 'Berlin',
      connectorStandard: 'IEC_62196_T2',
      powerType: 'AC_3_PHASE',
      minPowerW: 11000,
      availableOnly: false,
      limit: 5,
    },
  },
  {
    argv: ['station', 'address', '--station', 'home-42'],
    kind: 'submit',
    fn: 'getStationAddress',
    args: { stationId: 'home-42' },
  },
  {
    argv: [
      'booking',
      'create',
      '--station',
      'home-42',
      '--evse',
      'EVSE-1',
      '--from',
      '2026-05-01T18:00:00Z',
      '--to',
      '2026-05-01T20:00:00Z',
      '--booking-id',
      'bk-1',
    ],
    kind: 'submit',
    fn: 'createBooking',
    args: {
      bookingId: 'bk-1',
      stationId: 'home-42',
      evseUid: 'EVSE-1',
      startAt: '2026-05-01T18:00:00Z',
      endAt: '2026-05-01T20:00:00Z',
    },
  },
  {
    argv: ['booking', 'cancel', '--booking', 'bk-1'],
    kind: 'submit',
    fn: 'cancelBooking',
    args: { bookingId: 'bk-1' },
  },
  {
    argv: [
      'session',
      'authorize',
      '--station',
      'home-42',
      '--evse',
      'EVSE-1',
      '--connector',
      '1',
      '--hold',
      '30',
    ],
    kind: 'evaluate',
    fn: 'canAuthorize',
    args: { stationId: 'home-42', evseUid: 'EVSE-1', connectorId: '1', holdAmount: '3000' },
    answer: { status: 'Accepted' },
  },
  {
    argv: [
      'session',
      'start',
      '--station',
      'home-42',
      '--evse',
      'EVSE-1',
      '--connector',
      '1',
      '--session-id',
      's-1',
    ],
    kind: 'submit',
    fn: 'startSession',
    args: { sessionId: 's-1', stationId: 'home-42', evseUid: 'EVSE-1', connectorId: '1' },
  },
  {
    argv: [
      'session',
      'stop',
      '--session',
      's-1',
      '--ocmf',
      'OCMF|{"a":1}|{"SD":"00"}',
      '--ocmf',
      'OCMF|{"b":2}|{"SD":"01"}',
    ],
    kind: 'submit',
    fn: 'stopSession',
    args: { sessionId: 's-1', ocmf: ['OCMF|{"a":1}|{"SD":"00"}', 'OCMF|{"b":2}|{"SD":"01"}'] },
  },
  {
    argv: ['session', 'stop', '--session', 's-1', '--unmetered'],
    kind: 'submit',
    fn: 'stopSession',
    args: { sessionId: 's-1' },
  },
  {
    argv: ['session', 'show', '--session', 's-1'],
    kind: 'evaluate',
    fn: 'getSession',
    args: { sessionId: 's-1' },
  },
  {
    argv: ['session', 'list', '--status', 'ACTIVE', '--limit', '10'],
    kind: 'evaluate',
    fn: 'mySessions',
    args: { status: 'ACTIVE', limit: 10 },
  },
  { argv: ['cdr', 'list'], kind: 'evaluate', fn: 'myCdrs', args: {} },
  {
    argv: ['dispute', 'open', '--session', 's-1', '--reason', 'meter stuck'],
    kind: 'submit',
    fn: 'openDispute',
    args: { sessionId: 's-1', reason: 'meter stuck' },
  },
  {
    argv: ['dispute', 'show', '--session', 's-1'],
    kind: 'evaluate',
    fn: 'getDispute',
    args: { sessionId: 's-1' },
  },
  {
    argv: ['rate', '--session', 's-1', '--score', '4', '--comment', 'fine'],
    kind: 'submit',
    fn: 'rateSession',
    args: { sessionId: 's-1', score: 4, comment: 'fine' },
  },
  // host
  {
    argv: [
      'station',
      'update',
      '--station',
      'home-42',
      '--status',
      'INOPERATIVE',
      '--hours',
      'mon-tue 08:00-20:00',
    ],
    kind: 'submit',
    fn: 'updateStation',
    args: {
      stationId: 'home-42',
      status: 'INOPERATIVE',
      openingHours: {
        twentyfourseven: false,
        regularHours: [
          { weekday: 1, periodBegin: '08:00', periodEnd: '20:00' },
          { weekday: 2, periodBegin: '08:00', periodEnd: '20:00' },
        ],
      },
    },
  },
  {
    argv: ['station', 'show', '--station', 'home-42'],
    kind: 'evaluate',
    fn: 'getStation',
    args: { stationId: 'home-42' },
  },
  { argv: ['station', 'mine'], kind: 'evaluate', fn: 'myStations', args: {} },
  {
    argv: [
      'tariff',
      'set',
      '--station',
      'home-42',
      '--energy',
      '0.35',
      '--parking',
      '1.20',
      '--max-price',
      '90',
    ],
    kind: 'submit',
    fn: 'setTariff',
    args: {
      stationId: 'home-42',
      tariff: {
        elements: [
          {
            price_components: [
              { type: 'ENERGY', price: '35', step_size: 1 },
              { type: 'PARKING_TIME', price: '120', step_size: 60 },
            ],
          },
        ],
        max_price: '9000',
      },
    },
  },
  {
    argv: ['tariff', 'show', '--station', 'home-42', '--version', '2'],
    kind: 'evaluate',
    fn: 'getTariff',
    args: { stationId: 'home-42', version: 2 },
  },
  { argv: ['host', 'sessions'], kind: 'evaluate', fn: 'mySessions', args: {} },
  {
    argv: ['host', 'bookings', '--station', 'home-42', '--status', 'CONFIRMED', '--limit', '20'],
    kind: 'evaluate',
    fn: 'stationBookings',
    args: { stationId: 'home-42', status: 'CONFIRMED', limit: 20 },
  },
  {
    argv: ['dispute', 'answer', '--session', 's-1', '--statement', 'meter calibrated'],
    kind: 'submit',
    fn: 'answerDispute',
    args: { sessionId: 's-1', statement: 'meter calibrated' },
  },
  { argv: ['host', 'earnings'], kind: 'evaluate', fn: 'getBalance', args: {} },
  { argv: ['host', 'claim'], kind: 'submit', fn: 'claimEarnings', args: {} },
  {
    argv: ['host', 'payout', '--amount', '25.00', '--payout-id', 'po-1'],
    kind: 'submit',
    fn: 'requestPayout',
    args: { payoutId: 'po-1', amount: '2500' },
  },
  // issuer
  {
    argv: ['issuer', 'mint', '--account', ACCOUNT, '--amount', '50', '--payment-ref', 'psp-1'],
    kind: 'submit',
    fn: 'mint',
    args: { account: ACCOUNT, amount: '5000', paymentRef: 'psp-1' },
  },
  {
    argv: ['issuer', 'payout', 'confirm', '--account', ACCOUNT, '--payout-id', 'po-1'],
    kind: 'submit',
    fn: 'confirmPayout',
    args: { account: ACCOUNT, payoutId: 'po-1' },
  },
  {
    argv: [
      'issuer',
      'payout',
      'fail',
      '--account',
      ACCOUNT,
      '--payout-id',
      'po-1',
      '--reason',
      'IBAN rejected',
    ],
    kind: 'submit',
    fn: 'failPayout',
    args: { account: ACCOUNT, payoutId: 'po-1', reason: 'IBAN rejected' },
  },
  // auditor
  {
    argv: ['audit', 'account', '--account', ACCOUNT],
    kind: 'evaluate',
    fn: 'getBalance',
    args: { account: ACCOUNT },
  },
  // operator
  {
    argv: [
      'operator',
      'init',
      '--issuer',
      'x509:iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii',
      '--auditor',
      'x509:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      '--auditor',
      'x509:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      '--hold-default',
      '30.00',
      '--fee-bps',
      '1000',
      '--transfers',
      'off',
    ],
    kind: 'submit',
    fn: 'initialize',
    args: {
      issuer: 'x509:iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii',
      auditors: [
        'x509:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        'x509:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      ],
      feeBps: 1000,
      holdDefault: '3000',
      transfersEnabled: false,
    },
  },
  { argv: ['operator', 'params', 'show'], kind: 'evaluate', fn: 'getParams', args: {} },
  {
    argv: [
      'operator',
      'params',
      'set',
      '--dispute-window',
      '3600',
      '--signature-method',
      'ECDSA-secp256r1-SHA256',
    ],
    kind: 'submit',
    fn: 'setParams',
    args: { disputeWindowSeconds: 3600, signatureMethods: ['ECDSA-secp256r1-SHA256'] },
  },
  {
    argv: ['operator', 'dispute', 'resolve', '--session', 's-1', '--refund', '12'],
    kind: 'submit',
    fn: 'resolveDispute',
    args: { sessionId: 's-1', refund: '1200' },
  },
  {
    argv: ['operator', 'approve-meter', '--station', 'home-42', '--public-key', 'AB'.repeat(40)],
    kind: 'submit',
    fn: 'approveMeter',
    args: { stationId: 'home-42', publicKey: 'ab'.repeat(40) },
  },
  {
    argv: [
      'operator',
      'params',
      'set',
      ...['--unverified-meters', 'on', '--address-release', '3600', '--addresses-per-day', '3'],
    ],
    kind: 'submit',
    fn: 'setParams',
    args: { allowUnverifiedMeterKeys: true, addressReleaseSeconds: 3600, addressReleasesPerDay: 3 },
  },
  {
    argv: ['operator', 'params', 'set', '--meter-skew', '120', '--meter-power-tolerance', '500'],
    kind: 'submit',
    fn: 'setParams',
    args: { meterClockSkewSeconds: 120, meterPowerToleranceBps: 500 },
  },
];

describe('ecar ledger commands', () => {
  describe('each command sends its transaction', () => {
    for (const c of CASES) {
      it(`ecar ${c.argv.join(' ')} → ${c.kind} ${c.fn}`, async () => {
        const ledger = new RecordingLedger();
        if (c.answer !== undefined) ledger.answer(c.fn, c.answer);
        const run = await runCli(c.argv, { ledger });
        expect(run.code, run.stderr).to.equal(0);
        expect(ledger.calls).to.have.length(1);
        expect(ledger.calls[0]).to.deep.equal({ kind: c.kind, fn: c.fn, args: c.args });
      });
    }
  });

  describe('ids the client chooses', () => {
    it('gives a new session a random id when --session-id is absent', async () => {
      const ledger = new RecordingLedger();
      await runCli(['session', 'start', '--station', 'h', '--evse', 'E', '--connector', '1'], { ledger });
      const args = ledger.calls[0]?.args as { sessionId: string };
      expect(args.sessionId).to.match(/^s-[0-9a-f]{12}$/);
    });
  });

  describe('output', () => {
    it('prints a committed submit as JSON with the transaction id, block and the result', async () => {
      const ledger = new RecordingLedger().answer('mint', {
        account: ACCOUNT,
        amount: '5000',
        paymentRef: 'psp-1',
        replayed: false,
      });
      const run = await runCli(
        ['issuer', 'mint', '--account', ACCOUNT, '--amount', '50.00', '--payment-ref', 'psp-1', '--json'],
        { ledger },
      );
      expect(run.code).to.equal(0);
      expect(json(run)).to.deep.equal({
        transactionId: 'tx-mint',
        blockNumber: '8',
        result: { account: ACCOUNT, amount: '5000', paymentRef: 'psp-1', replayed: false },
      });
      expect(run.stderr, 'no progress text with --json').to.equal('');
    });

    it('shows money as tokens (no minor units) and says where it committed', async () => {
      const ledger = new RecordingLedger().answer('mint', {
        account: ACCOUNT,
        amount: '5000',
        paymentRef: 'psp-1',
      });
      const run = await runCli(
        ['issuer', 'mint', '--account', ACCOUNT, '--amount', '50.00', '--payment-ref', 'psp-1'],
        {
          ledger,
        },
      );
      expect(run.stdout).to.match(/^amount: +50\.00 tokens$/m);
      expect(run.stdout).not.to.include('5000');
      expect(run.stdout).to.include('transaction tx-mint committed in block 8');
      expect(run.stderr).to.equal('submitting mint… committed in block 8\n');
    });

    it('renders station search results as an aligned table', async () => {
      const station = {
        id: 'home-42',
        name: 'Garage',
        location: { country: 'DE', city: 'Berlin', latitude: '52.53', longitude: '13.38' },
        status: 'AVAILABLE',
        tariffVersion: 1,
        evses: [
          { uid: 'EVSE-1', connectors: [{ id: '1', standard: 'IEC_62196_T2', maxElectricPower: 11000 }] },
        ],
      };
      const ledger = new RecordingLedger().answer('searchStations', [station]);
      const run = await runCli(['station', 'search'], { ledger });
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).to.match(/^station +name +area +status +connectors$/);
      expect(lines[1]).to.match(
        /^home-42 +Garage +Berlin DE \(52\.53, 13\.38\) +AVAILABLE +EVSE-1\/1 IEC_62196_T2 11\.0 kW$/,
      );
      expect(lines[0]?.indexOf('name')).to.equal(lines[1]?.indexOf('Garage'));
    });

    it('filters station search by the ENERGY price and shows prices', async () => {
      const station = (id: string): JsonObject => ({
        id,
        name: id,
        location: {},
        status: 'AVAILABLE',
        tariffVersion: 1,
        evses: [],
      });
      const ledger = new RecordingLedger().answer('searchStations', [station('cheap'), station('dear')]);
      const tariffs: Record<string, string> = { cheap: '30', dear: '60' };
      ledger.evaluate = function (fn, args) {
        if (fn === 'getTariff') {
          const id = typeof args?.stationId === 'string' ? args.stationId : '';
          return Promise.resolve({
            stationId: id,
            version: 1,
            tariff: {
              elements: [{ price_components: [{ type: 'ENERGY', price: tariffs[id] ?? '0', step_size: 1 }] }],
            },
          });
        }
        return RecordingLedger.prototype.evaluate.call(this, fn, args);
      };
      const run = await runCli(['station', 'search', '--max-price-kwh', '0.40', '--json'], { ledger });
      const ids = (json(run) as { id: string }[]).map((s) => s.id);
      expect(ids).to.deep.equal(['cheap']);
      const human = await runCli(['station', 'search', '--max-price-kwh', '0.40'], { ledger });
      expect(human.stdout).to.include('ENERGY 0.30/kWh');
    });

    it('reads the OCMF records of a transparency XML export for session stop', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ecar-xml-'));
      const file = join(dir, 'export.xml');
      writeFileSync(
        file,
        '<?xml version="1.0"?><values>' +
          '<value transactionId="1" context="Transaction.Begin"><signedData format="OCMF" encoding="plain">OCMF|{"B":1}|{"SD":"00"}</signedData></value>' +
          '<value transactionId="1" context="Transaction.End"><signedData format="OCMF" encoding="plain">OCMF|{"E":1}|{"SD":"01"}</signedData></value>' +
          '</values>',
      );
      const ledger = new RecordingLedger();
      const run = await runCli(['session', 'stop', '--session', 's-1', '--xml', file], { ledger });
      expect(run.code, run.stderr).to.equal(0);
      expect(ledger.calls[0]?.args).to.deep.equal({
        sessionId: 's-1',
        ocmf: ['OCMF|{"B":1}|{"SD":"00"}', 'OCMF|{"E":1}|{"SD":"01"}'],
      });
    });

    it('builds a one-EVSE station from flags, address sealed apart from the coarse location', async () => {
      const ledger = new RecordingLedger();
      const run = await runCli(
        [
          'station',
          'register',
          '--id',
          'home-42',
          '--name',
          'Garage',
          '--country',
          'DE',
          '--city',
          'Berlin',
          '--postal-code',
          '10115',
          '--lat',
          '52.53',
          '--lon',
          '13.38',
          '--street',
          'Invalidenstr.',
          '--house-number',
          '117',
          '--noshow-fee',
          '5',
        ],
        { ledger },
      );
      expect(run.code, run.stderr).to.equal(0);
      expect(ledger.calls[0]?.args).to.deep.equal({
        stationId: 'home-42',
        name: 'Garage',
        location: {
          country: 'DE',
          city: 'Berlin',
          postalCode: '10115',
          latitude: '52.53',
          longitude: '13.38',
        },
        address: {
          street: 'Invalidenstr.',
          houseNumber: '117',
          postalCode: '10115',
          city: 'Berlin',
          country: 'DE',
        },
        parkingType: 'ON_DRIVEWAY',
        evses: [
          {
            uid: 'EVSE-1',
            connectors: [
              {
                id: '1',
                standard: 'IEC_62196_T2',
                format: 'SOCKET',
                powerType: 'AC_3_PHASE',
                maxVoltage: 230,
                maxAmperage: 16,
                maxElectricPower: 11000,
              },
            ],
          },
        ],
        openingHours: { twentyfourseven: true },
        bookingTerms: { noShowFee: '500', cancelBeforeMinutes: 60, maxDurationMinutes: 240 },
      });
    });

    it('pins a meter from a PEM key as SPKI hex with the signature method of its curve', async () => {
      const { generateKeyPairSync } = await import('node:crypto');
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const ledger = new RecordingLedger();
      const run = await runCli(
        [
          'station',
          'pin-meter',
          '--station',
          'h',
          '--vendor',
          'KEBA',
          '--model',
          'P30',
          '--serial',
          'S1',
          '--public-key',
          pem,
        ],
        { ledger },
      );
      expect(run.code, run.stderr).to.equal(0);
      expect(ledger.calls[0]?.args).to.deep.equal({
        stationId: 'h',
        meter: {
          vendor: 'KEBA',
          model: 'P30',
          serial: 'S1',
          publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
          signatureMethod: 'ECDSA-secp256r1-SHA256',
        },
      });
    });
  });

  describe('bad flags exit 2 and send nothing', () => {
    const BAD: readonly (readonly string[])[] = [
      ['issuer', 'mint', '--account', ACCOUNT, '--amount', '12.505', '--payment-ref', 'p'],
      ['issuer', 'mint', '--account', ACCOUNT, '--amount', '-5', '--payment-ref', 'p'],
      ['issuer', 'mint', '--amount', '5', '--payment-ref', 'p'],
      ['issuer', 'mint', '--account', 'undefined', '--amount', '5000', '--payment-ref', 'psp-test-0001'],
      ['issuer', 'mint', '--account', ACCOUNT.slice(0, -2), '--amount', '5000', '--payment-ref', 'p'],
      ['issuer', 'payout', 'confirm', '--account', 'x509:short', '--payout-id', 'po-1'],
      [
        'booking',
        'create',
        '--station',
        'h',
        '--evse',
        'E',
        '--from',
        'tomorrow',
        '--to',
        '2026-05-01T20:00:00Z',
      ],
      ['session', 'start', '--station', 'bad id!', '--evse', 'E', '--connector', '1'],
      ['session', 'list', '--status', 'RUNNING'],
      ['rate', '--session', 's-1', '--score', '6'],
      ['station', 'search', '--connector', 'SCHUKO'],
      ['station', 'update', '--station', 'h'],
      ['station', 'update', '--station', 'h', '--noshow-fee', '100'],
      ['station', 'register', '--id', 'h'],
      ['station', 'register', '--id', 'h', '--hours', 'someday 08-20'],
      ['tariff', 'set', '--station', 'h'],
      ['operator', 'init', '--issuer', 'x509:i'],
      ['operator', 'params', 'set'],
      ['session', 'stop', '--session', 's-1', '--ocmf', 'x', '--xml', 'y'],
      ['session', 'stop', '--session', 's-1'],
      [
        ...['booking', 'create', '--station', 'h', '--evse', 'E'],
        ...['--from', '2026-05-01T20:00:00Z', '--to', '2026-05-01T18:00:00Z'],
      ],
      ['session', 'stop', '--session', 's-1', '--unmetered', '--ocmf', 'x'],
      ['session', 'stop', '--session', 's-1', '--ocmf', 'a', '--ocmf', 'b', '--ocmf', 'c'],
      ['session', 'stop', '--session', 's-1', '--xml', 'no-such-export.xml'],
      ['session', 'start', '--station', 'h', '--evse', 'E', '--connector', '1', '--hold', '30.001'],
      ['session', 'start', '--station', 'h', '--evse', 'E', '--connector', '1', '--hold', '1,5'],
      [
        'session',
        'start',
        '--station',
        'h',
        '--evse',
        'E',
        '--connector',
        '1',
        '--minor-units',
        '--hold',
        '30.5',
      ],
      ['balance', '--no-such-flag'],
      ['balance', '--profile', '../etc'],
    ];
    for (const argv of BAD) {
      it(`ecar ${argv.join(' ')}`, async () => {
        const ledger = new RecordingLedger();
        const run = await runCli(argv, { ledger });
        expect(run.code, run.stdout + run.stderr).to.equal(2);
        expect(ledger.calls).to.have.length(0);
        expect(run.stderr).to.match(/error/);
      });
    }
  });

  describe('refusals', () => {
    it('exit 1 with the sentence of the code, and {ok:false, code} with --json', async () => {
      const ledger = new RecordingLedger().answer(
        'startSession',
        new EcarError('INSUFFICIENT_FUNDS', 'needs 3000 minor units from purchased but only 0 are available'),
      );
      const argv = ['session', 'start', '--station', 'h', '--evse', 'E', '--connector', '1'];
      const human = await runCli(argv, { ledger });
      expect(human.code).to.equal(1);
      expect(human.stderr.split('\n').filter((l) => l.startsWith('ecar:'))).to.deep.equal([
        'ecar: not enough tokens: top up with the issuer or lower --hold (needs 30.00 tokens from purchased but only 0 are available)',
      ]);
      const machine = await runCli([...argv, '--json'], { ledger });
      expect(machine.code).to.equal(1);
      expect(json(machine)).to.deep.include({ ok: false, code: 'INSUFFICIENT_FUNDS' });
    });

    it('audit totals exits 1 when the supply does not balance', async () => {
      const ledger = new RecordingLedger().answer('auditTotals', {
        minted: '10',
        burned: '0',
        buckets: '9',
        balanced: false,
      });
      const run = await runCli(['audit', 'totals'], { ledger });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('the supply does not balance');
    });

    it('names the profile problem when the profile does not exist', async () => {
      const run = await runCli(['balance', '--profile', 'nobody']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(
        /^ecar: no profile 'nobody' in .*config\.json \(known: test\): create it with 'ecar init --profile nobody/,
      );
    });
  });

  describe('attest status', () => {
    it('says how to name a policy when the profile has none', async () => {
      const run = await runCli(['attest', 'status', '--json']);
      expect(run.code).to.equal(1);
      expect(json(run)).to.deep.include({
        ok: false,
        code: 'PROFILE_INVALID',
        error: "profile 'test' names no attestation policy: ecar init --profile test --policy FILE",
      });
    });

    it('exits 1 and prints why when the enclave set is not trusted', async () => {
      const run = await runCli(['attest', 'status'], {
        attestation: {
          verifiedAt: '2026-03-02T08:00:00Z',
          trusted: false,
          currentEpoch: 1,
          problems: ['vouchers of epoch 1: only Org1MSP vouched, 2 orgs needed'],
          warnings: [],
          enclaves: [],
        },
      });
      expect(run.code).to.equal(1);
      expect(run.stdout).to.match(/trusted: +NO/);
      expect(run.stderr).to.match(
        /^ecar: the enclaves are not trusted: vouchers of epoch 1: only Org1MSP vouched/,
      );
    });

    it('keeps the report in the --json failure when the enclave set is not trusted', async () => {
      const report = {
        verifiedAt: '2026-03-02T08:00:00Z',
        trusted: false,
        currentEpoch: 1,
        problems: ['vouchers of epoch 1: only Org1MSP vouched, 2 orgs needed'],
        warnings: [],
        enclaves: [],
      };
      const run = await runCli(['attest', 'status', '--json'], { attestation: report });
      expect(run.code).to.equal(1);
      const answer = json(run) as { ok: boolean; code: string; result: unknown };
      expect(answer).to.include({ ok: false, code: 'FAILED' });
      expect(answer.result).to.deep.equal(report);
    });

    it('lists every enclave with org, measurement, TCB, epoch and verdict, exit 0 when trusted', async () => {
      const run = await runCli(['attest', 'status'], {
        attestation: {
          verifiedAt: '2026-03-02T08:00:00Z',
          trusted: true,
          currentEpoch: 3,
          problems: [],
          warnings: [],
          enclaves: [
            {
              id: 'aa'.repeat(32),
              mspId: 'Org1MSP',
              measurement: 'bb'.repeat(32),
              tcbStatus: 'UpToDate',
              epoch: 3,
              verified: true,
              reason: null,
            },
            {
              id: 'cc'.repeat(32),
              mspId: 'Org2MSP',
              measurement: 'dd'.repeat(32),
              tcbStatus: 'OutOfDate',
              epoch: null,
              verified: false,
              reason: 'TCB status OutOfDate is not allowed',
            },
          ],
        },
      });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/aaaaaaaaaaaaaaaa… +Org1MSP +bbbbbbbbbbbbbbbb… +UpToDate +3 +verified/);
      expect(run.stdout).to.match(
        /Org2MSP .* OutOfDate +- +NOT verified: TCB status OutOfDate is not allowed/,
      );
    });
  });
});
