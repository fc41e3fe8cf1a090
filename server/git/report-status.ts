/**
 * The receive-pack verdict: did the pack unpack, and for each ref, ok or
 * "ng <reason>". git prints an ng as "! [remote rejected] main -> main (reason)"
 * and exits non-zero.
 *
 * Spec: git Documentation/gitprotocol-pack.txt, "Report Status":
 *   report-status  = unpack-status 1*(command-status) flush-pkt
 *   unpack-status  = PKT-LINE("unpack" SP unpack-result)
 *   command-status = PKT-LINE("ok" SP refname) / PKT-LINE("ng" SP refname SP error-msg)
 * With side-band-64k the whole report, flush included, travels as band-1 data
 * and the response ends with one more flush-pkt (what git's receive-pack does
 * in report() / send_sideband()).
 */
import { encodePktSection, PKT_FLUSH } from './pkt-line.js';
import { Band, encodeSideBand } from './side-band.js';

export type RefStatus = { ref: string; ok: true } | { ref: string; ok: false; reason: string };

export interface ReportStatus {
  /** "ok", or why the pack could not be unpacked. */
  unpack: 'ok' | { error: string };
  refs: RefStatus[];
}

export function encodeReportStatus(report: ReportStatus): Buffer {
  const unpack = report.unpack === 'ok' ? 'ok' : oneLine(report.unpack.error);
  const lines = [`unpack ${unpack}\n`];
  for (const status of report.refs) {
    lines.push(status.ok ? `ok ${status.ref}\n` : `ng ${status.ref} ${oneLine(status.reason)}\n`);
  }
  return encodePktSection(lines);
}

/** The report as the response body expects it, given whether side-band-64k was chosen. */
export function encodeReportResponse(report: ReportStatus, sideBand: boolean): Buffer {
  const body = encodeReportStatus(report);
  return sideBand ? Buffer.concat([...encodeSideBand(Band.data, body), PKT_FLUSH]) : body;
}

/**
 * Reasons and unpack errors are one line each on the wire; a newline would
 * start a bogus status line. Bounded so a pkt-line always fits.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  return flat.length > 1000 ? `${flat.slice(0, 1000)}…` : flat || 'rejected';
}
