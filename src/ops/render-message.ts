import type { MessageDetail, MessageLine } from './messages.js';
import { bytes, clean, indent, inlineJson, phone, table, time, truncate } from './text.js';

/** One line per message for `mmsgw messages`; every stored string cleaned. */
export function renderMessageLines(lines: readonly MessageLine[]): string {
  if (lines.length === 0) return 'no messages';
  return table(
    ['id', 'time', 'dir', 'kind', 'state', 'from', 'to', 'subject / text'],
    lines.map((m) => [
      String(m.id),
      time(m.at),
      m.direction,
      m.kind,
      `${clean(m.state)}${m.incomplete ? '*' : ''}`,
      truncate(m.from === null ? null : phone(m.from), 24),
      truncate(m.to.map((n) => phone(n)).join(','), 24),
      truncate(m.subject ?? m.text, 40),
    ]),
  );
}

/** The text of `mmsgw show ID`. */
export function renderMessageDetail(d: MessageDetail & { readonly texts?: readonly string[] }): string {
  const m = d.message;
  const out: string[] = [
    `message ${m.id}: ${m.direction} ${m.kind}, ${clean(m.state)}${m.incomplete ? ' (incomplete)' : ''}`,
    `  created       ${time(m.createdAt)}   updated ${time(m.updatedAt)}`,
    `  date          ${time(m.date)}`,
    `  subject       ${clean(m.subject)}`,
    `  size          ${bytes(m.size)}`,
    `  box           ${clean(m.box)}${m.simId ? ` (SIM ${clean(m.simId)})` : ''}`,
  ];
  if (d.modem !== null) out.push(`  modem         ${clean(d.modem)}${d.via !== null ? ` (sender asked for ${clean(d.via)})` : ''}`);
  if (m.transactionId !== null) out.push(`  transaction   ${clean(m.transactionId)}`);
  if (m.messageId !== null) out.push(`  message-id    ${clean(m.messageId)}`);
  if (m.emailMessageId !== null) out.push(`  from email    ${clean(m.emailMessageId)}`);
  if (m.contentLocation !== null) out.push(`  location      ${clean(m.contentLocation)}`);
  if (m.expiry !== null) out.push(`  expiry        ${time(m.expiry)}`);
  // What the decoders accepted although the input was not as the specifications say (docs/CODEC.md).
  for (const w of m.warnings ?? []) out.push(`  warning       ${clean(w)}`);

  if (d.texts !== undefined && d.texts.length > 0) {
    out.push('', 'text');
    // Line by line through `clean`, so a sender's text cannot drive the terminal.
    for (const t of d.texts) for (const line of t.split(/\r\n|\n|\r/)) out.push(`  ${clean(line)}`);
  }

  out.push('', 'addresses');
  if (d.addresses.length === 0) out.push('  none');
  for (const a of d.addresses) out.push(`  ${a.role.padEnd(4)} ${phone(a.normalized)}${a.raw !== a.normalized ? `  (${clean(a.raw)})` : ''}`);

  out.push('', 'parts');
  if (d.parts.length === 0) out.push('  none');
  else
    out.push(
      indent(
        table(
          ['seq', 'type', 'name', 'size', 'sha256'],
          d.parts.map((p) => [String(p.seq), truncate(p.contentType, 32), truncate(p.filename, 40), bytes(p.size), p.sha256.slice(0, 16)]),
        ),
      ),
    );

  out.push('', 'raw PDUs');
  if (d.rawPdus.length === 0) out.push('  none');
  else out.push(indent(table(['id', 'kind', 'size', 'source', 'received'], d.rawPdus.map((r) => [String(r.id), r.kind, bytes(r.size), clean(r.source), time(r.receivedAt)]))));

  out.push('', 'relays');
  if (d.relays.length === 0) out.push('  none');
  for (const r of d.relays) {
    out.push(`  ${clean(r.mailbox)}: ${r.state}, ${r.attempts} attempt(s), updated ${time(r.updatedAt)}`);
    out.push(`    message-id ${clean(r.emailMessageId)}`);
    if (r.smtpResponse) out.push(`    smtp       ${clean(r.smtpResponse)}`);
    if (r.lastError) out.push(`    error      ${clean(r.lastError)}`);
  }

  if (d.reports.length > 0) {
    out.push('', 'reports');
    for (const r of d.reports) out.push(`  ${time(r.at)} ${r.kind} ${clean(r.status)}${r.recipient ? ` from ${clean(r.recipient)}` : ''}`);
  }

  out.push('', 'timeline');
  if (d.events.length === 0) out.push('  none');
  for (const e of d.events) out.push(`  ${time(e.at)} ${clean(e.kind)} ${inlineJson(e.detail)}`.trimEnd());

  out.push('', 'jobs');
  if (d.jobs.length === 0) out.push('  none');
  for (const j of d.jobs) {
    out.push(`  #${j.id} ${clean(j.key)} ${j.state}, ${j.attempts} attempt(s), run at ${time(j.runAt)}${j.lastError ? `, last error: ${clean(j.lastError)}` : ''}`);
  }
  return out.join('\n');
}
