/**
 * An error the CLI shows as one clear line (plus a hint) instead of a stack
 * trace: bad flags, missing credentials, an unreachable server.
 */
export class CliError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, hint?: string, exitCode = 2) {
    super(message);
    this.name = 'CliError';
    this.hint = hint;
    this.exitCode = exitCode;
  }
}
