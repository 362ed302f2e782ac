export { type DiffLine, diffLines, formatDiff } from './line-diff.js';
