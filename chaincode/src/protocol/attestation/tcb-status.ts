// TCB statuses and how Intel's QVL combines them: the platform TCB level with the TDX module's status,
// then with the QE's status; advisory ids are the union of every level that contributed.

export const TcbStatuses = [
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
] as const;

/** A platform TCB status as the TCB info and the verification result spell it. */
export type TcbStatus = (typeof TcbStatuses)[number];

/** Statuses of QE identity and TDX module identity levels. */
export type IdentityTcbStatus = 'UpToDate' | 'OutOfDate' | 'Revoked';

export function isTcbStatus(value: unknown): value is TcbStatus {
  return typeof value === 'string' && (TcbStatuses as readonly string[]).includes(value);
}

export function isIdentityTcbStatus(value: unknown): value is IdentityTcbStatus {
  return value === 'UpToDate' || value === 'OutOfDate' || value === 'Revoked';
}

/**
 * An identity status (QE, TDX module) applied to a platform status, as QVL's
 * convergeTcbStatusWithQeTcbStatus / convergeTcbStatusWithTdxModuleStatus do: an out-of-date identity
 * makes an otherwise current platform OutOfDate (keeping "configuration needed"), a revoked one Revoked.
 */
export function convergeTcbStatus(platform: TcbStatus, identity: IdentityTcbStatus): TcbStatus {
  if (identity === 'Revoked') return 'Revoked';
  if (identity === 'OutOfDate') {
    if (platform === 'UpToDate' || platform === 'SWHardeningNeeded') return 'OutOfDate';
    if (platform === 'ConfigurationNeeded' || platform === 'ConfigurationAndSWHardeningNeeded') {
      return 'OutOfDateConfigurationNeeded';
    }
  }
  return platform;
}

/** Union of advisory id lists, first occurrence order kept. */
export function mergeAdvisoryIds(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}
