import { AuroraApiError } from '@aurora/sdk';
import { describe, expect, it } from 'vitest';
import { editorProblems, problemsByLine } from './policy-problems.js';

const refusal = (errors: { message: string; document?: string; line?: number; column?: number }[]) =>
  new AuroraApiError(
    400,
    { type: 't', title: 'Policy invalid', status: 400, code: 'AURORA_POLICY_INVALID', detail: 'd', errors },
    'x',
  );

describe('policy editor problems', () => {
  it("places Cedar's messages about the edited document, and names other documents' messages", () => {
    const problems = editorProblems(
      refusal([
        { message: 'unexpected token `}`', document: 'oncall', line: 3, column: 12 },
        { message: 'ids must be unique', document: 'admin' },
      ]),
      'oncall',
    );
    expect(problems).toEqual([
      { message: 'unexpected token `}`', line: 3, column: 12 },
      { message: 'in document "admin": ids must be unique' },
    ]);
    const lines = problemsByLine('a\nb\nc', problems);
    expect(lines.map((l) => l.problems.length)).toEqual([0, 0, 1]);
  });

  it('any other error is one message without a place', () => {
    expect(editorProblems(new Error('network down'), 'x')).toEqual([{ message: 'network down' }]);
    expect(problemsByLine('a', [{ message: 'm', line: 9 }])[0]?.problems).toEqual([]);
  });
});
