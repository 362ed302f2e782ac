import type { ComplianceFramework, ComplianceReport } from '@aurora/sdk';
import { type CommandSpec, parseFlags, stringFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { callApi, connect, connectionFlags } from '../connection.js';
import { formatTable } from '../table.js';
import { terminalSafe } from '../terminal-text.js';

const FRAMEWORKS = ['soc2', 'iso27001', 'gdpr'] as const;
const FORMATS = ['text', 'html', 'json'] as const;
const NAMES: Record<ComplianceFramework, string> = {
  soc2: 'SOC 2',
  iso27001: 'ISO/IEC 27001:2022',
  gdpr: 'GDPR',
};

export const complianceCommand: CommandSpec = {
  name: 'compliance',
  summary: 'a compliance report: each control pass, fail or unknown, with the reason and the evidence',
  usage: 'aurora compliance report --framework soc2|iso27001|gdpr [--format text|html|json]',
  flags: {
    ...connectionFlags,
    framework: { type: 'string', placeholder: 'name', description: 'soc2, iso27001 or gdpr' },
    format: { type: 'string', placeholder: 'format', description: 'text (default), html (a standalone page) or json' },
  },
  examples: [
    'aurora compliance report --framework soc2',
    'aurora compliance report --framework iso27001 --format html > iso27001.html',
  ],
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A standalone page: no scripts, no external assets, so it can be archived as evidence as it is. */
export function reportHtml(report: ComplianceReport): string {
  const rows = report.controls
    .map(
      (c) =>
        `<tr class="${c.status}"><td>${escapeHtml(c.id)}</td><td>${escapeHtml(c.title)}</td>` +
        `<td><strong>${c.status}</strong></td><td>${escapeHtml(c.reason)}</td>` +
        `<td><pre>${escapeHtml(JSON.stringify(c.evidence, null, 2))}</pre></td></tr>`,
    )
    .join('\n');
  const title = `Aurora compliance report: ${NAMES[report.framework]}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}pre{margin:0;font-size:.8rem;white-space:pre-wrap}
tr.pass strong{color:#1a7f37}tr.fail strong{color:#cf222e}tr.unknown strong{color:#9a6700}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Generated ${escapeHtml(report.generatedAt)} from the running system: ${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.unknown} unknown.</p>
<table><thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Reason</th><th>Evidence</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

function reportText(report: ComplianceReport): string {
  const table = formatTable(
    ['CONTROL', 'STATUS', 'REASON'],
    report.controls.map((c) => [c.id, c.status.toUpperCase(), terminalSafe(c.reason)]),
  );
  const { pass, fail, unknown } = report.summary;
  return `${NAMES[report.framework]} at ${report.generatedAt}: ${pass} pass, ${fail} fail, ${unknown} unknown\n\n${table}\n\nEvidence per control: --format json or --format html`;
}

export async function runCompliance(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { flags, positionals } = parseFlags(complianceCommand, argv);
  if (positionals[0] !== 'report' || positionals.length !== 1) {
    throw new CliError('what to do?', complianceCommand.usage);
  }
  const framework = stringFlag(flags, 'framework');
  if (!framework || !(FRAMEWORKS as readonly string[]).includes(framework)) {
    throw new CliError(`--framework ${framework ?? '(missing)'}: not a framework`, 'use soc2, iso27001 or gdpr');
  }
  const format = stringFlag(flags, 'format') ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`--format ${format}: not a format`, 'use text, html or json');
  }
  const client = connect(flags, env);
  const report = await callApi(`building the ${framework} report`, () =>
    client.complianceReport(framework as ComplianceFramework),
  );
  if (format === 'json') return JSON.stringify(report, null, 2);
  if (format === 'html') return reportHtml(report).trimEnd();
  return reportText(report);
}
