// What OCMF's one-letter meter states (ST, OCMF table 10) and time states (TM suffix, table 19)
// mean, in the words a transparency tool shows.
import type { MeterStatus, TimeStatus } from '../../../chaincode/src/protocol/ocmf';

const METER_STATUS_TEXT: Readonly<Record<MeterStatus, string>> = {
  N: 'not present',
  G: 'OK',
  T: 'timeout',
  D: 'disconnected',
  R: 'not found',
  M: 'manipulated',
  X: 'exchanged',
  I: 'incompatible',
  O: 'out of range',
  S: 'substitute value',
  E: 'other error',
  F: 'read error',
};

const TIME_STATUS_TEXT: Readonly<Record<TimeStatus, string>> = {
  U: 'unknown, not synchronised',
  I: 'informative clock',
  S: 'synchronised',
  R: 'relative (legal time since start)',
};

export function meterStatusText(status: MeterStatus): string {
  return METER_STATUS_TEXT[status];
}

export function timeStatusText(status: TimeStatus): string {
  return TIME_STATUS_TEXT[status];
}
