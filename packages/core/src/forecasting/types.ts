/** A forecast of the next `point.length` steps of a series, with a prediction interval around each. */
export interface Forecast {
  /** The central forecast (aimed at the median, as the error measured is absolute). */
  point: number[];
  /** The lower limit of the prediction interval at each step. */
  lower: number[];
  /** The upper limit of the prediction interval at each step. */
  upper: number[];
  /** The interval's nominal coverage, between 0 and 1 (0.8 is an 80 % interval). */
  level: number;
  /** The method that made the point forecast, for explanations and debugging. */
  method: string;
}

/** What a forecaster needs to know about the series besides its values. */
export interface ForecastOptions {
  /** How many steps ahead to forecast. */
  horizon: number;
  /** The series' step in milliseconds: seasonal periods (a day, a week) are counted in steps from it. */
  stepMs: number;
  /** Coverage of the prediction interval, between 0 and 1 (default 0.8). */
  level?: number;
}

/**
 * A method that turns history into point forecasts: the building block that the automatic
 * forecaster backtests, selects and wraps with intervals. Pure: the same input gives the same output.
 */
export interface PointMethod {
  /** A short name that says what the method does, e.g. "profile-day". */
  name: string;
  /** The least history (in steps) the method needs for a forecast of the given options. */
  minHistory(options: ForecastOptions): number;
  /** Forecasts `options.horizon` steps after the last value. */
  predict(values: ArrayLike<number>, options: ForecastOptions): number[];
}
