/** Turning failures into one-line messages for VS Code error notifications. */
import { ErrorCodes, FramegateError } from '../protocol';

/** The detail of a gateway validation error, when it says more than the message. */
function detailText(detail: unknown): string | undefined {
  if (detail === undefined || detail === null) return undefined;
  if (typeof detail === 'string') return detail;
  try {
    const text = JSON.stringify(detail);
    return text.length > 300 ? `${text.slice(0, 297)}…` : text;
  } catch {
    return undefined;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof FramegateError || (error instanceof Error && error.name === 'FramegateError')) {
    const fg = error as FramegateError;
    const detail = fg.code === ErrorCodes.InvalidParams ? detailText(fg.detail) : undefined;
    const kind = typeof fg.kind === 'string' && fg.kind !== 'Unknown' ? fg.kind : `error ${fg.code}`;
    return `Framegate ${kind}: ${fg.message}${detail ? ` (${detail})` : ''}`;
  }
  if (error instanceof Error) return `Framegate: ${error.message}`;
  return `Framegate: ${String(error)}`;
}

export function isFramegateError(error: unknown, code: number): boolean {
  return error instanceof FramegateError ? error.code === code : (error as { code?: unknown } | null)?.code === code;
}
