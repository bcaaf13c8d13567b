// The typed error of the profile config: which file, which profile and field, and what to fix.

export type ProfileErrorCode =
  /** There is no config file yet. */
  | 'PROFILE_FILE_MISSING'
  /** The config file is not JSON or not the config shape. */
  | 'PROFILE_FILE_INVALID'
  /** No profile of that name (or no default to pick). */
  | 'PROFILE_UNKNOWN'
  /** A field of the profile is missing or wrong, or a file it names does not exist. */
  | 'PROFILE_INVALID';

export class ProfileError extends Error {
  readonly code: ProfileErrorCode;
  /** The config file. */
  readonly file: string;
  readonly profile: string | undefined;
  readonly field: string | undefined;

  constructor(
    code: ProfileErrorCode,
    message: string,
    where: Readonly<{ file: string; profile?: string; field?: string }>,
  ) {
    super(message);
    this.name = 'ProfileError';
    this.code = code;
    this.file = where.file;
    this.profile = where.profile;
    this.field = where.field;
  }
}
