import { round } from './format-scores.js';
import type { Answer } from './instance-work.js';
import { InvocationError } from './invocation-error.js';
import type { MediaType } from './media-types.js';

/**
 * A response body built a slice of answers at a time, kept as byte pieces: never joined into one
 * string, and encoded as UTF-8 slice by slice, so writing a large answer to the socket neither
 * encodes nor measures tens of MB in one go.
 */
export class AnswerText {
  readonly pieces: Buffer[] = [];
  private count = 0;

  constructor(readonly type: MediaType) {
    if (type === 'application/json') this.push('{"predictions":[');
  }

  private push(s: string): void {
    this.pieces.push(Buffer.from(s, 'utf8'));
  }

  add(answers: readonly Answer[]): void {
    if (answers.length === 0) return;
    if (this.type === 'application/json') {
      const s = JSON.stringify(answers);
      this.push(this.count === 0 ? s.slice(1, -1) : `,${s.slice(1, -1)}`);
    } else if (this.type === 'application/jsonlines') {
      let s = '';
      for (const a of answers) s += `${JSON.stringify(a)}\n`;
      this.push(s);
    } else {
      let s = '';
      for (const a of answers) {
        if (!('score' in a)) {
          throw new InvocationError(
            406,
            'top-N and cluster answers have no text/csv form; ask for application/json or jsonlines',
          );
        }
        s += `${round(a.score)}\n`;
      }
      this.push(s);
    }
    this.count += answers.length;
  }

  /** Scores already formatted as text/csv lines (formatScores). */
  addBytes(lines: Buffer): void {
    this.pieces.push(lines);
  }

  finish(): Buffer[] {
    if (this.type === 'application/json') this.push(']}');
    return this.pieces;
  }
}
