import type { Node } from '@aurora/sdk';
import { describe, expect, it } from 'vitest';
import {
  defaultSort,
  filterFromQuery,
  filterNodes,
  nextSort,
  noFilter,
  parseLabelSelector,
  toListQuery,
} from './filters.js';

function node(name: string, state: Node['state'], labels: Record<string, string> = {}): Node {
  return {
    id: name,
    name,
    state,
    stateReason: '',
    stateSince: '2026-01-01T00:00:00.000Z',
    labels,
    zone: null,
    facts: null,
    conditions: [],
    lastHeartbeatAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const fleet = [
  node('web-2', 'ready', { role: 'web' }),
  node('db-1', 'suspect', { role: 'db', disk: 'ssd' }),
  node('web-1', 'cordoned', { role: 'web' }),
];

describe('node table filters', () => {
  it('lets every node through, sorted by name, when no filter is set', () => {
    expect(filterNodes(fleet, noFilter).map((n) => n.name)).toEqual(['db-1', 'web-1', 'web-2']);
  });

  it('keeps only nodes in the chosen state', () => {
    expect(filterNodes(fleet, { ...noFilter, state: 'suspect' }).map((n) => n.name)).toEqual(['db-1']);
  });

  it('requires every label of the selector, with a bare key meaning the label exists', () => {
    expect(filterNodes(fleet, { ...noFilter, labels: 'role=web' }).map((n) => n.name)).toEqual(['web-1', 'web-2']);
    expect(filterNodes(fleet, { ...noFilter, labels: 'role=db, disk' }).map((n) => n.name)).toEqual(['db-1']);
    expect(filterNodes(fleet, { ...noFilter, labels: 'disk=hdd' })).toEqual([]);
  });

  it('matches the name case-insensitively on a text search', () => {
    expect(filterNodes(fleet, { ...noFilter, text: 'WEB' }).map((n) => n.name)).toEqual(['web-1', 'web-2']);
  });

  it('parses a selector, trimming spaces and ignoring empty parts', () => {
    expect(parseLabelSelector(' role = web ,, gpu ')).toEqual([
      { key: 'role', value: 'web' },
      { key: 'gpu', value: undefined },
    ]);
  });

  it('reads a filter from the query string and ignores an unknown state', () => {
    expect(filterFromQuery('?state=down&labels=role%3Ddb&q=web')).toEqual({
      state: 'down',
      labels: 'role=db',
      text: 'web',
    });
    expect(filterFromQuery('?state=sleeping')).toEqual(noFilter);
  });
});

describe('the server query of the node table', () => {
  it('sends key=value requirements as labels, bare keys as hasLabels and the text as q', () => {
    expect(toListQuery({ state: 'ready', labels: 'role=db, gpu ,zone=a', text: ' web ' }, defaultSort, 200)).toEqual({
      state: 'ready',
      labels: { role: 'db', zone: 'a' },
      hasLabels: ['gpu'],
      q: 'web',
      sort: 'name',
      order: 'asc',
      limit: 200,
    });
    expect(toListQuery(noFilter, { key: 'zone', order: 'desc' }, 5)).toEqual({ sort: 'zone', order: 'desc', limit: 5 });
  });

  it('flips the direction on a second click and starts ascending on a new column', () => {
    expect(nextSort(defaultSort, 'name')).toEqual({ key: 'name', order: 'desc' });
    expect(nextSort({ key: 'name', order: 'desc' }, 'state')).toEqual({ key: 'state', order: 'asc' });
  });
});
