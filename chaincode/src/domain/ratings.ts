// Ratings: once per party (driver rates the station, host rates the driver) per completed session.
//   rating/<stationId>/<sessionId>/<DRIVER|HOST>
import { EcarError } from '../protocol/errors';
import { recordDecoder, type Tx } from './context';
import { Forbidden, InvalidState } from './errors';
import { loadParams } from './params';
import { id, integer, optionalString, parseArgs } from './parse';
import { loadSession } from './sessions';
import { loadStation } from './stations';
import type { Rating } from '../protocol/records';

const decodeRating = recordDecoder<Rating>([]);
export const ratingKeys = {
  rating: (stationId: string, sessionId: string, party: Rating['party']) =>
    `rating/${stationId}/${sessionId}/${party}`,
  station: (stationId: string) => `rating/${stationId}/`,
} as const;

/** rateSession (driver or host of a completed session, once each): score 1-5 and an optional comment. */
export async function rateSession(tx: Tx, raw: unknown): Promise<Rating> {
  const f = parseArgs(raw, ['sessionId', 'score', 'comment']);
  const sessionId = id(f.sessionId, 'sessionId');
  const score = integer(f.score, 'score', { min: 1, max: 5 });
  const comment = optionalString(f.comment, 'comment', { max: 280 });
  await loadParams(tx);
  const session = await loadSession(tx, sessionId);
  const party = session.driver === tx.caller ? 'DRIVER' : session.host === tx.caller ? 'HOST' : undefined;
  if (!party) throw new Forbidden('rateSession', 'the driver or the host of the session');
  if (session.status !== 'COMPLETED')
    throw new InvalidState('session', sessionId, session.status, 'COMPLETED');
  const key = ratingKeys.rating(session.stationId, sessionId, party);
  if (await tx.exists(key))
    throw new EcarError('ALREADY_EXISTS', `you already rated session '${sessionId}'`, { sessionId });
  const rating: Rating = {
    sessionId,
    stationId: session.stationId,
    party,
    score,
    ...(comment === undefined ? {} : { comment }),
    createdAt: tx.now,
  };
  await tx.write(key, rating);
  tx.emit('SessionRated', { sessionId });
  return rating;
}

/** getStationRatings (anyone): how drivers rated a station: count and sum of scores (average = sum / count). */
export async function getStationRatings(
  tx: Tx,
  raw: unknown,
): Promise<{ stationId: string; count: number; scoreSum: number }> {
  const f = parseArgs(raw, ['stationId']);
  const stationId = id(f.stationId, 'stationId');
  await loadStation(tx, stationId);
  const ratings = (await tx.scan(ratingKeys.station(stationId), decodeRating)).filter(
    (r) => r.value.party === 'DRIVER',
  );
  return { stationId, count: ratings.length, scoreSum: ratings.reduce((acc, r) => acc + r.value.score, 0) };
}
