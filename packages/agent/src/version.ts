/** The version this agent reports in its facts; kept equal to package.json by a test. */
export const AGENT_VERSION = '0.1.0';
