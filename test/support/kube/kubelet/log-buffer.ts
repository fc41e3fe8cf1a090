/**
 * The log of one container instance, as the CRI log file holds it: lines
 * with a nanosecond timestamp and the stream they came from. A buffer ends
 * when its container instance stops, which is what ends a follow stream.
 * Partial writes are joined until a newline, as the runtime's log driver
 * does.
 */
import { nowNanos } from '../lib/time.js';

export interface LogLine {
  nanos: bigint;
  stream: 'stdout' | 'stderr';
  text: string;
}

type Listener = { line: (l: LogLine) => void; end: () => void };

export class LogBuffer {
  readonly lines: LogLine[] = [];
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  private listeners = new Set<Listener>();
  ended = false;

  /** Appends output; complete lines become log lines. */
  write(stream: 'stdout' | 'stderr', chunk: string, nanos: bigint = nowNanos()): void {
    if (this.ended) return;
    const text = this.partial[stream] + chunk;
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const p of parts) this.push({ nanos, stream, text: p });
  }

  /** One whole line (runners that already split output). */
  line(stream: 'stdout' | 'stderr', text: string, nanos: bigint = nowNanos()): void {
    if (!this.ended) this.push({ nanos, stream, text });
  }

  private push(l: LogLine): void {
    this.lines.push(l);
    for (const x of this.listeners) x.line(l);
  }

  end(): void {
    if (this.ended) return;
    for (const s of ['stdout', 'stderr'] as const) if (this.partial[s]) this.push({ nanos: nowNanos(), stream: s, text: this.partial[s] });
    this.ended = true;
    for (const x of [...this.listeners]) x.end();
    this.listeners.clear();
  }

  subscribe(line: (l: LogLine) => void, end: () => void): () => void {
    if (this.ended) {
      end();
      return () => {};
    }
    const l = { line, end };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  text(): string {
    return this.lines.map((l) => `${l.text}\n`).join('');
  }
}
