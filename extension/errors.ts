/**
 * Failures as one-line messages in the user's terms for VS Code notifications and the grid: what
 * went wrong and what to do, without protocol codes or internal ids. The code and the detail go to
 * the log (log.ts writes errors with both).
 */
import { ErrorCodes, FramegateError } from '../protocol';

/** A gateway error as the client rebuilt it (FramegateError, or one that crossed a bundle boundary). */
function asGatewayError(error: unknown): FramegateError | undefined {
  if (error instanceof FramegateError) return error;
  if (error instanceof Error && error.name === 'FramegateError' && typeof (error as { code?: unknown }).code === 'number') return error as FramegateError;
  return undefined;
}

/** DuckDB's class prefixes ("Binder Error: ") and wrappers say nothing to a person. */
function plainEngineText(message: string): string {
  return message
    .replace(/^Failed to extract statements:\s*/i, '')
    .replace(/^(Parser|Binder|Catalog|Conversion|Invalid Input|Out of Range|Not implemented|Constraint) Error:\s*/i, '')
    .replace(/Referenced column ("[^"]*") not found in FROM clause!\s*Candidate bindings: (.*)$/s, 'there is no column $1 (did you mean $2?)')
    .trim();
}

function capitalized(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

function withStop(text: string): string {
  return /[.!?…)]$/.test(text) ? text : `${text}.`;
}

/** Framegate's message for a gateway error, by what the user can do about it. */
function gatewayText(error: FramegateError): string {
  const message = plainEngineText(error.message);
  switch (error.code) {
    case ErrorCodes.InvalidSql:
      return `The SQL is not valid: ${message}`;
    case ErrorCodes.SqlRefused:
      return `Framegate does not run this SQL: ${message}`;
    case ErrorCodes.QueryFailed:
      return `The query failed: ${message}`;
    case ErrorCodes.QueryTimeout:
      return 'The query took longer than the gateway allows and was stopped. Narrow it down (fewer rows, a filter) or ask your admin for a longer --query-timeout-ms.';
    case ErrorCodes.Cancelled:
      return 'Cancelled.';
    case ErrorCodes.ResultNotFound:
      return 'This result is no longer on the gateway (it was closed, or the gateway restarted). Run the query again.';
    case ErrorCodes.FrameNotFound:
      return `${capitalized(withStop(message))} It may have been deleted, or you may not read it.`;
    case ErrorCodes.InternalError:
      return `The gateway failed unexpectedly (${message}). The Framegate log has the details.`;
    case ErrorCodes.InvalidParams:
      return `The gateway did not accept the request: ${message.replace(/^invalid params for \S+: /, '')}`;
    default:
      return capitalized(message);
  }
}

/** The message for a failure, prefixed with "Framegate:" for VS Code notifications. */
export function describeError(error: unknown): string {
  return `Framegate: ${userMessage(error)}`;
}

/** The message for a failure, for places that already say it is Framegate's (the grid's status line). */
export function userMessage(error: unknown): string {
  const gateway = asGatewayError(error);
  if (gateway) return withStop(gatewayText(gateway));
  const text = error instanceof Error ? error.message : String(error);
  return withStop(capitalized(text.replace(/^Framegate:\s*/, '')));
}

export function isFramegateError(error: unknown, code: number): boolean {
  return error instanceof FramegateError ? error.code === code : (error as { code?: unknown } | null)?.code === code;
}

/** A request the user cancelled: nothing to report. */
export function isCancelled(error: unknown): boolean {
  return isFramegateError(error, ErrorCodes.Cancelled);
}
