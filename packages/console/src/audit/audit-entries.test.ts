import { describe, expect, it } from 'vitest';
import { describeEntry } from './audit-entries.js';

const item = (seq: number, entry: object | string) => ({
  seq,
  hash: 'h',
  entry: typeof entry === 'string' ? entry : JSON.stringify(entry),
});

describe('audit entries in the console', () => {
  it('says who did what and how it ended for requests, logins and refused credentials', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(
      describeEntry(
        item(7, {
          kind: 'request',
          at,
          seq: 7,
          actor: { kind: 'user', id: 'u1', name: 'kim', session: 's' },
          action: 'node.cordon',
          params: { name: 'web-1' },
          outcome: 'allow',
          status: 200,
        }),
      ),
    ).toMatchObject({ seq: 7, at, kind: 'request', who: 'kim', what: 'node.cordon web-1', outcome: 'allow (200)' });
    expect(
      describeEntry(
        item(8, {
          kind: 'request',
          actor: { kind: 'service', id: 't1', name: 'ci' },
          action: 'user.create',
          outcome: 'deny',
          status: 403,
        }),
      ),
    ).toMatchObject({ who: 'ci (service)', what: 'user.create', outcome: 'deny (403)' });
    expect(describeEntry(item(9, { kind: 'login', name: 'admin', outcome: 'failed-and-locked' }))).toMatchObject({
      who: 'admin',
      what: 'login',
      outcome: 'failed-and-locked',
    });
    expect(
      describeEntry(
        item(10, { kind: 'auth.failed', method: 'GET', route: '/v1/nodes', status: 401, sourceIp: '10.0.0.9' }),
      ),
    ).toMatchObject({ who: 'unauthenticated from 10.0.0.9', what: 'GET /v1/nodes', outcome: 'refused (401)' });
  });

  it('names a caller without credentials (a login refresh) anonymous', () => {
    expect(
      describeEntry(
        item(3, {
          kind: 'request',
          actor: { kind: 'anonymous' },
          method: 'POST',
          route: '/v1/sessions/refresh',
          status: 200,
        }),
      ),
    ).toMatchObject({ who: 'anonymous', what: 'POST /v1/sessions/refresh' });
  });

  it('shows other kinds by name and keeps an unreadable entry visible rather than failing', () => {
    expect(describeEntry(item(1, { kind: 'admin.token.reset', via: 'configured' }))).toMatchObject({
      kind: 'admin.token.reset',
      what: 'admin.token.reset',
    });
    expect(describeEntry(item(2, '{not json'))).toMatchObject({ seq: 2, kind: 'unreadable', text: '{not json' });
  });

  it('names a user that still exists by its name, and an erased one by its id (the pseudonym the trail keeps)', () => {
    const names = new Map([['u1', 'kim']]);
    const request = (id: string) =>
      item(10, { kind: 'request', actor: { kind: 'user', id, session: 's' }, action: 'self.read', status: 200 });
    expect(describeEntry(request('u1'), names).who).toBe('kim');
    expect(describeEntry(request('u2'), names).who).toBe('u2');
    expect(describeEntry(item(11, { kind: 'login', userId: 'u1', outcome: 'success' }), names).who).toBe('kim');
  });
});
