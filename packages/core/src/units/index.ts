export {
  DURATION_FORMS,
  DURATION_UNITS,
  DurationSyntaxError,
  type DurationUnit,
  parseDuration,
  tryParseDuration,
} from './duration.js';
