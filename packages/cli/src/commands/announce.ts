/** The banner printed when the control plane is up: where to open it and how to sign in. */
export function announce(options: {
  url: string;
  adminToken: string | undefined;
  tokenFile: string | undefined;
  /** Where an earlier start saved the admin token, when this start generated none. */
  savedTokenFile: string | undefined;
  agent: string | undefined;
  /** The first admin user, only on the start that created it. */
  firstAdmin?: { name: string; password: string; file: string } | undefined;
  /** How the server speaks HTTPS (undefined: plain HTTP on loopback), and the cluster CA's fingerprint. */
  tls?: { source: 'cluster-ca' | 'operator'; caFingerprint: string } | undefined;
}): string {
  const lines = [
    '',
    'Aurora is running.',
    '',
    `  Console   ${options.url}/`,
    `  API       ${options.url}/v1   (reference at ${options.url}/docs)`,
  ];
  if (options.agent) lines.push(`  Node      ${options.agent} (local agent)`);
  if (options.tls) {
    const cert =
      options.tls.source === 'operator' ? 'your certificate (--tls-cert)' : 'a certificate from the cluster CA';
    lines.push(
      `  TLS       HTTPS with ${cert}; agents need client certificates (mutual TLS)`,
      `  CA        ${options.tls.caFingerprint} (aurora token create prints it in the join command)`,
    );
  } else {
    lines.push('  TLS       off: plain HTTP, reachable from this machine only (--tls serves HTTPS to other machines)');
  }
  if (options.adminToken) {
    lines.push(
      '',
      `  Admin token (shown once; saved to ${options.tokenFile ?? 'nowhere'}):`,
      '',
      `    ${options.adminToken}`,
    );
  }
  if (options.firstAdmin) {
    lines.push(
      '',
      `  Admin user for the console login (shown once; saved to ${options.firstAdmin.file}):`,
      '',
      `    user      ${options.firstAdmin.name}`,
      `    password  ${options.firstAdmin.password}`,
    );
  }
  if (!options.adminToken && !options.firstAdmin) {
    const where = options.savedTokenFile ? `saved in ${options.savedTokenFile}` : 'from the first start';
    lines.push(
      '',
      `  Sign in with the admin token ${where} (or AURORA_ADMIN_TOKEN).`,
      "  Users log in to the console with their name and password (the first start printed the admin user's).",
      '  Lost it? Stop Aurora and run `aurora admin reset-token` with the same --data-dir or --database-url.',
    );
  }
  lines.push('', 'Stop with Ctrl-C.', '');
  return lines.join('\n');
}
