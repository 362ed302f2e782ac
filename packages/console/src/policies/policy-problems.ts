import { AuroraApiError } from '@aurora/sdk';

/** One of Cedar's messages, as the editor shows it beside the text. */
export interface EditorProblem {
  message: string;
  /** 1-based, when Cedar said where. */
  line?: number;
  column?: number;
}

/**
 * Cedar's messages from a refused PUT /v1/policies/ID, those about the document being edited first
 * (they can be placed in its text), then those about other documents of the set; any other error
 * becomes one message.
 */
export function editorProblems(error: unknown, documentId: string): EditorProblem[] {
  if (error instanceof AuroraApiError && error.problem?.errors?.length) {
    const mine = error.problem.errors.filter((e) => e.document === undefined || e.document === documentId);
    const others = error.problem.errors.filter((e) => e.document !== undefined && e.document !== documentId);
    return [
      ...mine.map((e) => ({
        message: e.message,
        ...(e.line !== undefined ? { line: e.line } : {}),
        ...(e.column !== undefined ? { column: e.column } : {}),
      })),
      ...others.map((e) => ({ message: `in document "${e.document}": ${e.message}` })),
    ];
  }
  return [{ message: error instanceof Error ? error.message : String(error) }];
}

/** The lines of `text` with the problems placed on each (1-based lines), for an inline view. */
export function problemsByLine(text: string, problems: EditorProblem[]): { line: string; problems: EditorProblem[] }[] {
  const lines = text.split('\n').map((line) => ({ line, problems: [] as EditorProblem[] }));
  for (const p of problems) {
    if (p.line !== undefined && p.line >= 1 && p.line <= lines.length) lines[p.line - 1]?.problems.push(p);
  }
  return lines;
}
